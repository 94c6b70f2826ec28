import type { BookConfig } from '../book/configSchema.js';
import type { Renderer } from './renderer.js';

/**
 * One output format, as the format registry (src/driver/formatRegistry.ts) knows it: its name, how to make
 * its renderer, and what a release publishes from its output. Everything downstream (the `formats:`
 * setting, `--format`, releases, the reader site, the manifest, the feed, `evergreen get`) reads these
 * fields, so a new format is a new folder with one of these plus one line in the registry (or a `formats:`
 * entry in an `evergreen.config.js`). Like an mdBook backend, it needs no change to any core file.
 */
export interface OutputFormatDefinition {
  /** The name in `formats:` and `--format` (lowercase letters, digits and `-`). */
  name: string;
  /** One line for `--help` and error messages. */
  description: string;
  /** Makes the renderer for one build; may load heavy modules (a browser driver) only when called. */
  createRenderer(options: FormatRendererOptions): Renderer | Promise<Renderer>;
  /** What a release stores and readers download; omit for a format that is only built, never published. */
  publish?: ArtifactPublication;
  /** Its renderer reads `RenderContext.printPageMap` (where the print edition's pages start: the EPUB's page list). */
  usesPrintPageMap?: boolean;
  /**
   * This format lays out the print edition: with `printPageMap` in the options its renderer also returns the
   * page map; this renderer only measures it, writing nothing (when a format that uses the map is built without this one).
   */
  createPrintPageMapRenderer?(): Renderer | Promise<Renderer>;
}

export interface FormatRendererOptions {
  /** Extra markup for the `<head>` of every HTML page (the live-reload client of `evergreen dev`). */
  extraHead?: string;
  /** A format of this build uses the print page map: the format that lays out the print edition returns it. */
  printPageMap?: boolean;
}

export interface ArtifactPublication {
  /** The artifact kind recorded in release.json and manifest.json (`pdf`, `html-zip`, `epub`…). */
  kind: string;
  /** What readers see on the download link, e.g. `PDF`. */
  label: string;
  /** The IANA media type, for the feed's enclosures and HTTP servers. */
  mediaType: string;
  /** Where the renderer put its output in the build folder: one file, or a folder that is published as a zip. */
  output(config: BookConfig): { path: string; packaging: 'file' | 'zip' };
  /** Ends the published file name `<slug>-<version><suffix>`, e.g. `.pdf` or `-html.zip`. */
  fileSuffix: string;
  /** The reader site unpacks this artifact so each version can be read online (the HTML book). */
  browsable?: boolean;
  /** `evergreen get` downloads it unless the reader chooses formats (`--format`); the HTML zip is opt-in. */
  downloadByDefault: boolean;
}
