/**
 * Shiki wraps every token in a span carrying both themes' colours. Paper needs only the light theme, and in
 * a tagged PDF each span becomes a structure element: on a code-heavy book that is most of the file and of
 * Chromium's printing time (264 pages: 78,000 spans, 16 MB, twice the CPU). So for print, tokens in the
 * theme's default colour lose their span (the <pre> carries that colour), the dark colour is dropped, and
 * neighbouring tokens of the same colour share one span. Spans with other styles (bold, italic) are kept.
 */
const token = /<span style="--shiki-light:(#[0-9A-Fa-f]{3,8})(?:;--shiki-dark:#[0-9A-Fa-f]{3,8})?">([^<]*)<\/span>/g;
const sameColourNeighbours = /<span style="(--shiki-light:#[0-9A-Fa-f]+)">([^<]*)<\/span><span style="\1">/g;

export function compactHighlighting(html: string, defaultColour: string): string {
  const plain = defaultColour.toUpperCase();
  let out = html
    .replace(/<pre class="shiki/g, `<pre style="--shiki-light:${defaultColour}" class="shiki`)
    .replace(token, (_m, light: string, text: string) => (light.toUpperCase() === plain ? text : `<span style="--shiki-light:${light}">${text}</span>`));
  for (let before = ''; before !== out; ) {
    before = out;
    out = out.replace(sameColourNeighbours, '<span style="$1">$2');
  }
  return out;
}
