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

  // Token colours as CSS custom highlights instead of one element per token: a tagged PDF makes a structure
  // element of every span, which on a code-heavy book doubled the printing time and memory. A line whose
  // spans only set a colour becomes one text node; each colour is one highlight over StaticRanges (which,
  // unlike live Ranges, cost nothing when the document changes between the layout passes).
  const byColour = new Map<string, StaticRange[]>();
  document.querySelectorAll('pre.shiki .line').forEach((line) => {
    const tokens: { text: string; colour?: string }[] = [];
    for (const node of line.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) {
        tokens.push({ text: node.textContent ?? '' });
        continue;
      }
      const style = node instanceof HTMLElement ? (node.getAttribute('style') ?? '') : '';
      const colour = /^--shiki-light:(#[0-9A-Fa-f]{3,8});?$/.exec(style)?.[1];
      if (!colour || (node as Element).children.length > 0) return; // other styles or markup: leave the line as it is
      tokens.push({ text: node.textContent ?? '', colour });
    }
    const text = document.createTextNode(tokens.map((t) => t.text).join(''));
    line.replaceChildren(text);
    let offset = 0;
    for (const t of tokens) {
      if (t.colour && t.text) {
        const ranges = byColour.get(t.colour) ?? [];
        ranges.push(new StaticRange({ startContainer: text, startOffset: offset, endContainer: text, endOffset: offset + t.text.length }));
        byColour.set(t.colour, ranges);
      }
      offset += t.text.length;
    }
  });
  const rules: string[] = [];
  for (const [colour, ranges] of byColour) {
    const name = `code-${colour.slice(1).toLowerCase()}`;
    CSS.highlights.set(name, new Highlight(...ranges));
    rules.push(`::highlight(${name}) { color: ${colour}; }`);
  }
  const style = document.createElement('style');
  style.textContent = rules.join('\n');
  document.head.append(style);

  // A short code block (up to about 15 lines) is never split across pages; a long one may be.
  document.querySelectorAll('figure.code-block').forEach((figure) => {
    const lines = figure.querySelectorAll('pre .line').length;
    if (lines <= 15) figure.classList.add('keep-together');
  });

  // On paper a link's text hides where it goes: print the URL after it, unless the text already is the URL.
  document.querySelectorAll<HTMLAnchorElement>('.chapter a[href]').forEach((a) => {
    const href = a.getAttribute('href') ?? '';
    if (!/^(https?:|mailto:)/i.test(href)) return;
    const bare = (s: string) =>
      s
        .trim()
        .replace(/^(https?:\/\/|mailto:)/i, '')
        .replace(/\/$/, '')
        .toLowerCase();
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
