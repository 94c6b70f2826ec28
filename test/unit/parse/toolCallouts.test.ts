import type { Blockquote, Root } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../../src/parse/markdown.js';

/** Each alert in the chapter: its kind and its text without the title. */
function alerts(source: string): { kind: string; text: string }[] {
  const { tree } = parseMarkdown(source, '/book/chapter.md');
  return (tree as Root).children
    .filter((n): n is Blockquote => n.type === 'blockquote')
    .map((n) => ({
      kind: String((n.data as { alert?: string } | undefined)?.alert),
      text: n.children
        .slice(1)
        .map((c) => toString(c))
        .join('|'),
    }));
}

describe('callouts of other tools as alerts', () => {
  it('reads Markua asides (A>, W>, T>, E>) as note, warning, tip and caution alerts, inline marks kept', () => {
    expect(alerts('A> Leanpub asides hold `side` notes.\n\nW> Careful.\nW> Two lines.\n\nT> A tip.\n\nE> An error.\n')).toEqual([
      { kind: 'note', text: 'Leanpub asides hold side notes.' },
      { kind: 'warning', text: 'Careful.\nTwo lines.' },
      { kind: 'tip', text: 'A tip.' },
      { kind: 'caution', text: 'An error.' },
    ]);
  });

  it('leaves a paragraph alone unless every line carries the same aside marker', () => {
    expect(alerts('A> first\nB> second\n')).toEqual([]);
    expect(alerts('A> first\nplain text\n')).toEqual([]);
    expect(alerts('Write A> B in prose.\n')).toEqual([]);
  });

  it('reads Quarto callout divs, in one paragraph or spread over blocks, as alerts of their kind', () => {
    expect(alerts('::: {.callout-note}\nCallouts are boxes.\n:::\n')).toEqual([{ kind: 'note', text: 'Callouts are boxes.' }]);
    expect(alerts('::: {.callout-warning title="Mind"}\n\nFirst paragraph.\n\n```ts\nconst x = 1;\n```\n\n:::\n\nAfter.\n')).toEqual([
      { kind: 'warning', text: 'First paragraph.|const x = 1;' },
    ]);
    const { tree } = parseMarkdown('::: {.callout-tip}\nTip.\n:::\n\nAfter.\n', '/b/c.md');
    expect(toString((tree as Root).children[1])).toBe('After.');
  });

  it('leaves an unclosed callout and other fenced divs as text', () => {
    expect(alerts('::: {.callout-note}\nNever closed.\n')).toEqual([]);
    expect(alerts('::: {.column-margin}\nMargin.\n:::\n')).toEqual([]);
  });
});
