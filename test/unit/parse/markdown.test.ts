import type { Blockquote, Heading } from 'mdast';
import { describe, expect, it } from 'vitest';
import { fromVFile } from '../../../src/diagnostics/diagnostic.js';
import { parseFenceMeta } from '../../../src/parse/fenceMeta.js';
import { decodeChapter, parseMarkdown } from '../../../src/parse/markdown.js';
import { analyzeChapter } from '../../../src/book/analyzeChapter.js';

describe('heading ids', () => {
  it('uses {#id} and removes it from the text, slugs the rest, and never collides', () => {
    const { tree, file } = parseMarkdown('# Title\n\n## Setup {#install}\n\n## Setup\n\n## install\n', '/b/c.md');
    const a = analyzeChapter(tree, file);
    expect(a.headings.map((h) => [h.text, h.id, h.explicitId])).toEqual([
      ['Title', 'title', false],
      ['Setup', 'install', true],
      ['Setup', 'setup', false],
      ['install', 'install-1', false],
    ]);
    const heading = tree.children[1] as Heading;
    expect(heading.children).toEqual([expect.objectContaining({ type: 'text', value: 'Setup' })]);
  });

  it("reads pandoc's heading attributes: the id sets the anchor, classes and key=value go on the element, none shows in the text", () => {
    const source = [
      '# Preface {.unnumbered}',
      '## Intro {#sec-intro .unnumbered .lead}',
      '## Setup {-}',
      '### Aside {.unlisted data=x label="Two words"}',
      '## Set up `tsc` {#setup}',
      '## Objects { a: string }',
      '',
    ].join('\n\n');
    const { tree, file } = parseMarkdown(source, '/b/c.md');
    const a = analyzeChapter(tree, file);
    expect(a.diagnostics).toEqual([]);
    expect(a.headings.map((h) => [h.text, h.id, h.explicitId, h.unlisted ?? false])).toEqual([
      ['Preface', 'preface', false, false],
      ['Intro', 'sec-intro', true, false],
      ['Setup', 'setup-1', false, false],
      ['Aside', 'aside', false, true],
      ['Set up tsc', 'setup', true, false],
      // Not an attribute block (no attribute syntax inside): stays text, as in pandoc.
      ['Objects { a: string }', 'objects--a-string-', false, false],
    ]);
    const props = (i: number) => (tree.children.filter((n) => n.type === 'heading')[i] as Heading).data?.hProperties;
    expect(props(0)).toEqual({ id: 'preface', className: ['unnumbered'] });
    expect(props(1)).toEqual({ id: 'sec-intro', className: ['unnumbered', 'lead'] });
    expect(props(2)).toEqual({ id: 'setup-1', className: ['unnumbered'] });
    expect(props(3)).toEqual({ id: 'aside', className: ['unlisted'], 'data-data': 'x', 'data-label': 'Two words' });
  });

  it('reads an attribute block in linear time, even an unclosed one', () => {
    const { tree } = parseMarkdown(`## Title {${'a=a '.repeat(20000)}!\n`, '/b/c.md');
    expect((tree.children[0] as Heading).children[0]).toMatchObject({ type: 'text' });
  });

  it('reports a duplicate explicit id as an error at the second heading', () => {
    const { file } = parseMarkdown('# A {#x}\n\ntext\n\n## B {#x}\n', '/b/c.md');
    const [d] = fromVFile(file);
    expect(d).toMatchObject({ severity: 'error', line: 5, column: 1 });
    expect(d.message).toContain('Duplicate heading id "x"');
  });
});

describe('front matter', () => {
  it('is parsed into data, removed from the tree, and keeps unknown keys', () => {
    const { tree, file } = parseMarkdown('---\ntitle: Custom\nid: ch-1\nlayout: post\n---\n\n# Heading\n', '/b/c.md');
    const a = analyzeChapter(tree, file);
    expect(a.frontMatter).toEqual({ title: 'Custom', id: 'ch-1', layout: 'post' });
    expect(a.title).toBe('Custom');
    expect(tree.children.some((n) => n.type === 'yaml')).toBe(false);
  });

  it('positions invalid front matter in the chapter', () => {
    const { file } = parseMarkdown('---\ntitle: ok\nbad: [unclosed\n---\n# H\n', '/b/c.md');
    const [d] = fromVFile(file);
    expect(d.severity).toBe('error');
    expect(d.line).toBeGreaterThanOrEqual(3);
  });
});

