import type { Book, Chapter } from '../../book/model.js';
import type { BookVersion } from '../renderer.js';
import { escapeHtml } from '../theme.js';
import { markChangedSections } from './changeMarks.js';
import { prepareForPrint } from './prepareForPrint.js';
import { printIndex, printIndexId } from './printIndex.js';

/**
 * The print book as one HTML document: title page, colophon, table of contents, then every chapter (and
 * part title page). Chromium lays it out; page numbers in the TOC and blank pages for right-hand chapter
 * starts are filled in after a first layout (see layoutPasses.ts), so everything here is pass-independent.
 */

export interface PrintChapter {
  chapter: Chapter;
  /** The chapter's body from renderChapterHtml in `single` mode (ids prefixed with `<slug>--`). */
  html: string;
}

export interface PrintDocumentInput {
  book: Book;
  version: BookVersion;
  chapters: PrintChapter[];
  /** Generated @page rules (pageStyle.ts). */
  pageCss: string;
  /** The print stylesheet (the book's templates/print.css or the default). */
  printCss: string;
  /** Evergreen's version, for the colophon. */
  generator: string;
  /** Extra stylesheets for features the book uses (KaTeX's). */
  extraHead?: string;
}

/** The named page of a chapter: its running head is the chapter title. */
export function chapterPageName(chapter: Chapter): string {
  return `chapter-${chapter.index + 1}`;
}

/** The id of a part's title page (parts have no file, so no slug of their own). */
export function partId(index: number): string {
  return `part-${index + 1}`;
}

/** Section headings listed under each chapter in the printed contents. */
const tocSectionDepth = 2;

/** Placeholder page number during the first layout: as wide as a real one, so the TOC does not reflow. */
export const pageNumberPlaceholder = '000';

export function printDocument(input: PrintDocumentInput): string {
  const { book } = input;
  const body = [titlePage(input), colophon(input), tableOfContents(book), mainMatter(input)].join('\n');
  const marks = input.version.changedSections ?? [];
  // `<` escaped: the marks' labels and ids end up inside a script element.
  const marking = marks.length ? `<script>(${markChangedSections.toString()})(${JSON.stringify(marks).replace(/</g, '\\u003c')});</script>\n` : '';
  return `<!doctype html>
<html lang="${escapeHtml(book.config.language)}" class="print-book">
<head>
<meta charset="utf-8">
<title>${escapeHtml(book.config.title)}</title>
<meta name="generator" content="${escapeHtml(input.generator)}">
<link rel="stylesheet" href="fonts.css">
${input.extraHead ?? ''}
<style>
${input.pageCss}</style>
<style>
${input.printCss}
</style>
</head>
<body>
${body}
${marking}<script>(${prepareForPrint.toString()})();</script>
</body>
</html>
`;
}

function titlePage({ book, version }: PrintDocumentInput): string {
  const { config } = book;
  // Not an <h1>: the title page would otherwise be the first PDF bookmark.
  return [
    `<section class="title-page">`,
    `<div class="title-block">`,
    `<p class="book-title">${escapeHtml(config.title)}</p>`,
    config.subtitle ? `<p class="book-subtitle">${escapeHtml(config.subtitle)}</p>` : '',
    `</div>`,
    config.authors.length ? `<p class="book-authors">${config.authors.map((a) => `<span class="author">${escapeHtml(a)}</span>`).join('')}</p>` : '',
    `<p class="book-edition"><span>Version <span class="book-version">${escapeHtml(version.label)}</span></span> <span class="book-date">${escapeHtml(version.date)}</span></p>`,
    `</section>`,
  ].join('\n');
}

