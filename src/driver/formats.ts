import type { Renderer } from '../render/renderer.js';
import { htmlRenderer } from '../render/html/htmlRenderer.js';

import type { OutputFormat } from './outputFormats.js';
export { outputFormats, type OutputFormat } from './outputFormats.js';

export interface RendererOptions {
  extraHead?: string;
  /**
   * Regenerate the reader site (`site/`) from the release history. Default: on, except for live-reload builds
   * (`extraHead` set, i.e. `evergreen dev`), which should stay fast. Writes nothing for books without releases.
   */
  site?: boolean;
}

/** The renderers for the requested formats, in a fixed order (HTML first: the PDF is made from the same chapters). */
export async function renderersFor(formats: readonly OutputFormat[], options: RendererOptions = {}): Promise<Renderer[]> {
  const renderers: Renderer[] = [];
  if (formats.includes('html')) renderers.push(htmlRenderer({ extraHead: options.extraHead }));
  const epub = formats.includes('epub');
  if (formats.includes('pdf') || epub) {
    // Loaded lazily: puppeteer is only needed for the PDF. The EPUB's page list needs the print layout: without
    // the PDF among the formats the book is laid out only to measure its pages.
    const { pdfRenderer } = await import('../render/pdf/index.js');
    renderers.push(pdfRenderer({ pageMap: epub, measureOnly: !formats.includes('pdf') }));
  }
  if (epub) {
    const { epubRenderer } = await import('../render/epub/index.js');
    renderers.push(epubRenderer());
  }
  if (options.site ?? options.extraHead === undefined) {
    // The reader site comes from releases/, not from this build's outputs; a no-op for books without releases.
    const { siteRenderer } = await import('../release/site.js');
    renderers.push(siteRenderer());
  }
  return renderers;
}
