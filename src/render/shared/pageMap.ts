import type { Element, Root as HastRoot } from 'hast';

/**
 * Where the print PDF's pages start, in terms every renderer can find again in its own copy of a chapter:
 * the n-th "page block" of the chapter's body (in document order). The PDF measures it (render/pdf), the
 * EPUB turns it into page-break markers and a page-list (render/epub). Both count blocks with the same
 * rule, over the same chapter HTML from renderChapterTree.
 */
export interface PrintPageMap {
  /** Per chapter slug: the blocks on which a printed page starts, with that page's printed number. */
  chapters: Record<string, { block: number; page: string }[]>;
  /** Printed number of the PDF's last page (for `dc:source`-style "print pages" statements). */
  lastPage: string;
}

/** The elements that count as blocks, as a CSS selector (for the browser laying out the PDF). */
export const pageBlockSelector = 'h1, h2, h3, h4, h5, h6, p, li, dt, dd, tr, figure.figure, pre .line';

const blockTags = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'li', 'dt', 'dd', 'tr']);

function classes(node: Element): string[] {
  const value = node.properties.className;
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? String(value).split(' ') : [];
}

/** The chapter's page blocks in document order, matching `pageBlockSelector` on the same markup. */
export function pageBlocks(tree: HastRoot): Element[] {
  const out: Element[] = [];
  const walk = (node: HastRoot | Element, inPre: boolean) => {
    for (const child of node.children) {
      if (child.type !== 'element') continue;
      const tag = child.tagName;
      if (blockTags.has(tag) || (tag === 'figure' && classes(child).includes('figure')) || (inPre && tag === 'span' && classes(child).includes('line'))) {
        out.push(child);
      }
      walk(child, inPre || tag === 'pre');
    }
  };
  walk(tree, false);
  return out;
}