describe('GitHub alerts', () => {
  it('turn a marked blockquote into a titled callout', () => {
    const { tree } = parseMarkdown('> [!TIP]\n> Use ids.\n', '/b/c.md');
    const quote = tree.children[0] as Blockquote;
    expect(quote.data?.hName).toBe('div');
    expect(quote.data?.hProperties?.className).toEqual(['markdown-alert', 'markdown-alert-tip']);
    expect(JSON.stringify(quote.children[0])).toContain('"Tip"');
    expect(JSON.stringify(quote.children[1])).toContain('Use ids.');
  });

  it('leave ordinary blockquotes alone', () => {
    const { tree } = parseMarkdown('> [!SOMETHING] else\n', '/b/c.md');
    expect((tree.children[0] as Blockquote).data).toBeUndefined();
  });
});

describe('chapter analysis', () => {
  it('collects links with positions, words and search sections', () => {
    const { tree, file } = parseMarkdown('# T\n\nSee [x](other.md#a) and ![i](img.png).\n\n## S\n\nMore words here.\n', '/b/c.md');
    const a = analyzeChapter(tree, file);
    expect(a.links).toEqual([
      { kind: 'link', url: 'other.md#a', line: 3, column: 5 },
      { kind: 'image', url: 'img.png', line: 3, column: 25 },
    ]);
    expect(a.search.map((s) => [s.id, s.title])).toEqual([
      ['t', 'T'],
      ['s', 'S'],
    ]);
    expect(a.search[1].text).toBe('More words here.');
    expect(a.words).toBe(8);
  });

  it('survives pathological input without throwing', () => {
    const nested = Array.from({ length: 3000 }, (_, i) => `${'  '.repeat(i)}- item`).join('\n');
    const deep = parseMarkdown(nested, '/b/deep.md');
    expect(fromVFile(deep.file)[0]).toMatchObject({ severity: 'error', line: 65, ruleId: 'chapter/nesting-too-deep' });
    // Deep indentation inside fenced code is not nesting.
    expect(fromVFile(parseMarkdown(`\`\`\`json\n${' '.repeat(400)}{}\n\`\`\`\n`, '/b/c.md').file)).toEqual([]);
    // 40 levels is deep but legitimate.
    const ok = Array.from({ length: 40 }, (_, i) => `${'  '.repeat(i)}- item`).join('\n');
    expect(fromVFile(parseMarkdown(ok, '/b/ok.md').file)).toEqual([]);
    expect(() => parseMarkdown('```ts\nconst unclosed = 1;\n', '/b/fence.md')).not.toThrow();
  });
});

describe('decodeChapter', () => {
  it('rejects binary files and invalid UTF-8, strips a BOM', () => {
    expect(decodeChapter(new Uint8Array([0x23, 0x00, 0x41]))).toEqual({ problem: expect.stringContaining('binary'), line: 1, column: 2 });
    expect(decodeChapter(new Uint8Array([0x23, 0xff, 0xfe, 0x41]))).toEqual({ problem: expect.stringContaining('UTF-8'), line: 1, column: 2 });
    expect(decodeChapter(new TextEncoder().encode('\uFEFF# Hi'))).toEqual({ text: '# Hi' });
  });
});

describe('fence info strings', () => {
  it('parses attributes, titles and highlighted line ranges', () => {
    const meta = parseFenceMeta('check title="my file.ts" {1,3-5} id=setup no-run');
    expect(meta.title).toBe('my file.ts');
    expect(meta.highlightLines).toEqual([1, 3, 4, 5]);
    expect(meta.attributes.map((a) => [a.name, a.value])).toEqual([
      ['check', undefined],
      ['id', 'setup'],
      ['no-run', undefined],
    ]);
  });

  it('is empty for no meta', () => {
    expect(parseFenceMeta(undefined)).toEqual({ attributes: [], highlightLines: [] });
  });
});
