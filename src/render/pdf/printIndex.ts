import { buildIndex, indexGroup, type IndexEntry } from '../../book/bookIndex.js';
import type { Book } from '../../book/model.js';
import { indexEntryId, seePath } from '../shared/indexHast.js';
import { escapeHtml } from '../theme.js';

/**
 * The printed index at the back of the book. Every occurrence is a link to its mark holding a `.page-ref`,
 * which the layout passes fill with the page the mark landed on (as for the contents); repeated pages of
 * one entry are merged after that (layoutPasses.ts).
 */
export const printIndexId = 'book-index';
export const printIndexPageName = 'book-index';

export function printIndex(book: Book, placeholder: string): string {
  const entries = buildIndex(book);
  if (entries.length === 0) return '';
  let letter = '';
  const rows: string[] = [];
  const walk = (entry: IndexEntry, path: string[]) => {
    if (path.length === 1 && indexGroup(entry.term) !== letter) {
      letter = indexGroup(entry.term);
      rows.push(`<p class="index-letter">${escapeHtml(letter)}</p>`);
    }
    const pages = entry.occurrences.map((o) => {
      const target = `${o.chapter.slug}--${o.anchor}`;
      return `<a href="#${escapeHtml(target)}"><span class="page-ref" data-target="${escapeHtml(target)}">${placeholder}</span></a>`;
    });
    const see = (label: string, targets: string[]) =>
      targets.length ? ` <span class="index-see"><em>${label}</em> ${targets.map((t) => escapeHtml(seePath(t).join(', '))).join('; ')}</span>` : '';
    rows.push(
      `<p class="index-entry index-level-${path.length}" id="${indexEntryId(path)}"><span class="index-name">${escapeHtml(entry.term)}</span>` +
        (pages.length ? `<span class="index-pages">${pages.join('')}</span>` : '') +
        see('see', entry.see) +
        see('see also', entry.seeAlso) +
        `</p>`,
    );
    for (const sub of entry.subentries) walk(sub, [...path, sub.term]);
  };
  for (const entry of entries) walk(entry, [entry.term]);
  return `<section class="chapter book-index" id="${printIndexId}" data-page="${printIndexPageName}">\n<h1 id="${printIndexId}-title">Index</h1>\n<div class="index-columns">${rows.join('\n')}</div>\n</section>`;
}
