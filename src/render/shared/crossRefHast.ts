import type { Element, ElementContent } from 'hast';
import type { Image, PhrasingContent, Table } from 'mdast';
import type { InlineMath, Math } from 'mdast-util-math';
import type { State } from 'mdast-util-to-hast';
import { defaultHandlers } from 'mdast-util-to-hast';
import { crossRefTable, kindNames, type CrossRefTarget } from '../../book/crossRefs.js';
import type { Book, Chapter } from '../../book/model.js';
import { type CrossRef, isDisplayMath, labelOf } from '../../parse/crossRefSyntax.js';
import { displayMathToHast, inlineMathToHast } from './chapterMath.js';

/**
 * The hast side of numbered cross-references: numbered captions on labelled figures, tables and listings,
 * equation numbers, and `@fig:id` uses as links ("Figure 3.2"). In the print document (`single` mode) a
 * reference into another chapter adds its page ("Figure 3.2 on page 41"): the page number is a
 * `.page-ref` the PDF's layout passes fill in, like the table of contents.
 */
export interface CrossRefContext {
  book: Book;
  chapter: Chapter;
  mode: 'pages' | 'single';
}

/** Placeholder as wide as a real page number, so filling it in does not reflow the line. */
const pagePlaceholder = '000';

export function crossRefHandlers(ctx: CrossRefContext) {
  const table = crossRefTable(ctx.book);
  const numberOf = (key: string) => table.get(key)?.number ?? '?';
  const handlers = {
    crossRef: (state: State, node: CrossRef): ElementContent => {
      const target = table.get(node.key);
      if (!target) return { type: 'text', value: node.written };
      const link = referenceLink(target, node, ctx);
      state.patch(node as never, link);
      return link;
    },
    inlineMath: (state: State, node: InlineMath): Element => {
      const label = labelOf(node);
      const display = isDisplayMath(node) || label !== undefined;
      const element = display
        ? displayMathToHast(node.value, ctx.book.config, label && { id: label.id, number: numberOf(label.key) })
        : inlineMathToHast(node.value, ctx.book.config);
      state.patch(node, element);
      return element;
    },
    math: (state: State, node: Math): Element => {
      const label = labelOf(node);
      const element = displayMathToHast(node.value, ctx.book.config, label && { id: label.id, number: numberOf(label.key) });
      state.patch(node, element);
      return element;
    },
    table: (state: State, node: Table): Element => {
      const element = defaultHandlers.table(state, node) as Element;
      const caption = node.data?.crossRefCaption;
      const label = labelOf(node);
      if (label) element.properties.id = label.id;
      if (caption || label) {
        const children = captionChildren(state, label && `Table ${numberOf(label.key)}`, caption);
        element.children.unshift({ type: 'element', tagName: 'caption', properties: {}, children });
      }
      return element;
    },
  };

  /** Adds the number and caption to a labelled listing's `figure.code-block`, and its id. */
  function listing(state: State, node: { data?: { crossRefCaption?: PhrasingContent[]; crossRefLabel?: { id: string; key: string; kind: string } } }, figure: Element): Element {
    const caption = node.data?.crossRefCaption;
    const label = node.data?.crossRefLabel;
    if (!caption && !label) return figure;
    if (label) figure.properties.id = label.id;
    (figure.properties.className as string[] | undefined)?.push('listing');
    const children = captionChildren(state, label && `Listing ${numberOf(label.key)}`, caption);
    const existing = figure.children.find((c): c is Element => c.type === 'element' && c.tagName === 'figcaption');
    // A file title (`title="a.ts"`) stays: it follows the caption.
    if (existing) existing.children = [...children, { type: 'text', value: ' · ' }, ...existing.children];
    else figure.children.unshift({ type: 'element', tagName: 'figcaption', properties: {}, children });
    return figure;
  }

  /** A labelled lone image: its figure gets the id and "Figure 1.1: " before the caption (title, else alt). */
  function figure(state: State, image: Image, element: Element): void {
    const label = labelOf(image);
    if (!label) return;
    element.properties.id = label.id;
    const captionText = image.title ?? image.alt ?? '';
    const children = captionChildren(state, `Figure ${numberOf(label.key)}`, captionText ? [{ type: 'text', value: captionText }] : undefined);
    const existing = element.children.findIndex((c) => c.type === 'element' && c.tagName === 'figcaption');
    const figcaption: Element = { type: 'element', tagName: 'figcaption', properties: {}, children };
    if (existing === -1) element.children.push(figcaption);
    else element.children[existing] = figcaption;
  }

  /**
   * A Mermaid block as a figure (drawn, or shown as its source without a browser): its id, and "Figure 1.2: "
   * with the caption below it, as under an image.
   */
  function diagram(state: State, node: { data?: { crossRefCaption?: PhrasingContent[]; crossRefLabel?: { id: string; key: string; kind: string } } }, element: Element): Element {
    const caption = node.data?.crossRefCaption;
    const label = node.data?.crossRefLabel?.kind === 'fig' ? node.data.crossRefLabel : undefined;
    if (!caption && !label) return element;
    if (label) element.properties.id = label.id;
    const children = captionChildren(state, label && `Figure ${numberOf(label.key)}`, caption);
    element.children.push({ type: 'element', tagName: 'figcaption', properties: { className: ['diagram-caption'] }, children });
    return element;
  }

  return { handlers, listing, figure, diagram };
}

function captionChildren(state: State, number: string | undefined, caption: PhrasingContent[] | undefined): ElementContent[] {
  const out: ElementContent[] = [];
  if (number) out.push({ type: 'element', tagName: 'span', properties: { className: ['caption-number'] }, children: [{ type: 'text', value: number }] });
  if (number && caption?.length) out.push({ type: 'text', value: ': ' });
  if (caption) out.push(...(state.all({ type: 'paragraph', children: caption }) as ElementContent[]));
  return out;
}

function referenceLink(target: CrossRefTarget, node: CrossRef, ctx: CrossRefContext): Element {
  const { chapter, mode } = ctx;
  const sameChapter = target.chapter === chapter;
  const href = mode === 'single' ? `#${target.chapter.slug}--${target.id}` : `${sameChapter ? '' : `${target.chapter.slug}.html`}#${target.id}`;
  const text = node.suppressPrefix && target.number ? target.number : target.text;
  const children: ElementContent[] = [{ type: 'text', value: target.kind === 'sec' && !text.startsWith('Chapter ') ? `“${text}”` : text }];
  if (mode === 'single' && !sameChapter) {
    children.push(
      { type: 'text', value: ' on page ' },
      { type: 'element', tagName: 'span', properties: { className: ['page-ref'], dataTarget: href.slice(1) }, children: [{ type: 'text', value: pagePlaceholder }] },
    );
  }
  return { type: 'element', tagName: 'a', properties: { href, className: ['xref', `xref-${target.kind}`], dataXref: '' }, children };
}

export { kindNames };
