import type { Element, ElementContent, Root as HastRoot } from 'hast';
import { toXast } from 'hast-util-to-xast';
import type { Element as XastElement, Root as XastRoot } from 'xast';
import { toXml } from 'xast-util-to-xml';

export const stylesheetPath = 'styles/book.css';

export interface XhtmlDocumentInput {
  title: string;
  lang: string;
  body: ElementContent[];
  /** `epub:type` for the body (e.g. `bodymatter`); structural semantics readers use for landmarks. */
  bodyType?: string;
}

/** A complete XHTML content document (well-formed XML in the XHTML namespace, with the `epub:` prefix declared). */
export function xhtmlDocument(input: XhtmlDocumentInput): string {
  const element = (tagName: string, properties: Element['properties'], children: ElementContent[] = []): Element => ({ type: 'element', tagName, properties, children });
  const head = element('head', {}, [
    element('meta', { charSet: 'utf-8' }),
    element('title', {}, [{ type: 'text', value: input.title }]),
    element('link', { rel: ['stylesheet'], type: 'text/css', href: stylesheetPath }),
  ]);
  const body = element('body', input.bodyType ? { 'epub:type': input.bodyType } : {}, input.body);
  const tree: HastRoot = { type: 'root', children: [element('html', { lang: input.lang }, [head, body])] };
  const xast = toXast(tree) as XastRoot;
  const html = xast.children.find((c): c is XastElement => c.type === 'element')!;
  html.attributes['xmlns:epub'] = 'http://www.idpf.org/2007/ops';
  html.attributes['xml:lang'] = input.lang;
  dropMathMlColumnWidths(html);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n${toXml(xast, { closeEmptyElements: true })}\n`;
}

/** Escapes text for XML written by hand (the package document, the container). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/**
 * KaTeX lays out a tagged equation as a table whose spacer cells carry `width="50%"`. HTML readers accept it,
 * but EPUB's MathML 3 schema has no `width` on `mtd` (EPUBCheck RSC-005); the cells are empty spacers, so
 * the equation reads the same without it.
 */
function dropMathMlColumnWidths(node: XastElement): void {
  if (node.name === 'mtd') delete node.attributes.width;
  for (const child of node.children) if (child.type === 'element') dropMathMlColumnWidths(child);
}
