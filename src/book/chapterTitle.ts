import type { ChapterAnalysis } from './model.js';

export interface ChapterTitle {
  title: string;
  /**
   * The heading that is the chapter's title on the page (rendered as its h1, not repeated as a section
   * beneath it, left out of the section lists); undefined when the page gets a title heading of its own.
   */
  titleHeadingId?: string;
  /** Where the title came from: book.yaml, the chapter's own text (front matter or a heading), or its file name. */
  source: 'book.yaml' | 'chapter' | 'file name';
}

/**
 * The title rule on top of the chapter's own (front matter, headings: see analyzeChapter): a title given
 * in book.yaml wins, as outlines in mdBook, GitBook and Quarto win. Whichever title is used, when the
 * chapter's first heading, of any level, says the same thing, that heading is the title: a chapter that
 * opens with `## Equality` under the title "Equality" shows it once, not twice.
 */
export function chapterTitle(analysis: ChapterAnalysis, configuredTitle: string | undefined, fileNameTitle: string): ChapterTitle {
  const first = analysis.headings[0];
  const sameAsFirst = (title: string) => (first !== undefined && first.id !== '' && sameTitle(first.text, title) ? first.id : undefined);
  if (configuredTitle !== undefined) return { title: configuredTitle, titleHeadingId: sameAsFirst(configuredTitle), source: 'book.yaml' };
  if (analysis.title !== undefined) {
    // Under a front-matter title, the chapter's opening heading is its title on the page (as analyzeChapter
    // decides), but a later `#` heading is not unless it says the same: the Handbook's "Narrowing" has its
    // first `#`, "Truthiness narrowing", a hundred lines and several `##` sections in.
    const heading = analysis.headings.find((h) => h.id === analysis.titleHeadingId);
    const fromHeading = heading !== undefined && (analysis.frontMatter.title === undefined || heading === analysis.headings[0] || sameTitle(heading.text, analysis.title));
    return { title: analysis.title, titleHeadingId: fromHeading ? heading.id : sameAsFirst(analysis.title), source: 'chapter' };
  }
  return { title: fileNameTitle, titleHeadingId: sameAsFirst(fileNameTitle), source: 'file name' };
}

/** Titles that differ only in case, spacing or Unicode form say the same thing. */
export function sameTitle(a: string, b: string): boolean {
  const norm = (s: string) => s.normalize('NFKC').replace(/\s+/g, ' ').trim().toLocaleLowerCase('en');
  return norm(a) === norm(b);
}
