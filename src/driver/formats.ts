import type { Renderer } from '../render/renderer.js';
import { htmlRenderer } from '../render/html/htmlRenderer.js';

export const outputFormats = ['html', 'pdf'] as const;
export type OutputFormat = (typeof outputFormats)[number];

export interface RendererOptions {
  extraHead?: string;
}

/** The renderers for the requested formats, in a fixed order (HTML first: the PDF is made from the same chapters). */
export async function renderersFor(formats: readonly OutputFormat[], options: RendererOptions = {}): Promise<Renderer[]> {
  const renderers: Renderer[] = [];
  if (formats.includes('html')) renderers.push(htmlRenderer({ extraHead: options.extraHead }));
  if (formats.includes('pdf')) {
    // Loaded lazily: puppeteer is only needed for the PDF.
    const { pdfRenderer } = await import('../render/pdf/index.js');
    renderers.push(pdfRenderer());
  }
  return renderers;
}
