import type { Element, ElementContent, Root as HastRoot, RootContent } from 'hast';
import { visit, SKIP } from 'unist-util-visit';
import { pageBlocks, type PrintPageMap } from '../shared/pageMap.js';
import type { CodeClasses } from './codeClasses.js';

/**
 * Transforms from the shared chapter HTML (renderChapterTree, `pages` mode) to what an e-reader wants. Each
 * works on the tree in place and is pure in every other respect.
 */

export const pageBreakId = (page: string) => `page-${page}`;

/**
 * Marks where each printed page starts (EPUB 3 `pagebreak`, DPUB-ARIA `doc-pagebreak`): before a heading,
 * paragraph or figure; as the first child of a list item, table row or code line, where a sibling would be invalid.
 */
export function insertPageBreaks(tree: HastRoot, starts: PrintPageMap['chapters'][string]): string[] {
  if (starts.length === 0) return [];
  const blocks = pageBlocks(tree);
  const inserted: string[] = [];
  const parents = parentMap(tree);
  for (const { block, page } of starts) {
    const target = blocks[block];
    if (!target) continue;
    const marker: Element = {
      type: 'element',
      tagName: 'span',
      // The number as its title: axe-core treats aria-label on doc-pagebreak as prohibited, and DAISY accepts either.
      properties: { id: pageBreakId(page), 'epub:type': 'pagebreak', role: 'doc-pagebreak', title: page },
      children: [],
    };
    const inside = target.tagName === 'tr' ? firstCell(target) : ['li', 'dt', 'dd', 'span'].includes(target.tagName) ? target : undefined;
    if (inside) inside.children.unshift(marker);
    else {
      const parent = parents.get(target);
      if (!parent) continue;
      parent.children.splice(parent.children.indexOf(target), 0, marker);
    }
    inserted.push(page);
  }
  return inserted;
}

function firstCell(row: Element): Element | undefined {
  return row.children.find((c): c is Element => c.type === 'element' && (c.tagName === 'td' || c.tagName === 'th'));
}

function parentMap(tree: HastRoot): Map<Element, HastRoot | Element> {
  const parents = new Map<Element, HastRoot | Element>();
  visit(tree, 'element', (node: Element, _index, parent) => {
    if (parent) parents.set(node, parent as HastRoot | Element);
  });
  return parents;
}

/**
 * The HTML book's chapter without what only a screen can use: type hovers become the plain names (an
 * e-reader has no hover, and the popups would be read out inline), and a diagram keeps its light variant
 * only (as in print). Run first, so the page blocks counted are those the print PDF counted.
 */
export function keepPrintable(tree: HastRoot): void {
  const unwrap = (parent: HastRoot | Element): void => {
    const children: (RootContent | ElementContent)[] = [];
    for (const child of parent.children) {
      if (child.type !== 'element') {
        children.push(child);
        continue;
      }
      const classes = classList(child);
      if (classes.includes('hover-info') || classes.includes('diagram-dark')) continue;
      unwrap(child);
      if (classes.includes('hover') || classes.includes('hover-target')) children.push(...child.children);
      else children.push(child);
    }
    parent.children = children as typeof parent.children;
  };
  unwrap(tree);
  visit(tree, 'element', (node: Element) => {
    delete node.properties.dataHovers;
  });
}

