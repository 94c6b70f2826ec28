import type { BookConfig } from '../../book/configSchema.js';

/**
 * The page geometry and the page-margin content that depends on the book (running heads). Chromium has no
 * `string-set`/`running()`, so each chapter gets its own named page whose margin boxes carry the chapter's
 * title as a literal string; the rest of the print design lives in print.css, which a book may override.
 */

export interface PageGeometry {
  /** The CSS `size` value: a keyword (`A4`) or `WIDTH HEIGHT`. */
  size: string;
  widthMm: number;
  heightMm: number;
  margins: { top: string; bottom: string; inner: string; outer: string };
}

const namedSizesMm: Record<string, [number, number]> = {
  a3: [297, 420],
  a4: [210, 297],
  a5: [148, 210],
  b5: [176, 250],
  letter: [215.9, 279.4],
  legal: [215.9, 355.6],
};

const mmPer: Record<string, number> = { mm: 1, cm: 10, in: 25.4, pt: 25.4 / 72, px: 25.4 / 96 };

export function lengthToMm(length: string): number {
  const match = /^(\d+(?:\.\d+)?)(mm|cm|in|pt|px)$/.exec(length.trim());
  if (!match) throw new Error(`not a length: ${length}`);
  return Number(match[1]) * mmPer[match[2]];
}

export function pageGeometry(pdf: BookConfig['pdf']): PageGeometry {
  const size = pdf.size.trim();
  const named = namedSizesMm[size.toLowerCase()];
  const [widthMm, heightMm] = named ?? (size.split(/\s+/).map(lengthToMm) as [number, number]);
  // Defaults scale with the page: a trade paperback (6in × 9in) needs narrower margins than A4.
  const small = widthMm < 170;
  const defaults = small ? { top: '16mm', bottom: '18mm', inner: '19mm', outer: '15mm' } : { top: '20mm', bottom: '22mm', inner: '25mm', outer: '20mm' };
  const m = pdf.margins;
  const margins = typeof m === 'string' ? { top: m, bottom: m, inner: m, outer: m } : { ...defaults, ...Object.fromEntries(Object.entries(m ?? {}).filter(([, v]) => v)) };
  return { size: named ? size.toUpperCase().replace('LETTER', 'letter').replace('LEGAL', 'legal') : size, widthMm, heightMm, margins };
}

/** A CSS string literal (for `content:`), safe for any title. */
export function cssString(text: string): string {
  return `"${text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/[\n\r\f]+/g, ' ')}"`;
}

export interface RunningHeadChapter {
  /** The named page used by this chapter (`chapter-3`). */
  pageName: string;
  /** Text in the head of right-hand pages. */
  title: string;
}

/**
 * Generated @page rules: size and margins (mirrored: inner/outer swap between left and right pages), and one
 * named page per chapter for its running head. print.css styles the margin boxes; these only fill them.
 */
export function pageCss(geometry: PageGeometry, bookTitle: string, chapters: RunningHeadChapter[]): string {
  const { top, bottom, inner, outer } = geometry.margins;
  const lines = [
    `@page { size: ${geometry.size}; margin: ${top} ${outer} ${bottom} ${inner}; }`,
    `@page :left { margin-left: ${outer}; margin-right: ${inner}; }`,
    `@page :right { margin-left: ${inner}; margin-right: ${outer}; }`,
    `:root { --page-width: ${geometry.widthMm}mm; --page-height: ${geometry.heightMm}mm; --margin-top: ${top}; --margin-bottom: ${bottom}; --margin-inner: ${inner}; --margin-outer: ${outer}; }`,
  ];
  for (const chapter of chapters) {
    lines.push(
      `.chapter[data-page="${chapter.pageName}"] { page: ${chapter.pageName}; }`,
      `@page ${chapter.pageName}:left { @top-left { content: ${cssString(bookTitle)}; } }`,
      `@page ${chapter.pageName}:right { @top-right { content: ${cssString(chapter.title)}; } }`,
    );
  }
  return `${lines.join('\n')}\n`;
}
