import { describe, expect, it } from 'vitest';
import { chapterTitle, analyzeChapter } from '../../../src/book/analyzeChapter.js';
import { regionLines } from '../../../src/book/includes.js';
import { fromVFile } from '../../../src/diagnostics/diagnostic.js';
import { decodeChapter, firstInvalidUtf8 } from '../../../src/parse/decodeChapter.js';
import { parseMarkdown } from '../../../src/parse/markdown.js';
import { unknownPlaceholders } from '../../../src/render/theme.js';
import { rewriteOutputBlocksInFile } from '../../../src/samples/updateOutput.js';
import type { Code } from 'mdast';
import { visit } from 'unist-util-visit';

const analyze = (source: string) => {
  const { tree, file } = parseMarkdown(source, '/book/manuscript/c.md');
  return analyzeChapter(tree, file);
};
const outline = (source: string) => analyze(source).headings.map((h) => `${h.depth} ${h.text}`);

describe('chapter outline and title rule', () => {
  it('makes `#` headings top sections when front matter gives the title (the handbook)', () => {
    const a = analyze('---\ntitle: Narrowing\n---\n\nIntro.\n\n# Truthiness narrowing\n\n## Details\n\n# The never type\n');
    expect(a.title).toBe('Narrowing');
    expect(a.titleHeadingId).toBeUndefined();
    expect(a.headings.map((h) => `${h.depth} ${h.text}`)).toEqual(['2 Truthiness narrowing', '3 Details', '2 The never type']);
    expect(a.search.map((s) => s.title)).toEqual(['', 'Truthiness narrowing', 'Details', 'The never type']);
  });

  it('keeps an H1 that repeats the front-matter title as the title, not as a section', () => {
    const a = analyze('---\ntitle: Understanding Errors\n---\n# Understanding Errors\n\n## Terminology\n');
    expect(a.titleHeadingId).toBe('understanding-errors');
    expect(outline('---\ntitle: Understanding Errors\n---\n# Understanding Errors\n\n## Terminology\n')).toEqual(['1 Understanding Errors', '2 Terminology']);
  });

  it('takes the first H1 as the title without front matter, and later `#` headings as sections', () => {
    expect(analyze('# The Book\n\n## A\n').title).toBe('The Book');
    expect(outline('# The Book\n\n# Part two\n\n## Inside\n')).toEqual(['1 The Book', '2 Part two', '3 Inside']);
  });

  it('never takes a section heading (H2) as the title: no title, so the file name is used with a warning', () => {
    const a = analyze('## Only a section\n\nText\n');
    expect(a.title).toBeUndefined();
    expect(a.titleHeadingId).toBeUndefined();
    expect(outline('## Only a section\n')).toEqual(['2 Only a section']);
  });

  it('lets a configured title override front matter through one function', () => {
    expect(chapterTitle({ title: 'Front' }, { text: 'Heading' })).toBe('Front');
    expect(chapterTitle({}, { text: 'Heading' })).toBe('Heading');
    expect(chapterTitle({}, undefined)).toBeUndefined();
  });
});

describe('line endings and encoding', () => {
  it('normalises CRLF and CR once at load, so `^?` lines parse the same', () => {
    const decoded = decodeChapter(new TextEncoder().encode('\uFEFF# T\r\n\r\n```ts\r\nconst a = 1;\r\n//    ^?\r\nconst b = 2;\r\n```\r\nold mac\rline\n'));
    expect(decoded).toEqual({ text: '# T\n\n```ts\nconst a = 1;\n//    ^?\nconst b = 2;\n```\nold mac\nline\n' });
  });

  it('reports invalid UTF-8 at the bad byte, not at 1:1', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('# Title\n\nline 3\n\nline 5\nabcé '), 0xc3, 0x28, 0x41]);
    expect(firstInvalidUtf8(bytes)).toBe(bytes.length - 3);
    expect(decodeChapter(bytes)).toEqual({ problem: expect.stringContaining('not valid UTF-8'), line: 6, column: 6 });
    expect(firstInvalidUtf8(new Uint8Array([0xed, 0xa0, 0x80]))).toBe(0); // an encoded surrogate
    expect(firstInvalidUtf8(new Uint8Array([0xe2, 0x82, 0xac]))).toBe(3); // €, valid
  });

  it('positions a binary file at its first NUL byte', () => {
    expect(decodeChapter(new Uint8Array([0x23, 0x0a, 0x41, 0x00]))).toEqual({ problem: expect.stringContaining('binary'), line: 2, column: 2 });
  });

  it('writes `check --update` results back with the file’s own CRLF line ends', () => {
    const raw = '# T\r\n\r\n```ts\r\nconsole.log(1)\r\n```\r\n\r\n```output\r\nold\r\n```\r\n\r\ntail\n';
    const normalised = (decodeChapter(new TextEncoder().encode(raw)) as { text: string }).text;
    const blocks: Code[] = [];
    visit(parseMarkdown(normalised, 'c.md').tree, 'code', (n: Code) => {
      if (n.lang === 'output') blocks.push(n);
    });
    expect(rewriteOutputBlocksInFile(raw, [{ node: blocks[0]!, text: '1\n2' }])).toBe(raw.replace('old\r\n', '1\r\n2\r\n'));
  });
});

describe('unclosed fences', () => {
  it('warns at the opening fence', () => {
    const { file } = parseMarkdown('# T\n\nText\n\n````ts\nconst a = 1;\n```\n\n## Lost\n', '/b/c.md');
    const [d] = fromVFile(file);
    expect(d).toMatchObject({ severity: 'warning', line: 5, column: 1, ruleId: 'chapter/unclosed-fence' });
    expect(d!.message).toContain('never closed');
  });

  it('is silent for closed fences, in lists and quotes, and for indented code', () => {
    const { file } = parseMarkdown('# T\n\n- item\n\n  ```js\n  a\n  ```\n\n> ```\n> b\n> ```\n\n    indented\n\n~~~\nx\n~~~~\n', '/b/c.md');
    expect(fromVFile(file)).toEqual([]);
  });
});

describe('include regions', () => {
  it('finds regions in the comment syntax of any language', () => {
    expect(regionLines('import os\n# region main\ndef main():\n    pass\n# endregion\n', 'main')).toEqual(['def main():', '    pass']);
    expect(regionLines('-- #region q\nSELECT 1;\n-- #endregion\n', 'q')).toEqual(['SELECT 1;']);
    expect(regionLines('<!-- #region nav -->\n<nav></nav>\n<!-- #endregion -->\n', 'nav')).toEqual(['<nav></nav>']);
    expect(regionLines('/* #region a */\nb {}\n/* #region inner */\nc {}\n/* #endregion */\n/* #endregion */\n', 'a')).toEqual(['b {}', 'c {}']);
    expect(regionLines('// #region x\nlet a;\n', 'x')).toBeUndefined();
    expect(regionLines('region main\n', 'main')).toBeUndefined();
  });
});

describe('template placeholders', () => {
  it('lists unknown placeholders with their line and column', () => {
    expect(unknownPlaceholders('<title>{{pageTitle}}</title>\n<p>{{nosuchvar}} {{{alsoMissing}}}</p>', ['pageTitle'])).toEqual([
      { name: 'nosuchvar', line: 2, column: 4 },
      { name: 'alsoMissing', line: 2, column: 18 },
    ]);
  });
});
