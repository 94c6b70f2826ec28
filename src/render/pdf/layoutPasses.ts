import type { Page, PDFOptions } from 'puppeteer-core';
import { readLayout, type PdfLayout } from './destinations.js';

/**
 * Chromium lays the book out once; we read where every chapter landed, then change the same loaded page in
 * place (page numbers into the TOC, blank pages so chapters open on the right) and print again. The page is
 * never reloaded and no chapter is rendered twice. A last check confirms the printed numbers are right.
 */

export interface LayoutOptions {
  /** Start every chapter (and part) on a right-hand page. */
  recto: boolean;
  /** Give up after this many prints when the numbers keep moving (they settle on the second in practice). */
  maxPasses?: number;
}

export interface LayoutResult {
  pdf: Uint8Array;
  /** Pages before main-matter page 1 (title, colophon, contents, blank). */
  frontPages: number;
  pageCount: number;
  passes: number;
  /** False when the TOC numbers did not settle (a warning for the author). */
  settled: boolean;
  /** 0-based pages on which a chapter or part opens. */
  openingPages: number[];
}

export const pdfOptions: PDFOptions = {
  preferCSSPageSize: true,
  printBackground: true,
  outline: true,
  tagged: true,
  displayHeaderFooter: false,
  // Large books take longer than puppeteer's default 30 s on slow machines: never time out.
  timeout: 0,
};

/**
 * The first layout is only read for where things landed: no tags and no bookmarks, which do not change the
 * layout but make printing slower.
 */
const measureOptions: PDFOptions = { ...pdfOptions, tagged: false, outline: false };

/**
 * Prints the layout with nothing painted: `visibility` does not change layout, and Chromium still writes
 * every named destination, but it skips drawing and embedding the text (a 264-page book: 3.5 s of CPU
 * instead of 7.7 s, 0.2 MB instead of 4.7 MB). Only where things landed is read from this PDF.
 */
export async function measure(page: Page): Promise<PdfLayout> {
  await page.evaluate(() => {
    const style = document.createElement('style');
    style.id = 'evergreen-measure';
    style.textContent = 'body { visibility: hidden !important; }';
    document.head.append(style);
  });
  try {
    return await readLayout(await page.pdf(measureOptions));
  } finally {
    await page.evaluate(() => document.getElementById('evergreen-measure')?.remove());
  }
}

interface Plan {
  /** Ids of the elements before which a blank page is needed. */
  blanksBefore: string[];
  /** TOC page number per target id. */
  numbers: Record<string, string>;
  frontPages: number;
}

export async function layOut(page: Page, options: LayoutOptions): Promise<LayoutResult> {
  const maxPasses = options.maxPasses ?? 3;
  const opening = await page.evaluate(() => ({
    /** Every element that starts on a new page in the main matter: parts and chapters, in order. */
    starts: [...document.querySelectorAll('.main-matter > .chapter, .main-matter > .part-page')].map((el) => el.id),
    // The contents' numbers and every other page reference ("Figure 3.2 on page 41", the index).
    targets: [...document.querySelectorAll<HTMLElement>('.toc-page[data-target], .page-ref[data-target]')].map((el) => el.dataset.target!),
  }));
  let layout = await measure(page);
  let passes = 1;
  let pdf: Uint8Array;
  const mainStart = opening.starts[0];
  if (!mainStart) {
    pdf = await page.pdf(pdfOptions);
    return { pdf, frontPages: layout.pageCount, pageCount: layout.pageCount, passes: passes + 1, settled: true, openingPages: [] };
  }

  const plan = planPass(layout, opening.starts, opening.targets, options.recto);
  let applied = plan;
  await applyPlan(page, plan, mainStart);
  for (;;) {
    pdf = await page.pdf(pdfOptions);
    passes++;
    layout = await readLayout(pdf);
    // Blank pages are already in the document now: only the numbers can still be off.
    const check = planPass(layout, opening.starts, opening.targets, false);
    const settled = Object.entries(check.numbers).every(([id, n]) => applied.numbers[id] === n);
    if (settled || passes >= maxPasses) {
      const openingPages = opening.starts.map((id) => layout.pages.get(id)).filter((p): p is number => p !== undefined);
      return { pdf, frontPages: check.frontPages, pageCount: layout.pageCount, passes, settled, openingPages };
    }
    applied = { ...check, blanksBefore: [] };
    await applyPlan(page, applied, mainStart);
  }
}

/** Decides blank pages and TOC numbers from one layout. Exported for unit tests. */
export function planPass(layout: PdfLayout, starts: string[], targets: string[], recto: boolean): Plan {
  const startPage = (id: string) => {
    const p = layout.pages.get(id);
    if (p === undefined) throw new Error(`The print layout has no destination for "${id}"`);
    return p;
  };
  let frontPages = startPage(starts[0]);
  const blanksBefore: string[] = [];
  // Each inserted blank page shifts everything after it by exactly one page.
  const shiftBefore = new Map<string, number>();
  let shift = 0;
  if (recto && frontPages % 2 === 1) {
    blanksBefore.push(starts[0]);
    shift++;
    frontPages++;
  }
  for (const id of starts) {
    if (recto && id !== starts[0] && (startPage(id) + shift) % 2 === 1) {
      blanksBefore.push(id);
      shift++;
    }
    shiftBefore.set(id, shift);
  }
  // Sections inherit the shift of the chapter they are in: the last chapter start at or before them.
  const numbers: Record<string, string> = {};
  const startList = starts.map((id) => ({ id, page: startPage(id) }));
  for (const target of targets) {
    const p = layout.pages.get(target);
    if (p === undefined) continue;
    const owner = [...startList].reverse().find((s) => s.page <= p);
    const physical = p + (owner ? shiftBefore.get(owner.id)! : 0);
    numbers[target] = String(physical - frontPages + 1);
  }
  return { blanksBefore, numbers, frontPages };
}

async function applyPlan(page: Page, plan: Plan, firstStart: string): Promise<void> {
  await page.evaluate(
    ({ blanksBefore, numbers }, first) => {
      for (const id of blanksBefore) {
        const blank = document.createElement('div');
        // A blank page before the first chapter ends the front matter: it counts in roman numerals.
        blank.className = id === first ? 'blank-page front-blank' : 'blank-page';
        blank.setAttribute('aria-hidden', 'true');
        document.getElementById(id)?.before(blank);
      }
      document.querySelectorAll<HTMLElement>('.toc-page[data-target], .page-ref[data-target]').forEach((el) => {
        const n = numbers[el.dataset.target!];
        if (n !== undefined) el.textContent = n;
      });
      // An index entry marked twice on one page lists that page once.
      document.querySelectorAll('.index-pages').forEach((group) => {
        const seen = new Set<string>();
        group.querySelectorAll('a').forEach((a) => {
          const n = a.textContent ?? '';
          if (seen.has(n)) a.remove();
          else seen.add(n);
        });
      });
    },
    plan,
    firstStart,
  );
}
