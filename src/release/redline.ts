import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ElementContent } from 'hast';
import { h } from 'hastscript';
import { copyPrintFonts, loadPrintFonts } from '../render/pdf/printFonts.js';
import { launchBrowser } from '../util/browser.js';
import { createOwnedTempDir } from '../util/ownedTempDir.js';
import { changeSentence, sectionRenamedNote } from './changeSentence.js';
import type { BookPages } from './bookPages.js';
import type { BookDiff, ChapterDiff, SectionDiff } from './diffModel.js';
import { readingTime, rereadPlan } from './reread.js';
import { blocksHtml } from './site/changesPage.js';
import { serialize } from './site/hast.js';

/**
 * The redline PDF for print readers, latexdiff's model: only the changed sections, insertions underlined,
 * deletions struck through, a bar in the margin beside every changed block, page numbers in the footer.
 * Made from the diff (so from the stored snapshots), printed by headless Chromium.
 */
export interface RedlineOptions {
  title: string;
  file: string;
  /** The new version's book PDF: each changed section is named with its page there ("p. 41"). */
  pages?: BookPages;
  /** Why there are no page numbers (the new version has no PDF), said in the redline rather than left out silently. */
  noPages?: string;
}

export async function redlinePdf(diff: BookDiff, options: RedlineOptions): Promise<void> {
  // Set in the print book's own fonts: the page is loaded from a folder holding them.
  const folder = createOwnedTempDir('evergreen-redline-');
  const dir = folder.path;
  const browser = await launchBrowser().catch((error: unknown) => {
    folder.release();
    throw error;
  });
  try {
    await Promise.all([
      writeFile(path.join(dir, 'redline.html'), redlineHtml(diff, options.title, options)),
      writeFile(path.join(dir, 'fonts.css'), loadPrintFonts().css),
      copyPrintFonts(dir),
    ]);
    const page = await browser.browser.newPage();
    await page.goto(pathToFileURL(path.join(dir, 'redline.html')).href, { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      // The body's left margin holds the change bars: Chromium clips whatever reaches into the page margin.
      margin: { top: '18mm', bottom: '18mm', left: '18mm', right: '18mm' },
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: `<div style="font: 8pt sans-serif; width: 100%; text-align: center; color: #555">${escapeText(options.title)} · changes ${escapeText(diff.from)} → ${escapeText(diff.to)} · <span class="pageNumber"></span> / <span class="totalPages"></span></div>`,
    });
    await writeFile(options.file, pdf);
  } finally {
    await browser.close();
    folder.release();
  }
}

function escapeText(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

const css = `
body { font: 10.5pt/1.45 "Source Serif 4", Georgia, serif; color: #111; margin: 0 0 0 4mm; }
code, pre { font-family: "JetBrains Mono", monospace; font-variant-ligatures: none; }
code { font-size: 0.88em; }
h1 { font: 700 18pt/1.2 Inter, sans-serif; margin: 0 0 4pt; }
.page { float: right; font: 400 9pt/1.6 Inter, sans-serif; color: #333; margin-left: 8pt; }
h2 { font: 700 14pt/1.2 Inter, sans-serif; margin: 16pt 0 4pt; break-after: avoid; }
h3 { font: 600 11.5pt/1.2 Inter, sans-serif; margin: 10pt 0 2pt; break-after: avoid; }
.lede, .muted, .badge { font: 9pt/1.4 Inter, sans-serif; color: #444; }
.badge { border: 0.5pt solid #888; border-radius: 6pt; padding: 0 4pt; margin-left: 4pt; }
ins { text-decoration: underline 1pt; text-underline-offset: 1.5pt; color: #05602a; background: none; }
del { text-decoration: line-through 1pt; color: #9b1c1c; background: none; }
.change-block { position: relative; margin: 4pt 0; white-space: pre-wrap; break-inside: avoid; }
.change-block.added, .change-block.removed, .change-block.modified, .change-block.moved { border-left: 2.5pt solid #111; padding-left: 6pt; margin-left: -8.5pt; }
.change-block.same { color: #555; }
pre.change-block { font: 8.5pt/1.4 "JetBrains Mono", monospace; }
pre.change-block ins, pre.change-block del { display: block; }
.elided, .moved-note { font: 8pt sans-serif; color: #666; margin: 0; }
.visually-hidden { display: none; }
ol.reread li { margin: 1pt 0; }
`;

export function redlineHtml(diff: BookDiff, title: string, pageOptions: Pick<RedlineOptions, 'pages' | 'noPages'> = {}): string {
  const plan = rereadPlan(diff);
  const { pages } = pageOptions;
  const page = (slug: string, id: string) => {
    const n = pages?.pageOf(slug, id);
    return n ? h('span', { className: ['page'] }, `p. ${n}`) : null;
  };
  const pagesNote = pages ? ` Page numbers are those of ${pages.name}.` : pageOptions.noPages ? ` No page numbers: ${pageOptions.noPages}.` : '';
  const body: ElementContent[] = [
    h('h1', `${title}: changes from ${diff.from} to ${diff.to}`),
    h(
      'p',
      { className: ['lede'] },
      `${changeSentence(diff.summary)} Insertions are underlined, deletions struck through; a bar in the margin marks every changed block.${pagesNote}`,
    ),
    h('h2', 'What to re-read'),
    h(
      'ol',
      { className: ['reread'] },
      plan.items.map((i) =>
        h('li', [page(i.slug, i.sectionId), `${i.chapterTitle} › ${i.sectionTitle || 'Opening text'} `, h('span', { className: ['muted'] }, readingTime(i.minutes))]),
      ),
    ),
    ...diff.chapters.flatMap((c) => chapterHtml(c, page)),
  ];
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeText(title)}</title><link rel="stylesheet" href="fonts.css"><style>${css}</style></head><body>${serialize(body)}</body></html>`;
}

type PageMark = (slug: string, sectionId: string) => ElementContent | null;

function chapterHtml(c: ChapterDiff, page: PageMark): ElementContent[] {
  const note = c.status === 'added' ? 'new chapter' : c.status === 'removed' ? 'removed' : c.renamed ? `renamed from “${c.oldTitle}”` : '';
  const sections = c.status === 'removed' ? [] : c.sections.filter((s) => s.status !== 'removed' || c.status === 'changed').map((s) => sectionHtml(s, c, page));
  return [h('h2', [c.status === 'removed' ? null : page(c.slug, ''), c.title, note ? h('span', { className: ['badge'] }, note) : null]), ...sections];
}

function sectionHtml(s: SectionDiff, c: ChapterDiff, page: PageMark): ElementContent {
  const slug = c.slug;
  const notes = [
    // In a new chapter every section is new: the chapter's badge says so once.
    s.status === 'added' && c.status !== 'added' ? 'new section' : s.status === 'removed' ? 'removed' : '',
    s.renamed ? sectionRenamedNote(s) : '',
    s.levelChanged ? `heading level ${s.oldDepth} → ${s.depth}` : '',
    s.correction ? 'small correction' : '',
  ].filter(Boolean);
  const body = s.contentChanged
    ? blocksHtml(s.status === 'removed' ? s.blocks.map((b) => ({ op: 'removed', block: b.block })) : s.blocks)
    : h('p', { className: ['muted'] }, 'Text unchanged.');
  return h('section', [h('h3', [s.status === 'removed' ? null : page(slug, s.id), s.title || 'Opening text', ...notes.map((n) => h('span', { className: ['badge'] }, n))]), body]);
}
