import type { Element, ElementContent } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import katex from 'katex';
import type { BookConfig } from '../../book/configSchema.js';
import { katexOptions } from '../../book/mathCheck.js';

/**
 * Formulas rendered at build time by KaTeX, as HTML (what sighted readers see, styled by katex.css with
 * KaTeX's own fonts) plus MathML (what screen readers and copy-paste get). No script runs in the reader.
 */
const rendered = new Map<string, string>();

function katexHtml(tex: string, display: boolean, config: Pick<BookConfig, 'math'>): string {
  const key = `${display}\0${JSON.stringify(config.math?.macros ?? {})}\0${tex}`;
  let html = rendered.get(key);
  if (html === undefined) {
    // Errors were reported when the book was loaded (book/mathCheck.ts): a build with one never renders.
    html = katex.renderToString(tex, { ...katexOptions(config, display), throwOnError: false });
    rendered.set(key, html);
  }
  return html;
}

function fragment(html: string): ElementContent[] {
  return fromHtml(html, { fragment: true }).children as ElementContent[];
}

export function inlineMathToHast(tex: string, config: Pick<BookConfig, 'math'>): Element {
  return { type: 'element', tagName: 'span', properties: { className: ['math', 'math-inline'] }, children: fragment(katexHtml(tex, false, config)) };
}

/** Display math; a labelled equation carries its number as KaTeX's `\tag`, set at the right margin. */
export function displayMathToHast(tex: string, config: Pick<BookConfig, 'math'>, label?: { id: string; number: string }): Element {
  const source = label ? `${tex}\n\\tag{${label.number}}` : tex;
  return {
    type: 'element',
    tagName: 'div',
    properties: { className: ['math', 'math-display'], ...(label ? { id: label.id } : {}) },
    children: fragment(katexHtml(source, true, config)),
  };
}
