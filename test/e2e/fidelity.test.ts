import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, writeBook, type CliResult } from '../helpers/cli.js';

/**
 * A book modelled on real ones (the TypeScript Handbook's front-matter titles with `#` sections, CRLF files,
 * twoslash queries; an mdBook-style chapter without an H1; a non-TypeScript include): the HTML must show
 * what the author wrote, or the build must say why not.
 */
const crlf = (text: string) => text.replace(/\n/g, '\r\n');

const files: Record<string, string> = {
  'manuscript/book.yaml': 'title: Real Book\nauthors: [A. Writer]\nformats: [html]\nsamples: all\nchapters:\n  - narrowing.md\n  - sections-only.md\n  - everyday.md\n',
  'manuscript/narrowing.md': [
    '---',
    'title: Narrowing',
    '---',
    '',
    'Equality uses `===`, `!==`, `==`, `!=` and arrows `=>`.',
    '',
    '# Truthiness narrowing',
    '',
    '## Details',
    '',
    '| Left | Centre | Right |',
    '| :--- | :----: | ----: |',
    '| a    | b      | c     |',
    '',
    '# Exhaustiveness checking',
    '',
    'The end.',
    '',
  ].join('\n'),
  'manuscript/sections-only.md': '## Setting up\n\nText.\n\n## Going further\n\nMore.\n',
  // CRLF, like 4 of the handbook's 16 chapters: every `^?` must be filled in, not printed raw.
  'manuscript/everyday.md': crlf(
    [
      '---',
      'title: Everyday Types',
      '---',
      '',
      '```ts twoslash',
      'let a = "text";',
      '//  ^?',
      'let b = 42;',
      '//  ^?',
      'let c = [1, 2];',
      '//  ^?',
      '```',
      '',
      '```python include=code/tool.py#main',
      '```',
      '',
      '```sql include=code/query.sql#pick',
      '```',
      '',
    ].join('\n'),
  ),
  'code/tool.py': 'import sys\n\n# region main\ndef main():\n    print("hello")\n# endregion\n',
  'code/query.sql': '-- #region pick\nSELECT name FROM users;\n-- #endregion\n',
};

const page = (root: string, name: string) => cheerio.load(readFileSync(path.join(root, 'dist', 'html', name), 'utf8'));

describe('real-book fidelity in the HTML book', () => {
  let root: string;
  let result: CliResult;
  beforeAll(async () => {
    root = writeBook(files);
    result = await runCli(['build', '--root', root, '--format', 'html']);
  }, 180_000);

  it('builds, warning that a chapter without an H1 is titled from its file name', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/manuscript\/sections-only\.md:1:1 {2}warning {2}Chapter has no title; using "Sections only" from its file name/);
  });

  it('gives a front-matter-titled chapter one h1, its title, with `#` headings as its top sections', () => {
    const $ = page(root, 'narrowing.html');
    expect(
      $('.chapter-body h1')
        .map((_, h) => $(h).text())
        .get(),
    ).toEqual(['Narrowing']);
    expect(
      $('.chapter-body h2')
        .map((_, h) => $(h).text().replace(/#$/, ''))
        .get(),
    ).toEqual(['Truthiness narrowing', 'Exhaustiveness checking']);
    expect($('.chapter-body h3').text()).toContain('Details');
    expect($('title').text()).toBe('Narrowing · Real Book');
    // The sidebar lists the sections of the current chapter.
    const sidebar = $('nav').text();
    expect(sidebar).toContain('Truthiness narrowing');
    expect(sidebar).toContain('Exhaustiveness checking');
  });

  it('never takes a section heading as a chapter title', () => {
    const $ = page(root, 'sections-only.html');
    expect(
      $('.chapter-body h1')
        .map((_, h) => $(h).text())
        .get(),
    ).toEqual(['Sections only']);
    expect($('.chapter-body h2').first().text()).toContain('Setting up');
  });

  it('keeps GFM table alignment', () => {
    const $ = page(root, 'narrowing.html');
    const styles = $('.chapter-body th')
      .map((_, th) => $(th).attr('style') ?? '')
      .get();
    expect(styles).toEqual(['text-align: left', 'text-align: center', 'text-align: right']);
    expect($('.chapter-body td[align], .chapter-body th[align]')).toHaveLength(0);
  });

  it('fills in every `^?` of a CRLF chapter and prints none raw', () => {
    const $ = page(root, 'everyday.html');
    expect(
      $('.annotation-type .annotation-text')
        .map((_, a) => $(a).text())
        .get(),
    ).toEqual(['let a: string', 'let b: number', 'let c: number[]']);
    expect($('.chapter-body').text()).not.toContain('^?');
  });

  it('shows includes of other languages, regions in their own comment syntax', () => {
    const $ = page(root, 'everyday.html');
    const python = $('pre[data-lang="python"]').text();
    expect(python).toBe('def main():\n    print("hello")');
    expect($('pre[data-lang="sql"]').text()).toBe('SELECT name FROM users;');
  });
});

describe('includes that cannot be shown stop the build', () => {
  it('reports a missing file and a missing region at the block, and exits 1 without output', async () => {
    const root = writeBook({
      'manuscript/book.yaml': 'title: B\nformats: [html]\nchapters: [a.md]\n',
      'manuscript/a.md': '# A\n\n```python include=code/none.py\n```\n\n```python include=code/tool.py#nosuch\n```\n',
      'code/tool.py': '# region main\npass\n# endregion\n',
    });
    const result = await runCli(['build', '--root', root, '--format', 'html']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/manuscript\/a\.md:3:1 {2}error {2}include: cannot read code\/none\.py/);
    expect(result.stderr).toMatch(/manuscript\/a\.md:6:1 {2}error {2}include: no "# #region nosuch" … "# #endregion" in code\/tool\.py/);
  });
});
