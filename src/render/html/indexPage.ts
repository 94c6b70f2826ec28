import { buildIndex, indexGroup, type IndexEntry } from '../../book/bookIndex.js';
import type { Book } from '../../book/model.js';
import { indexEntryId, seePath } from '../shared/indexHast.js';
import { escapeHtml } from '../theme.js';

/** The HTML book's index page: entries by letter, each linking to every place it is marked. */
export const indexPageName = 'book-index.html';

export function hasIndex(book: Pick<Book, 'chapters'>): boolean {
  return buildIndex(book).length > 0;
}

export function renderIndexPage(book: Book): string {
  const groups = new Map<string, IndexEntry[]>();
  for (const entry of buildIndex(book)) {
    const letter = indexGroup(entry.term);
    groups.set(letter, [...(groups.get(letter) ?? []), entry]);
  }
  const letters = [...groups.keys()];
  const jump = `<nav class="index-letters" aria-label="Index letters">${letters.map((l) => `<a href="#index-letter-${escapeHtml(l)}">${escapeHtml(l)}</a>`).join(' ')}</nav>`;
  const sections = letters.map(
    (letter) =>
      `<section class="index-group" aria-labelledby="index-letter-${escapeHtml(letter)}"><h2 id="index-letter-${escapeHtml(letter)}">${escapeHtml(letter)}</h2>` +
      `<ul class="index-list">${groups
        .get(letter)!
        .map((e) => entryItem(e, [e.term]))
        .join('')}</ul></section>`,
  );
  return `<article class="chapter-body index-page"><h1 id="index">Index</h1>${jump}${sections.join('')}</article>`;
}

function entryItem(entry: IndexEntry, path: string[]): string {
  const places = entry.occurrences.map((o) => {
    const text = o.section && o.section.id !== o.chapter.analysis.titleHeadingId ? `${o.chapter.title} › ${o.section.text}` : o.chapter.title;
    return `<a href="${o.chapter.slug}.html#${escapeHtml(o.anchor)}">${escapeHtml(text)}</a>`;
  });
  const see = (label: string, targets: string[]) =>
    targets.length
      ? `<span class="index-see"><em>${label}</em> ${targets.map((t) => `<a href="#${indexEntryId(seePath(t))}">${escapeHtml(seePath(t).join(', '))}</a>`).join('; ')}</span>`
      : '';
  const parts = [places.join(', '), see('see', entry.see), see('see also', entry.seeAlso)].filter(Boolean);
  const subs = entry.subentries.length ? `<ul>${entry.subentries.map((s) => entryItem(s, [...path, s.term])).join('')}</ul>` : '';
  return `<li id="${indexEntryId(path)}"><span class="index-name">${escapeHtml(entry.term)}</span>${parts.length ? ` <span class="index-places">${parts.join('. ')}</span>` : ''}${subs}</li>`;
}
