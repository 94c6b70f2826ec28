import { hasIndex, indexPageName } from './indexPage.js';
import type { Book, Chapter } from '../../book/model.js';
import { escapeHtml } from '../theme.js';

/**
 * The sidebar for every page of a build: each chapter's entry is made once, and only the current
 * chapter's (expanded to its sections) is made per page, so a large book's navigation stays linear.
 */
export function tocRenderer(book: Book): (current?: Chapter | 'index') => string {
  const plain = new Map(book.chapters.map((c) => [c, chapterItem(c, false)]));
  const withCurrent = (current?: Chapter) => (chapter: Chapter) => (chapter === current ? chapterItem(chapter, true) : plain.get(chapter)!);
  return (current) => {
    const item = withCurrent(current === 'index' ? undefined : current);
    const entries = book.toc.map((entry) =>
      entry.kind === 'chapter'
        ? item(entry.chapter)
        : `<li class="part"><span class="part-title">${escapeHtml(entry.title)}</span><ol>${entry.chapters.map(item).join('')}</ol></li>`,
    );
    const home = `<li class="home${current ? '' : ' current'}"><a href="index.html"${current ? '' : ' aria-current="page"'}><span>Contents</span></a></li>`;
    const index = hasIndex(book)
      ? `<li class="chapter book-index${current === 'index' ? ' current' : ''}"><a href="${indexPageName}"${current === 'index' ? ' aria-current="page"' : ''}><span class="chapter-number"></span><span>Index</span></a></li>`
      : '';
    return `<ol class="toc">${home}${entries.join('')}${index}</ol>`;
  };
}

/** One chapter's sidebar entry, expanded to its sections when it is the current page. */
function chapterItem(chapter: Chapter, isCurrent: boolean): string {
  const sections = isCurrent
    ? chapter.analysis.headings
        .filter((h) => (h.depth === 2 || h.depth === 3) && h.id !== chapter.titleHeadingId && !h.unlisted)
        .map((h) => `<li class="depth-${h.depth}"><a href="#${escapeHtml(h.id)}">${escapeHtml(h.text)}</a></li>`)
        .join('')
    : '';
  return (
    `<li class="chapter${isCurrent ? ' current' : ''}"><a href="${chapter.slug}.html"${isCurrent ? ' aria-current="page"' : ''}>` +
    `<span class="chapter-number">${chapter.number ?? ''}</span><span>${escapeHtml(chapter.title)}</span></a>` +
    (sections ? `<ol class="sections">${sections}</ol>` : '') +
    `</li>`
  );
}

export function renderPrevNext(book: Book, chapter: Chapter | undefined): string {
  const index = chapter ? chapter.index : -1;
  const prev = index > 0 ? book.chapters[index - 1] : undefined;
  const next = book.chapters[index + 1];
  const prevLink = chapter
    ? prev
      ? `<a class="prev" rel="prev" href="${prev.slug}.html"><span class="direction">← Previous</span>${escapeHtml(prev.title)}</a>`
      : `<a class="prev" rel="prev" href="index.html"><span class="direction">← Previous</span>Contents</a>`
    : '';
  const nextLink = next ? `<a class="next" rel="next" href="${next.slug}.html"><span class="direction">Next →</span>${escapeHtml(next.title)}</a>` : '';
  if (!prevLink && !nextLink) return '';
  return `<nav class="prev-next" aria-label="Previous and next chapter">${prevLink}${nextLink}</nav>`;
}

/** The book's home page: title, subtitle, authors, version, and the full table of contents. */
export function renderTitlePage(book: Book, versionLabel: string, date: string): string {
  const { config } = book;
  const first = book.chapters[0];
  const chapterItem = (c: Chapter) => {
    const sections = c.analysis.headings
      .filter((h) => h.depth === 2 && h.id !== c.titleHeadingId && !h.unlisted)
      .map((h) => `<a href="${c.slug}.html#${escapeHtml(h.id)}">${escapeHtml(h.text)}</a>`);
    return `<li><a href="${c.slug}.html">${c.number === undefined ? '' : `${c.number}. `}${escapeHtml(c.title)}</a>${sections.length ? `<div class="chapter-sections">${sections.join(' · ')}</div>` : ''}</li>`;
  };
  const list = book.toc
    .map((e) => (e.kind === 'chapter' ? chapterItem(e.chapter) : `<li class="part-heading">${escapeHtml(e.title)}</li>${e.chapters.map(chapterItem).join('')}`))
    .join('');
  return [
    titlePageHeader(
      config,
      `Version <span class="book-version">${escapeHtml(versionLabel)}</span> · ${escapeHtml(date)}`,
      first ? `<a class="start-reading" href="${first.slug}.html">Start reading →</a>` : '',
    ),
    `<section aria-labelledby="contents-heading"><h2 id="contents-heading">Contents</h2><ol class="contents-list">${list}</ol></section>`,
  ].join('\n');
}

/** The book's title block (title, subtitle, authors, a version line, description, a call to action), shared by the book's and the reader site's home pages. */
export function titlePageHeader(config: Book['config'], versionLineHtml: string, actionHtml: string): string {
  return [
    `<header class="title-page">`,
    `<h1 class="book-title">${escapeHtml(config.title)}</h1>`,
    config.subtitle ? `<p class="book-subtitle">${escapeHtml(config.subtitle)}</p>` : '',
    config.authors.length ? `<p class="book-authors">${escapeHtml(config.authors.join(', '))}</p>` : '',
    `<p class="book-meta">${versionLineHtml}</p>`,
    config.description ? `<p>${escapeHtml(config.description)}</p>` : '',
    actionHtml,
    `</header>`,
  ].join('\n');
}
