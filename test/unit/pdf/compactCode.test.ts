import { describe, expect, it } from 'vitest';
import { compactHighlighting } from '../../../src/render/pdf/compactCode.js';

describe('compactHighlighting', () => {
  it('unwraps default-coloured tokens, drops the dark theme and merges same-coloured neighbours', () => {
    const html =
      '<pre class="shiki github-light-default"><code><span class="line">' +
      '<span style="--shiki-light:#CF222E;--shiki-dark:#FF7B72">const</span>' +
      '<span style="--shiki-light:#CF222E;--shiki-dark:#FF7B72"> </span>' +
      '<span style="--shiki-light:#1f2328;--shiki-dark:#E6EDF3">x = </span>' +
      '<span style="--shiki-light:#0550AE;--shiki-dark:#79C0FF">1</span>' +
      '<span style="--shiki-light:#6E7781;--shiki-dark:#8B949E;--shiki-light-font-style:italic">// note</span>' +
      '</span></code></pre>';
    expect(compactHighlighting(html, '#1F2328')).toBe(
      '<pre style="--shiki-light:#1F2328" class="shiki github-light-default"><code><span class="line">' +
        '<span style="--shiki-light:#CF222E">const </span>x = <span style="--shiki-light:#0550AE">1</span>' +
        '<span style="--shiki-light:#6E7781;--shiki-dark:#8B949E;--shiki-light-font-style:italic">// note</span>' +
        '</span></code></pre>',
    );
  });
});
