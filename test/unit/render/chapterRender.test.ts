import type { Element, Root } from 'hast';
import { raw } from 'hast-util-raw';
import { toHtml } from 'hast-util-to-html';
import { describe, expect, it } from 'vitest';
import { loadBook } from '../../../src/book/loadBook.js';
import { codeBlocksByChapter, renderChapterHtml } from '../../../src/render/shared/chapterHtml.js';
import { diagramSlots, fillDiagramSlots, hasDiagramSlots, type DiagramSvgs } from '../../../src/render/shared/diagramHast.js';
import { diagramHash } from '../../../src/render/shared/diagramKey.js';
import { prepareHighlighter } from '../../../src/render/shared/highlight.js';
import { parseRawHtml } from '../../../src/render/shared/rawHtml.js';
import { writeBook } from '../../helpers/cli.js';

const flow = 'flowchart LR\n  A --> B';
// What Mermaid returns, in miniature: its own style sheet, a foreignObject label, markers by id.
const svg = (theme: string) =>
  `<svg id="m-${theme}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><style>#m-${theme} .node rect{fill:${theme === 'dark' ? '#1f2020' : '#ECECFF'}}</style><defs><marker id="m-${theme}-arrow"><path d="M0,0L10,5"></path></marker></defs><g class="node"><rect width="5" height="5"></rect><foreignObject width="5" height="5"><div xmlns="http://www.w3.org/1999/xhtml"><span class="nodeLabel"><p>A &amp; B</p></span></div></foreignObject></g></svg>`;

const chapter = [
  '# Diagrams and raw HTML',
  '',
  '<details><summary>More</summary>',
  '',
  '```ts',
  'const x: number = 1;',
  '```',
  '',
  '</details>',
  '',
  'Prose with <kbd>Ctrl</kbd> and <a href="other.md">a link</a>, and $x^2$ inline.',
  '',
  '```mermaid',
  flow,
  '```',
  '',
  '<p>An unclosed paragraph',
  '',
  '```js',
  'let y = 2;',
  '```',
].join('\n');

async function book() {
  const root = writeBook({ 'manuscript/book.yaml': 'title: T\nchapters:\n  - a.md\n  - other.md\n', 'manuscript/a.md': chapter, 'manuscript/other.md': '# Other\n' });
  return loadBook(root, { noCache: true });
}

async function render(diagrams: Map<string, DiagramSvgs>) {
  const b = await book();
  const c = b.chapters[0]!;
  const highlighter = await prepareHighlighter(codeBlocksByChapter([c]));
  return renderChapterHtml({ book: b, chapter: c, highlighter, mode: 'pages', diagrams, hovers: true }).html;
}

describe('rendering a chapter while its diagrams are drawn', () => {
  it('gives, once the slots are filled, the very HTML of rendering with the drawn diagram', async () => {
    const hash = diagramHash(flow);
    const drawn = new Map([[hash, { light: svg('light'), dark: svg('dark') }]]);
    const direct = await render(drawn);
    const withSlots = await render(new Map([[hash, diagramSlots(hash)]]));
    expect(hasDiagramSlots(withSlots)).toBe(true);
    expect(hasDiagramSlots(direct)).toBe(false);
    expect(fillDiagramSlots(withSlots, drawn)).toBe(direct);
    expect(direct).toContain('<marker id="m-dark-arrow">');
  });

  it('leaves a slot whose diagram was not drawn unfilled, so the chapter is rendered again', async () => {
    const hash = diagramHash(flow);
    const withSlots = await render(new Map([[hash, diagramSlots(hash)]]));
    expect(fillDiagramSlots(withSlots, new Map())).toBeUndefined();
  });
});

describe('parsing raw HTML around generated subtrees', () => {
  it('places and keeps every generated element as parsing the whole tree does', () => {
    const code = (text: string): Element => ({
      type: 'element',
      tagName: 'figure',
      properties: { className: ['code-block'] },
      children: [{ type: 'element', tagName: 'pre', properties: {}, children: [{ type: 'element', tagName: 'code', properties: {}, children: [{ type: 'text', value: text }] }] }],
    });
    const inline: Element = { type: 'element', tagName: 'span', properties: { className: ['math'] }, children: [{ type: 'text', value: 'x²' }] };
    const first = code('\nconst x = 1;');
    const second = code('let y = 2;');
    const tree = (): Root => ({
      type: 'root',
      children: [
        { type: 'raw', value: '<details><summary>More</summary>' },
        first,
        { type: 'raw', value: '</details>' },
        { type: 'element', tagName: 'p', properties: {}, children: [{ type: 'raw', value: '<b>bold ' }, inline, { type: 'raw', value: '</b>' }] },
        { type: 'raw', value: '<p>An unclosed paragraph' },
        second,
        { type: 'raw', value: '<table><tr><td>cell</td></tr>' },
        second,
        { type: 'raw', value: '</table>' },
      ],
    });
    const whole = toHtml(raw(tree()) as Root);
    const opaque = new Set([first, second, inline]);
    const input = tree();
    const parsed = parseRawHtml(input, opaque);
    // The generated subtrees skip the HTML parser, whose one rewrite of them (a leading newline dropped
    // in <pre>) is the only difference.
    expect(toHtml(parsed)).toBe(whole.replace('<pre><code>const x', '<pre><code>\nconst x'));
    expect(first.children).toHaveLength(1);
    expect(first.properties).toEqual({ className: ['code-block'] });
  });

  it('passes Markdown blocks with no raw HTML in them through unparsed, where parsing the whole tree puts them', () => {
    const text = (value: string) => ({ type: 'text' as const, value });
    const block = (tagName: string, value: string): Element => ({ type: 'element', tagName, properties: {}, children: [text(value)] });
    const list = (): Element => ({ type: 'element', tagName: 'ul', properties: {}, children: [text('\n'), block('li', 'one'), text('\n')] });
    const tree = (): Root => ({
      type: 'root',
      children: [
        block('h2', 'Heading'),
        text('\n'),
        { type: 'raw', value: '<details><summary>More</summary>' },
        text('\n'),
        block('p', 'Inside the details'),
        list(),
        { type: 'raw', value: '</details>' },
        { type: 'element', tagName: 'p', properties: {}, children: [text('A line'), { type: 'raw', value: '<br>' }, text('and the next')] },
        { type: 'raw', value: '<blockquote class="note">' },
        block('p', 'Quoted'),
        { type: 'raw', value: '</blockquote>' },
        block('p', 'After'),
      ],
    });
    const input = tree();
    const after = input.children.at(-1) as Element;
    const parsed = parseRawHtml(input, new Set());
    expect(toHtml(parsed)).toBe(toHtml(raw(tree()) as Root));
    // The same object, never parsed again.
    expect(parsed.children).toContain(after);
  });
});
