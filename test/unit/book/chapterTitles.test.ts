import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/book/loadConfig.js';
import { loadBook } from '../../../src/book/loadBook.js';
import { EvergreenError, type Diagnostic } from '../../../src/diagnostics/diagnostic.js';
import { writeBook } from '../../helpers/cli.js';

function configErrors(yaml: string): Diagnostic[] {
  try {
    parseConfig(yaml, '/book/manuscript/book.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(EvergreenError);
    return (error as EvergreenError).diagnostics;
  }
  throw new Error('expected the config to be rejected');
}

describe('book.yaml: manuscript folder and chapter titles', () => {
  it('accepts chapters with titles, inside and outside parts, and a manuscript folder', () => {
    const config = parseConfig(
      'title: T\nmanuscript: docs\nchapters:\n  - README.md\n  - file: js/equality.md\n    title: Equality\n  - part: Types\n    chapters:\n      - a.md\n      - { file: b.qmd, title: "Bee" }\n',
      '/b/manuscript/book.yaml',
    );
    expect(config.manuscript).toBe('docs');
    expect(config.chapters).toEqual(['README.md', { file: 'js/equality.md', title: 'Equality' }, { part: 'Types', chapters: ['a.md', { file: 'b.qmd', title: 'Bee' }] }]);
    expect(parseConfig('title: T\n', '/b/book.yaml').manuscript).toBe('manuscript');
  });

  it('reports a misspelt key of a chapter entry at the key, with a did-you-mean', () => {
    const [d] = configErrors('title: T\nchapters:\n  - file: a.md\n    titel: A\n');
    expect(d).toMatchObject({ line: 4, column: 5, ruleId: 'config/unknown-key' });
    expect(d.message).toContain('Did you mean "title"?');
  });

  it('reports an entry without a file at the entry: the file is required, the stray key is named', () => {
    const ds = configErrors('title: T\nchapters:\n  - fil: a.md\n    title: A\n');
    expect(ds.map((d) => [d.line, d.column, d.message])).toEqual([
      [3, 5, '"chapters.0.file" is required'],
      [3, 5, 'Unknown key "chapters.0.fil". Did you mean "file"?'],
    ]);
  });

  it('reports an empty title and a file that is not Markdown at the value', () => {
    const [empty] = configErrors('title: T\nchapters:\n  - part: P\n    chapters:\n      - file: a.md\n        title: "  "\n');
    expect(empty).toMatchObject({ line: 6, column: 16 });
    expect(empty.message).toContain('a chapter title must not be empty');
    const [notMarkdown] = configErrors('title: T\nchapters:\n  - file: a.html\n    title: A\n');
    expect(notMarkdown).toMatchObject({ line: 3, column: 11 });
    expect(notMarkdown.message).toContain('Markdown file');
  });

  it('refuses a manuscript folder outside the project, at the value', () => {
    for (const folder of ['../elsewhere', '/abs/path']) {
      const [d] = configErrors(`title: T\nmanuscript: ${folder}\n`);
      expect(d, folder).toMatchObject({ line: 2, column: 13 });
      expect(d.message).toMatch(/manuscript/);
    }
  });
});

describe('loadBook: titles from book.yaml and the manuscript folder', () => {
  it('reads chapters from the manuscript folder; a title in book.yaml wins over front matter and headings', async () => {
    const root = writeBook({
      'manuscript/book.yaml':
        'title: T\nmanuscript: docs\nchapters:\n  - README.md\n  - file: js/equality.md\n    title: Equality\n  - file: fm.md\n    title: From the outline\n  - part: More\n    chapters:\n      - file: untitled.md\n        title: Untitled no more\n',
      'docs/README.md': '# Introduction\n\nHello.\n',
      'docs/js/equality.md': '## Equality\n\nText.\n\n## Strict equality\n',
      'docs/fm.md': '---\ntitle: From front matter\n---\n# From the heading\n',
      'docs/untitled.md': 'No heading at all.\n',
    });
    const book = await loadBook(root, { noCache: true });
    expect(book.diagnostics).toEqual([]);
    expect(book.manuscriptDir).toBe(path.join(root, 'docs'));
    expect(book.chapters.map((c) => [c.relPath, c.title, c.titleHeadingId, c.part])).toEqual([
      ['README.md', 'Introduction', 'introduction', undefined],
      ['js/equality.md', 'Equality', 'equality', undefined],
      ['fm.md', 'From the outline', undefined, undefined],
      ['untitled.md', 'Untitled no more', undefined, 'More'],
    ]);
  });

  it('takes a first heading of any level as the title heading when it says the same as the title', async () => {
    const root = writeBook({
      'manuscript/book.yaml': 'title: T\nchapters:\n  - file: a.md\n    title: type  NARROWING\n  - b.md\n  - c.md\n',
      'manuscript/a.md': '### Type narrowing\n\nText.\n',
      'manuscript/b.md': '---\ntitle: Generics\n---\n## Generics\n\n## Constraints\n',
      'manuscript/c.md': '## Only a section heading\n',
    });
    const book = await loadBook(root, { noCache: true });
    expect(book.chapters.map((c) => [c.title, c.titleHeadingId])).toEqual([
      ['type  NARROWING', 'type-narrowing'],
      ['Generics', 'generics'],
      // No front matter and no H1: the file name, with a warning (a section heading is never a chapter's title).
      ['C', undefined],
    ]);
  });

  it('a front-matter title gets a title heading of its own when the first # heading comes after sections and says something else', async () => {
    const root = writeBook({
      'manuscript/book.yaml': 'title: T\nchapters: [narrowing.md, generics.md]\n',
      'manuscript/narrowing.md': '---\ntitle: Narrowing\n---\n\nImagine a function.\n\n## typeof type guards\n\n# Truthiness narrowing\n\nText.\n',
      'manuscript/generics.md': '---\ntitle: Generics\n---\n# Generics\n',
    });
    const book = await loadBook(root, { noCache: true });
    expect(book.chapters.map((c) => [c.title, c.titleHeadingId])).toEqual([
      ['Narrowing', undefined],
      ['Generics', 'generics'],
    ]);
  });

  it('reports a missing chapter at its `file:` in book.yaml, naming the manuscript folder', async () => {
    const root = writeBook({
      'manuscript/book.yaml': 'title: T\nmanuscript: src\nchapters:\n  - here.md\n  - file: gone.md\n    title: Gone\n',
      'src/here.md': '# Here\n',
    });
    const book = await loadBook(root, { noCache: true });
    expect(book.diagnostics).toEqual([expect.objectContaining({ file: path.join(root, 'manuscript', 'book.yaml'), line: 5, column: 11, ruleId: 'config/missing-chapter' })]);
    expect(book.diagnostics[0].hint).toContain(path.join('src', 'gone.md'));
  });

  it('reports a manuscript folder that does not exist at the setting', async () => {
    const root = writeBook({ 'manuscript/book.yaml': 'title: T\nmanuscript: docs\n' });
    const book = await loadBook(root, { noCache: true });
    expect(book.chapters).toEqual([]);
    expect(book.diagnostics).toEqual([expect.objectContaining({ severity: 'error', line: 2, column: 13, ruleId: 'config/missing-manuscript' })]);
  });

  it('a title given in book.yaml is taken over by a reload that reuses unchanged chapters', async () => {
    const files = {
      'manuscript/book.yaml': 'title: T\nchapters:\n  - file: a.md\n    title: First\n',
      'manuscript/a.md': '## Second\n',
    };
    const root = writeBook(files);
    const before = await loadBook(root, { noCache: true });
    expect([before.chapters[0].title, before.chapters[0].titleHeadingId]).toEqual(['First', undefined]);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(root, 'manuscript', 'book.yaml'), 'title: T\nchapters:\n  - file: a.md\n    title: Second\n');
    const after = await loadBook(root, { noCache: true, previous: { book: before, changed: new Set([path.join(root, 'manuscript', 'book.yaml')]) } });
    expect([after.chapters[0].title, after.chapters[0].titleHeadingId]).toEqual(['Second', 'second']);
  });
  it("a title in book.yaml that differs from the chapter's # H1 makes that H1 a top section, through the cache and a reload too", async () => {
    const { writeFileSync } = await import('node:fs');
    const root = writeBook({
      'manuscript/book.yaml': 'title: T\nchapters:\n  - a.md\n',
      'manuscript/a.md': '# Scope and closures\n\n## Lexical scope\n\n# Hoisting\n',
    });
    const shape = (b: Awaited<ReturnType<typeof loadBook>>) => [
      b.chapters[0].title,
      b.chapters[0].titleHeadingId,
      b.chapters[0].analysis.headings.map((h) => `${h.depth} ${h.text}`),
    ];
    // Untitled in book.yaml: the first H1 is the title, the later H1 a section beside it.
    const untitled = await loadBook(root);
    expect(shape(untitled)).toEqual(['Scope and closures', 'scope-and-closures', ['1 Scope and closures', '3 Lexical scope', '2 Hoisting']]);
    const titled = ['Scope', undefined, ['2 Scope and closures', '3 Lexical scope', '2 Hoisting']];
    writeFileSync(path.join(root, 'manuscript', 'book.yaml'), 'title: T\nchapters:\n  - file: a.md\n    title: Scope\n');
    // The analysis cache holds the untitled parse of the same text: it must not be taken for the titled one.
    expect(shape(await loadBook(root))).toEqual(titled);
    expect(shape(await loadBook(root, { previous: { book: untitled, changed: new Set([path.join(root, 'manuscript', 'book.yaml')]) } }))).toEqual(titled);
    const fresh = await loadBook(root, { noCache: true });
    expect(shape(fresh)).toEqual(titled);
    expect(fresh.chapters[0].hash).not.toBe(untitled.chapters[0].hash);
  });
});
