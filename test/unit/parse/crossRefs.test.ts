import { describe, expect, it } from 'vitest';
import { analyzeChapter } from '../../../src/book/analyzeChapter.js';
import { parseMarkdown } from '../../../src/parse/markdown.js';

const features = (source: string) => {
  const { tree, file } = parseMarkdown(source, '/book/manuscript/ch.md');
  return { tree, analysis: analyzeChapter(tree, file), features: analyzeChapter(tree, file).features! };
};

describe('math syntax', () => {
  it('reads $…$ and $$…$$ as math, keeping TeX backslashes that Markdown would eat', () => {
    const { features: f } = features('Inline $x^2\\,dx$ here.\n\n$$\n\\int_0^1 x\\,dx\n$$\n');
    expect(f.math.map((m) => [m.tex, m.display])).toEqual([
      ['x^2\\,dx', false],
      ['\\int_0^1 x\\,dx', true],
    ]);
    expect(f.math[0]).toMatchObject({ line: 1, column: 8, offset: 8 });
  });

  it('follows pandoc: prices stay text, and $$…$$ inside a paragraph is display math', () => {
    const { features: f } = features('It costs $5 and $10, or $ 3 $. But $$a+b$$ is display.\n');
    expect(f.math.map((m) => [m.tex, m.display])).toEqual([['a+b', true]]);
  });

  it('takes the label off a closing fence (`$$ {#eq:id}`) without swallowing the rest of the chapter', () => {
    const { tree, features: f } = features('$$\nE = mc^2\n$$ {#eq:energy}\n\nAfter @eq:energy.\n');
    expect(f.labels).toEqual([expect.objectContaining({ kind: 'eq', id: 'eq:energy', key: 'eq:energy', line: 1 })]);
    expect(tree.children.map((c) => c.type)).toEqual(['math', 'paragraph']);
    expect(f.uses).toEqual([expect.objectContaining({ key: 'eq:energy', line: 5, column: 7 })]);
  });
});

describe('cross-reference syntax', () => {
  it('labels figures, tables (caption after), listings (fence attributes and caption before) in both spellings', () => {
    const source = [
      '![The lattice](a.svg){#fig:lattice}',
      '',
      '| a |',
      '|---|',
      '| 1 |',
      '',
      ': Sizes {#tbl-sizes}',
      '',
      ': A point {#lst:point}',
      '',
      '```ts',
      'let p = 1;',
      '```',
      '',
      '```{#lst:pandoc .ts caption="Pandoc style"}',
      'let q = 2;',
      '```',
      '',
      '```ts {#lst-quarto lst-cap="Quarto style"}',
      'let r = 3;',
      '```',
    ].join('\n');
    const { tree, features: f } = features(source);
    expect(f.labels.map((l) => [l.kind, l.id, l.key, l.line])).toEqual([
      ['fig', 'fig:lattice', 'fig:lattice', 1],
      ['tbl', 'tbl-sizes', 'tbl:sizes', 3],
      ['lst', 'lst:point', 'lst:point', 11],
      ['lst', 'lst:pandoc', 'lst:pandoc', 15],
      ['lst', 'lst-quarto', 'lst:quarto', 19],
    ]);
    // The caption paragraphs are gone; the pandoc-style fence's first class is its language.
    expect(tree.children.map((c) => c.type)).toEqual(['paragraph', 'table', 'code', 'code', 'code']);
    const codes = tree.children.filter((c) => c.type === 'code');
    expect(codes.map((c) => c.lang)).toEqual(['ts', 'ts', 'ts']);
    expect(codes.map((c) => c.data?.crossRefCaption?.map((t) => (t as { value: string }).value).join(''))).toEqual(['A point', 'Pandoc style', 'Quarto style']);
  });

  it('makes a Mermaid block a figure: pandoc-crossref with mermaid-filter, attributes after the language, Quarto cell options', () => {
    const source = [
      '```{.mermaid #fig:pandoc caption="Pandoc style"}',
      'flowchart LR',
      '  A --> B',
      '```',
      '',
      '```mermaid {#fig-attrs caption="After the language"}',
      'flowchart LR',
      '  C --> D',
      '```',
      '',
      '```{mermaid}',
      '%%| label: fig-quarto',
      '%%| fig-cap: "Quarto style"',
      'flowchart LR',
      '  E --> F',
      '```',
      '',
      '```mermaid',
      'flowchart LR',
      '  G --> H',
      '```',
      '',
      '```ts {#fig:not-a-diagram}',
      'const x = 1;',
      '```',
      '',
    ].join('\n');
    const { tree, features: f } = features(source);
    expect(f.labels.map((l) => [l.kind, l.id, l.key, l.line])).toEqual([
      ['fig', 'fig:pandoc', 'fig:pandoc', 1],
      ['fig', 'fig-attrs', 'fig:attrs', 6],
      ['fig', 'fig-quarto', 'fig:quarto', 11],
    ]);
    // Every form is a diagram to draw; the Quarto options stay in its text (Mermaid reads them as comments).
    expect(f.diagrams.map((d) => d.line)).toEqual([1, 6, 11, 18]);
    expect(f.diagrams[2].source.startsWith('%%| label: fig-quarto\n')).toBe(true);
    const codes = tree.children.filter((c) => c.type === 'code');
    expect(codes.map((c) => c.lang)).toEqual(['mermaid', 'mermaid', 'mermaid', 'mermaid', 'ts']);
    expect(codes.map((c) => c.data?.crossRefCaption?.map((t) => (t as { value: string }).value).join(''))).toEqual([
      'Pandoc style',
      'After the language',
      'Quarto style',
      undefined,
      undefined,
    ]);
  });

  it('finds @fig:id, [@fig:id], -@fig:id and [@a; @b] in text, but not e-mail addresses or code', () => {
    const { features: f } = features('See @fig:a, [@tbl:b], -@fig-c and [@eq:d; @eq:e]. Mail me@fig:x or `@fig:y`.\n');
    expect(f.uses.map((u) => [u.key, u.written, u.column])).toEqual([
      ['fig:a', '@fig:a', 5],
      ['tbl:b', '@tbl:b', 14],
      ['fig:c', '@fig-c', 24],
      ['eq:d', '@eq:d', 36],
      ['eq:e', '@eq:e', 43],
    ]);
  });
});
