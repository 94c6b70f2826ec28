import { htmlFormat } from '../render/html/format.js';
import type { FormatRendererOptions, OutputFormatDefinition } from '../render/outputFormat.js';
import { epubFormat } from '../render/epub/format.js';
import { pdfFormat } from '../render/pdf/format.js';
import type { Renderer } from '../render/renderer.js';

export type { ArtifactPublication, FormatRendererOptions, OutputFormatDefinition } from '../render/outputFormat.js';

/** The formats Evergreen ships, in build order (HTML first: the PDF is made from the same chapters; the EPUB after the PDF, whose page numbers it carries). */
export const builtinFormats: readonly OutputFormatDefinition[] = [htmlFormat, pdfFormat, epubFormat];

const namePattern = /^[a-z][a-z0-9-]*$/;

/**
 * Every output format a project can build: the built-in ones plus those a book's `evergreen.config.js`
 * brings. The config schema, `--format`, releases, the reader site, the manifest and the feed all ask this
 * registry, so none of them names a format.
 */
export class FormatRegistry {
  private readonly formats = new Map<string, OutputFormatDefinition>();

  constructor(formats: readonly OutputFormatDefinition[] = builtinFormats) {
    for (const format of formats) this.register(format);
  }

  register(format: OutputFormatDefinition): void {
    if (!namePattern.test(format.name)) throw new TypeError(`A format name must be lowercase letters, digits and "-" (got ${JSON.stringify(format.name)})`);
    const kind = format.publish?.kind;
    const clash = kind ? this.list().find((f) => f.publish?.kind === kind && f.name !== format.name) : undefined;
    if (clash) throw new TypeError(`Format "${format.name}" publishes artifacts of kind "${kind}", which format "${clash.name}" already does`);
    this.formats.set(format.name, format);
  }

  get(name: string): OutputFormatDefinition | undefined {
    return this.formats.get(name);
  }

  /** Registration order, which is also build order. */
  list(): OutputFormatDefinition[] {
    return [...this.formats.values()];
  }

  names(): string[] {
    return [...this.formats.keys()];
  }

  /** The format that publishes artifacts of this kind (for release records that predate stored labels). */
  byArtifactKind(kind: string): OutputFormatDefinition | undefined {
    return this.list().find((f) => f.publish?.kind === kind);
  }

  /** The names that are not registered, for a usage error or a positioned config error. */
  unknown(names: readonly string[]): string[] {
    return names.filter((n) => !this.formats.has(n));
  }

  /** The requested formats' definitions in registry order (not the order they were asked for). */
  select(names: readonly string[]): OutputFormatDefinition[] {
    const missing = this.unknown(names);
    if (missing.length) throw new TypeError(`Unknown format ${missing.map((m) => `"${m}"`).join(', ')}; registered: ${this.names().join(', ')}`);
    return this.list().filter((f) => names.includes(f.name));
  }

  async renderers(names: readonly string[], options: FormatRendererOptions = {}): Promise<Renderer[]> {
    const selected = this.select(names);
    const printPageMap = selected.some((f) => f.usesPrintPageMap);
    const renderers = await Promise.all(selected.map((f) => f.createRenderer({ ...options, printPageMap })));
    // A format that needs the print page numbers, built without the print format: lay the print edition out
    // only to measure it, before the first format that needs it.
    if (printPageMap && !selected.some((f) => f.createPrintPageMapRenderer)) {
      const measurer = this.list().find((f) => f.createPrintPageMapRenderer);
      if (measurer)
        renderers.splice(
          selected.findIndex((f) => f.usesPrintPageMap),
          0,
          await measurer.createPrintPageMapRenderer!(),
        );
    }
    return renderers;
  }
}
