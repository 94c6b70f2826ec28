import type { Element } from 'hast';
import { toHtml } from 'hast-util-to-html';
import type { Code } from 'mdast';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { loadBook } from '../../../src/book/loadBook.js';
import type { Book } from '../../../src/book/model.js';
import type { CodePresentation } from '../../../src/book/codePresentation.js';
import { addHovers } from '../../../src/render/shared/hoverHast.js';
import { cachedSamplePresenter, check, createSamplePresenter } from '../../../src/samples/index.js';
import { writeBook } from '../../helpers/cli.js';

const chapter = [
  '# Hovers',
  '',
  '```ts',
  'interface Point {',
  '  /** Distance from the left. */',
  '  x: number;',
  '}',
  '// ---cut---',
  '/** Makes a point. */',
  'function at(x: number): Point {',
  '  return { x };',
  '}',
  'const origin = at(0);',
  '//    ^?',
  '```',
  '',
  '```ts no-hovers',
  'const quiet = 1;',
  '```',
  '',
  '```ts',
  '// @noStaticSemanticInfo',
  'const silent = 2;',
  '```',
  '',
  '```ts no-check',
  'const unchecked = 3;',
  '```',
  '',
].join('\r\n');

function bookFiles(config = 'title: Hovers\n'): Record<string, string> {
  return { 'manuscript/book.yaml': config, 'manuscript/hovers.md': chapter };
}

async function presentations(book: Book): Promise<CodePresentation[]> {
  const present = await createSamplePresenter(book);
  const out: CodePresentation[] = [];
  visit(book.chapters[0]!.tree(), 'code', (node: Code) => {
    const p = present(book.chapters[0]!, node);
    if (p) out.push(p);
  });
  return out;
}

describe('type hovers (quick info for every identifier)', () => {
  it('gives every shown identifier its quick info, with JSDoc, and nothing for hidden setup lines', async () => {
    const [sample] = await presentations(await loadBook(writeBook(bookFiles())));
    const hovers = sample!.hovers!;
    const at = (line: number, column: number) => hovers.find((h) => h.line === line && h.column === column);
    // `function at(x: number): Point {` is shown line 2 (the cut hides the interface).
    expect(at(2, 10)).toEqual({ line: 2, column: 10, length: 2, text: 'function at(x: number): Point', docs: 'Makes a point.' });
    expect(at(2, 13)).toMatchObject({ length: 1, text: '(parameter) x: number' });
    expect(at(2, 25)).toMatchObject({ length: 5, text: 'interface Point' });
    expect(at(5, 7)).toMatchObject({ length: 6, text: 'const origin: Point' });
    // Nothing points into the hidden interface, and every hover lies on a shown line.
    const shownLines = sample!.code.split('\n');
    for (const h of hovers) expect(shownLines[h.line - 1]!.slice(h.column - 1, h.column - 1 + h.length)).toMatch(/^[\w$]+$/);
    expect(hovers.filter((h) => h.line === 3).map((h) => h.text)).toEqual(['(property) Point.x: number']);
    // The `^?` note is still there as before.
    expect(sample!.typeAnnotations).toEqual([{ line: 5, column: 7, text: 'const origin: Point' }]);
  }, 60_000);

  it('are off for a `no-hovers` fence, `// @noStaticSemanticInfo`, unchecked samples and `hovers: false`', async () => {
    const [, quiet, silent, unchecked] = await presentations(await loadBook(writeBook(bookFiles())));
    expect(quiet!.hovers).toBeUndefined();
    expect(silent!.hovers).toBeUndefined();
    expect(unchecked!.hovers).toBeUndefined();
    const off = await presentations(await loadBook(writeBook(bookFiles('title: Hovers\nhovers: false\n'))));
    expect(off.map((p) => p.hovers)).toEqual([undefined, undefined, undefined, undefined]);
    expect(off[0]!.typeAnnotations).toHaveLength(1);
  }, 60_000);

  it('are cached with the type results by `check`, so a build after it type-checks nothing', async () => {
    const root = writeBook(bookFiles());
    const book = await loadBook(root);
    expect(cachedSamplePresenter(book).missing.length).toBeGreaterThan(0);
    const result = await check({ book });
    expect(result.failed).toBe(0);
    const again = cachedSamplePresenter(await loadBook(root));
    expect(again.missing).toEqual([]);
    const first = again.types.get(again.samples[0]!)!;
    expect(first.hovers?.some((h) => h.text === 'const origin: Point')).toBe(true);
  }, 120_000);
});

describe('addHovers', () => {
  const figure = (line: Element['children']): Element => ({
    type: 'element',
    tagName: 'figure',
    properties: {},
    children: [
      {
        type: 'element',
        tagName: 'pre',
        properties: {},
        children: [{ type: 'element', tagName: 'code', properties: {}, children: [{ type: 'element', tagName: 'span', properties: { className: ['line'] }, children: line }] }],
      },
    ],
  });
  const token = (text: string, color: string): Element => ({
    type: 'element',
    tagName: 'span',
    properties: { style: `--shiki-light:${color}` },
    children: [{ type: 'text', value: text }],
  });

  it('splits a token around the identifier, keeps its colour, and links the popup as its description', () => {
    const tree = figure([token('const', '#c00'), token(' total ', '#00c'), token('=', '#c00')]);
    addHovers(tree, [{ line: 1, column: 7, length: 5, text: 'const total: number' }], 'hover-1-');
    const html = toHtml(tree);
    expect(html).toContain('<pre data-hovers="1">');
    expect(html).toContain(
      '<span style="--shiki-light:#00c"> </span><span class="hover"><span class="hover-info" role="tooltip" id="hover-1-1"><code class="hover-type">const total: number</code></span><span class="hover-target" tabindex="-1" aria-describedby="hover-1-1"><span style="--shiki-light:#00c">total</span></span></span><span style="--shiki-light:#00c"> </span>',
    );
  });

  it('wraps whole tokens, and leaves alone a range that cuts two tokens', () => {
    const tree = figure([token('a', '#111'), token('b', '#222'), token('cd', '#333')]);
    addHovers(tree, [{ line: 1, column: 1, length: 2, text: 'ab' }], 'h-');
    expect(toHtml(tree)).toContain('aria-describedby="h-1"><span style="--shiki-light:#111">a</span><span style="--shiki-light:#222">b</span></span>');
    const cut = figure([token('ab', '#111'), token('cd', '#222')]);
    addHovers(cut, [{ line: 1, column: 2, length: 2, text: 'bc' }], 'h-');
    expect(toHtml(cut)).not.toContain('hover');
  });
});