/** The copyright page: which text this is (version, date, content hash), so a reader can tell printings apart. */
function colophon({ book, version, generator }: PrintDocumentInput): string {
  const { config } = book;
  const rows: [string, string][] = [
    ['Version', version.label],
    ['Date', version.date],
    ['Content hash', shortHash(book.contentHash)],
  ];
  return [
    `<section class="colophon">`,
    `<div class="colophon-body">`,
    `<p class="colophon-title">${escapeHtml(config.title)}${config.subtitle ? `: ${escapeHtml(config.subtitle)}` : ''}</p>`,
    config.authors.length ? `<p>by ${escapeHtml(config.authors.join(', '))}</p>` : '',
    config.copyright ? `<p class="copyright">${escapeHtml(config.copyright)}</p>` : '',
    config.description ? `<p class="description">${escapeHtml(config.description)}</p>` : '',
    config.url ? `<p>The current edition is online at <a href="${escapeHtml(config.url)}">${escapeHtml(config.url)}</a>.</p>` : '',
    `<dl class="edition">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`,
    `<p class="generator">Typeset with ${escapeHtml(generator)}. The content hash changes only when the text changes.</p>`,
    `</div>`,
    `</section>`,
  ].join('\n');
}

export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}

function tableOfContents(book: Book): string {
  const entry = (href: string, label: string, title: string, className: string) =>
    `<li class="${className}"><a href="#${escapeHtml(href)}">` +
    (label ? `<span class="toc-label">${escapeHtml(label)}</span>` : '') +
    `<span class="toc-title">${escapeHtml(title)}</span><span class="toc-leader" aria-hidden="true"></span>` +
    `<span class="toc-page" data-target="${escapeHtml(href)}">${pageNumberPlaceholder}</span></a></li>`;
  const chapterItems = (chapter: Chapter) => {
    const sections = chapter.analysis.headings
      .filter((h) => h.depth === tocSectionDepth && h.id !== chapter.titleHeadingId && !h.unlisted)
      .map((h) => entry(`${chapter.slug}--${h.id}`, '', h.text, 'toc-section'));
    return (
      entry(chapter.slug, chapter.number === undefined ? '' : String(chapter.number), chapter.title, 'toc-chapter') +
      (sections.length ? `<li class="toc-sections"><ol>${sections.join('')}</ol></li>` : '')
    );
  };
  let parts = 0;
  const items = book.toc.map((e) => (e.kind === 'chapter' ? chapterItems(e.chapter) : entry(partId(parts++), '', e.title, 'toc-part') + e.chapters.map(chapterItems).join('')));
  if (printIndex(book, pageNumberPlaceholder)) items.push(entry(printIndexId, '', 'Index', 'toc-chapter toc-index'));
  // Not a heading: the bookmarks list the chapters only, one top-level entry each.
  return `<nav class="toc" aria-labelledby="contents"><p class="toc-heading" id="contents">Contents</p><ol>${items.join('')}</ol></nav>`;
}

function mainMatter({ book, chapters }: PrintDocumentInput): string {
  const byChapter = new Map(chapters.map((c) => [c.chapter, c.html]));
  // `data-part`: the chapter's bookmark goes under its part's (finishPdf); Chromium nests by heading level only.
  const chapter = (c: Chapter, part?: string) =>
    `<section class="chapter" id="${escapeHtml(c.slug)}" data-page="${chapterPageName(c)}"${part ? ` data-part="${part}"` : ''}>\n` +
    // An unnumbered chapter keeps the label's room (its title sits where every chapter's does), without the words.
    (c.number === undefined
      ? `<p class="chapter-label chapter-unnumbered" aria-hidden="true"></p>\n`
      : `<p class="chapter-label" aria-hidden="true"><span>Chapter</span> <span class="chapter-number">${c.number}</span></p>\n`) +
    `${byChapter.get(c) ?? ''}\n</section>`;
  let parts = 0;
  const sections = book.toc.map((e) =>
    e.kind === 'chapter'
      ? chapter(e.chapter)
      : `<section class="part-page" id="${partId(parts)}"><p class="part-label">Part ${++parts}</p><h1 class="part-title">${escapeHtml(e.title)}</h1></section>\n` +
        e.chapters.map((c) => chapter(c, partId(parts - 1))).join('\n'),
  );
  return `<main class="main-matter">\n${sections.join('\n')}\n${printIndex(book, pageNumberPlaceholder)}\n</main>`;
}
