/**
 * Runs inside the print document (inlined as a script, so the HTML file is self-contained and can be opened
 * in a browser to debug the layout). It adapts the screen markup to paper before Chromium lays it out.
 * It must not reference anything outside its own body: it is serialised with Function.prototype.toString.
 */
export function prepareForPrint(): void {
  // Screen-only affordances: "#" anchors after headings would also leak into the PDF bookmarks.
  document.querySelectorAll('a.heading-anchor, a[data-footnote-backref]').forEach((el) => el.remove());
  document.querySelectorAll('pre[tabindex]').forEach((el) => el.removeAttribute('tabindex'));

  // print.css makes each code line a block (for the wrap marker): the newlines between them would
  // become empty rows.
  document.querySelectorAll('pre code').forEach((code) => {
    for (const node of [...code.childNodes]) {
      if (node.nodeType === Node.TEXT_NODE && /^\n*$/.test(node.textContent ?? '')) node.remove();
    }
  });

  // A short code block (up to about 15 lines) is never split across pages; a long one may be.
  document.querySelectorAll('figure.code-block').forEach((figure) => {
    const lines = figure.querySelectorAll('pre .line').length;
    if (lines <= 15) figure.classList.add('keep-together');
  });

  // On paper a link's text hides where it goes: print the URL after it, unless the text already is the URL.
  document.querySelectorAll<HTMLAnchorElement>('.chapter a[href]').forEach((a) => {
    const href = a.getAttribute('href') ?? '';
    if (!/^(https?:|mailto:)/i.test(href)) return;
    const bare = (s: string) => s.trim().replace(/^(https?:\/\/|mailto:)/i, '').replace(/\/$/, '').toLowerCase();
    if (bare(a.textContent ?? '') === bare(href)) {
      a.classList.add('url-link');
      return;
    }
    const url = document.createElement('span');
    url.className = 'printed-url';
    url.textContent = href.replace(/^mailto:/i, '');
    a.after(url);
  });

  // Footnotes are printed as notes at the end of their chapter.
  document.querySelectorAll('.footnotes-label').forEach((label) => {
    label.textContent = 'Notes';
  });

  // Inline code may break anywhere (a long identifier must never push the page wider), but in a table that
  // lets the table squeeze a column down to one character: short code there stays on one line.
  document.querySelectorAll('.chapter td code, .chapter th code').forEach((code) => {
    if ((code.textContent ?? '').length <= 32) code.classList.add('no-break');
  });

  // A table keeps its header row on every page it spans; a short one is not split at all.
  document.querySelectorAll('.chapter table').forEach((table) => {
    if (table.querySelectorAll('tr').length <= 12) table.closest('.table-wrap')?.classList.add('keep-together');
  });
}
