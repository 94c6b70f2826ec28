import type { ChangedSection } from '../renderer.js';
import { lengthToMm, type PageGeometry } from './pageStyle.js';

/**
 * The print book's change marks: a bar in the margin beside every section the release changed, and a small
 * "Updated in 2.3.0" under its heading, the way a reprint with change bars marks what is new. The marks are
 * applied to the assembled print document (never to the cached chapter HTML), before print preparation.
 */

/**
 * Print styles for the marks; before the book's print.css, so a book's own theme can restyle them. Chromium
 * clips whatever reaches into a page's margins, so the bar needs room inside the page area: the left page
 * margin gives up a gutter that the body takes back as padding. Text, running heads and page numbers stay
 * exactly where they were; only the bars are drawn in the gutter.
 */
export function changeMarkCss(geometry: PageGeometry): string {
  const { inner, outer } = geometry.margins;
  const gutter = Math.max(0, Math.min(5, lengthToMm(inner) - 3, lengthToMm(outer) - 3));
  const mm = (n: number) => `${Math.round(n * 100) / 100}mm`;
  return `
@page :left { margin-left: ${mm(lengthToMm(outer) - gutter)}; }
@page :right { margin-left: ${mm(lengthToMm(inner) - gutter)}; }
@page { @top-left { padding-left: ${mm(gutter)}; } @bottom-left { padding-left: ${mm(gutter)}; } }
body { padding-left: ${mm(gutter)}; }
.changed-section { border-left: 1.5pt solid currentColor; margin-left: -${mm(gutter * 0.8)}; padding-left: calc(${mm(gutter * 0.8)} - 1.5pt); box-decoration-break: slice; -webkit-box-decoration-break: slice; }
.change-note { font: 600 0.68rem/1.2 var(--font-ui, sans-serif); letter-spacing: 0.01em; color: #555; margin: -0.25em 0 0.55em; break-before: avoid; break-after: avoid; }
`;
}

/** The script that applies the marks in the print document (serialised: it must not reference anything outside). */
export function markChangedSections(marks: ChangedSection[]): void {
  const isHeading = (el: Element) => /^H[1-6]$/.test(el.tagName);
  for (const mark of marks) {
    const chapter = document.getElementById(mark.chapterSlug);
    const title = chapter?.querySelector('h1');
    if (!chapter || !title) continue;
    // A chapter's title stays outside the bar (its opening layout depends on it following the chapter label).
    const heading = mark.headingId === '' ? undefined : document.getElementById(`${mark.chapterSlug}--${mark.headingId}`);
    if (mark.headingId !== '' && (!heading || !chapter.contains(heading))) continue;
    const range: Element[] = heading ? [heading] : [];
    for (let next = (heading ?? title).nextElementSibling; next; next = next.nextElementSibling) {
      if (next.matches('section[data-footnotes], .footnotes') || (!mark.wholeChapter && isHeading(next))) break;
      range.push(next);
    }
    if (range.length === 0) continue;
    const wrapper = document.createElement('div');
    wrapper.className = 'changed-section';
    range[0].before(wrapper);
    wrapper.append(...range);
    const note = document.createElement('div');
    note.className = 'change-note';
    note.textContent = mark.label;
    if (heading) heading.after(note);
    else wrapper.prepend(note);
  }
}
