import type { Element } from 'hast';
import type { State } from 'mdast-util-to-hast';
import { indexAnchor } from '../../book/crossRefAnalysis.js';
import type { IndexEntry } from '../../book/bookIndex.js';
import type { IndexTerm } from '../../parse/indexTerms.js';
import { slugify } from '../../util/slug.js';

/** An index mark keeps its text and gets the id the index links to. */
export function indexTermToHast(state: State, node: IndexTerm): Element {
  const element: Element = { type: 'element', tagName: 'span', properties: { className: ['index-term'], id: indexAnchor(node.n) }, children: state.all(node as never) };
  state.patch(node as never, element);
  return element;
}

/** The id of an entry on the index page (HTML) or in the index section (PDF), for "see" links. */
export function indexEntryId(path: string[]): string {
  return `index-${path.map((p) => slugify(p)).join('--')}`;
}

/** "see" and "see also" targets are written as "Main!sub", like the marks themselves. */
export function seePath(target: string): string[] {
  return target.split('!').map((p) => p.trim());
}

/** Walks entries depth-first with the path of each, for renderers. */
export function flattenIndex(entries: IndexEntry[], parents: string[] = []): { entry: IndexEntry; path: string[] }[] {
  return entries.flatMap((entry) => {
    const path = [...parents, entry.term];
    return [{ entry, path }, ...flattenIndex(entry.subentries, path)];
  });
}