/** Screen-only affordances out, footnotes as EPUB 3 notes, code highlighted by classes. */
export function adaptChapter(tree: HastRoot, codeClasses: CodeClasses): void {
  visit(tree, 'element', (node: Element, index, parent) => {
    const classes = classList(node);
    // "#" links after headings are for copying a URL: a reader cannot, and they would be read out.
    if ((node.tagName === 'a' && classes.includes('heading-anchor')) || node.tagName === 'script' || node.tagName === 'noscript') {
      if (parent && index !== undefined) {
        parent.children.splice(index, 1);
        return index;
      }
    }
    delete node.properties.loading;
    // An EPUB may not show images from the web: the reader gets a link to the image instead.
    if (node.tagName === 'img' && typeof node.properties.src === 'string' && /^(https?:)?\/\//i.test(node.properties.src)) {
      const alt = typeof node.properties.alt === 'string' && node.properties.alt ? node.properties.alt : 'an image';
      node.tagName = 'a';
      node.properties = { href: node.properties.src.replace(/^\/\//, 'https://'), className: ['online-image'] };
      node.children = [{ type: 'text', value: `[Image online: ${alt}]` }];
      return undefined;
    }
    // Raw HTML such as <code><pre>…</pre></code> is tolerated by browsers but invalid XHTML: the outer
    // element becomes a block that may hold the <pre>.
    if (node.tagName === 'code' && node.children.some((c) => c.type === 'element' && c.tagName === 'pre')) {
      node.tagName = 'div';
      node.properties.className = [...classList(node), 'code-wrapper'];
    }
    if (node.tagName === 'pre') {
      delete node.properties.tabIndex;
      codeClasses.apply(node);
      newlinesIntoLines(node);
      return SKIP;
    }
    // Tables wrap to the screen instead of scrolling: nothing there needs focus.
    if (classes.includes('table-wrap')) delete node.properties.tabIndex;
    if (node.tagName === 'a' && node.properties.dataFootnoteRef !== undefined) {
      node.properties['epub:type'] = 'noteref';
      node.properties.role = 'doc-noteref';
      // It pointed at the hidden "Footnotes" label; the note itself is what a reader wants announced.
      delete node.properties.ariaDescribedBy;
    }
    if (node.tagName === 'a' && node.properties.dataFootnoteBackref !== undefined) node.properties.role = 'doc-backlink';
    // Its notes are visited next, as asides: their back links get their role there.
    if (node.tagName === 'section' && node.properties.dataFootnotes !== undefined) footnotesAsAsides(node);
    return undefined;
  });
}

/**
 * The stylesheet makes each code line a block (for the wrap marker); a newline between two blocks would be
 * an empty row of its own. Inside the line, at its end, it draws nothing, and a reader that ignores the
 * stylesheet still breaks the lines.
 */
function newlinesIntoLines(pre: Element): void {
  const code = pre.children.find((c): c is Element => c.type === 'element' && c.tagName === 'code');
  if (!code) return;
  const children: ElementContent[] = [];
  for (const child of code.children) {
    const previous = children[children.length - 1];
    if (child.type === 'text' && /^\n+$/.test(child.value) && previous?.type === 'element' && classList(previous).includes('line')) {
      previous.children.push(child);
    } else {
      children.push(child);
    }
  }
  code.children = children;
}

/**
 * GFM's footnote list becomes one `<aside epub:type="footnote">` per note, which readers show as a pop-up
 * where the reference is. Each keeps its number, since a pop-up has no list around it to number it.
 */
function footnotesAsAsides(section: Element): void {
  section.properties['epub:type'] = 'footnotes';
  section.properties.role = 'doc-endnotes';
  const children: ElementContent[] = [];
  for (const child of section.children) {
    if (child.type === 'element' && child.tagName === 'h2') {
      child.properties.className = ['footnotes-label'];
      child.children = [{ type: 'text', value: 'Notes' }];
      children.push(child);
    } else if (child.type === 'element' && child.tagName === 'ol') {
      let n = 0;
      for (const item of child.children) {
        if (item.type !== 'element' || item.tagName !== 'li') continue;
        n++;
        // A page break inside a note would be hidden with it: it goes before the note instead.
        const breaks = item.children.filter((c): c is Element => c.type === 'element' && c.properties['epub:type'] === 'pagebreak');
        children.push(...breaks);
        const content = item.children.filter((c) => !breaks.includes(c as Element));
        const number: Element = { type: 'element', tagName: 'span', properties: { className: ['footnote-number'] }, children: [{ type: 'text', value: `${n}. ` }] };
        const first = content.find((c): c is Element => c.type === 'element' && c.tagName === 'p');
        if (first) first.children.unshift(number);
        else content.unshift(number);
        children.push({
          type: 'element',
          tagName: 'aside',
          properties: { id: item.properties.id, 'epub:type': 'footnote', role: 'doc-footnote', className: ['footnote'] },
          children: content,
        });
      }
    } else {
      children.push(child);
    }
  }
  section.children = children;
}

/** Every id in a part of a chapter, so links can be pointed at the file that holds their target. */
export function idsIn(nodes: RootContent[]): string[] {
  const ids: string[] = [];
  for (const node of nodes) {
    visit(node, 'element', (el: Element) => {
      if (typeof el.properties.id === 'string') ids.push(el.properties.id);
    });
  }
  return ids;
}

export function classList(node: Element): string[] {
  const value = node.properties.className;
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? String(value).split(' ') : [];
}
