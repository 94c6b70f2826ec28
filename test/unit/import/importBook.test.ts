import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBook } from '../../../src/book/loadBook.js';
import { EvergreenError, type Diagnostic } from '../../../src/diagnostics/diagnostic.js';
import { importBook } from '../../../src/import/importBook.js';
import type { ImportSource } from '../../../src/import/model.js';
import { readSummary } from '../../../src/import/summaryOutline.js';
import { runCli, writeBook } from '../../helpers/cli.js';

async function importErrors(from: ImportSource, files: Record<string, string>): Promise<{ root: string; diagnostics: Diagnostic[] }> {
  const root = writeBook(files);
  try {
    await importBook({ from, dir: root });
  } catch (error) {
    expect(error).toBeInstanceOf(EvergreenError);
    expect(existsSync(path.join(root, 'manuscript', 'book.yaml')), 'nothing is written').toBe(false);
    return { root, diagnostics: (error as EvergreenError).diagnostics };
  }
  throw new Error('expected the import to fail');
}

describe('importing: bad input is a positioned error and writes nothing', () => {
  it('an outline naming a missing file: at the link in SUMMARY.md, saying what to do', async () => {
    const { root, diagnostics } = await importErrors('mdbook', {
      'book.toml': '[book]\ntitle = "T"\n',
      'src/SUMMARY.md': '# Summary\n\n- [Here](here.md)\n- [Gone](sub/gone.md)\n',
      'src/here.md': '# Here\n',
    });
    expect(diagnostics).toEqual([
      expect.objectContaining({
        file: path.join(root, 'src', 'SUMMARY.md'),
        line: 4,
        column: 3,
        ruleId: 'import/missing-chapter',
        message: 'The outline names "sub/gone.md", which does not exist',
      }),
    ]);
    expect(diagnostics[0].hint).toContain(path.join('src', 'sub', 'gone.md'));
  });

  it('a book.toml that does not parse: at the line and column of the problem', async () => {
    const { root, diagnostics } = await importErrors('mdbook', { 'book.toml': '[book]\ntitle = "T"\nauthors = ["A",\n\n[output.html]\n', 'src/SUMMARY.md': '' });
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ file: path.join(root, 'book.toml'), ruleId: 'import/toml' });
    expect(diagnostics[0].line).toBeGreaterThanOrEqual(3);
    expect(diagnostics[0].column).toBeGreaterThanOrEqual(1);
    expect(diagnostics[0].hint).toMatch(/TOML syntax/);
  });

  it('a Quarto config without book: at its project: key, naming the kind of project', async () => {
    const { root, diagnostics } = await importErrors('quarto', { '_quarto.yml': 'title: x\nproject:\n  type: website\nwebsite:\n  title: Site\n' });
    expect(diagnostics).toEqual([expect.objectContaining({ file: path.join(root, '_quarto.yml'), line: 2, column: 1, ruleId: 'import/not-a-book' })]);
    expect(diagnostics[0].message).toContain('website project');
    expect(diagnostics[0].hint).toContain('book:');
  });

  it('a Leanpub Book.txt line naming a missing file, at that line; a missing Book.txt says where it belongs', async () => {
    const { root, diagnostics } = await importErrors('leanpub', { 'manuscript/Book.txt': 'a.md\n\n  missing.md\n', 'manuscript/a.md': '# A\n' });
    expect(diagnostics).toEqual([expect.objectContaining({ file: path.join(root, 'manuscript', 'Book.txt'), line: 3, column: 3, ruleId: 'import/missing-chapter' })]);
    const none = await importErrors('leanpub', { 'manuscript/a.md': '# A\n' });
    expect(none.diagnostics[0]).toMatchObject({ ruleId: 'import/missing-outline' });
    expect(none.diagnostics[0].hint).toContain('manuscript/Book.txt');
  });

  it('a Quarto chapter that does not exist, at its entry in _quarto.yml', async () => {
    const { diagnostics } = await importErrors('quarto', {
      '_quarto.yml': 'book:\n  title: T\n  chapters:\n    - index.qmd\n    - part: P\n      chapters:\n        - gone.qmd\n',
      'index.qmd': '# I\n',
    });
    expect(diagnostics).toEqual([expect.objectContaining({ line: 7, column: 11, ruleId: 'import/missing-chapter' })]);
  });

  it('refuses to import over an existing book.yaml', async () => {
    const root = writeBook({ 'manuscript/book.yaml': 'title: Mine\n', 'SUMMARY.md': '* [A](a.md)\n', 'a.md': '# A\n' });
    const error = await importBook({ from: 'gitbook', dir: root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EvergreenError);
    expect((error as EvergreenError).diagnostics[0].ruleId).toBe('import/exists');
    expect(readFileSync(path.join(root, 'manuscript', 'book.yaml'), 'utf8')).toBe('title: Mine\n');
  });

  it('exits 1 from the CLI with the problem at file:line:col', async () => {
    const root = writeBook({ 'SUMMARY.md': '# Summary\n\n* [Gone](gone.md)\n' });
    const result = await runCli(['init', '--from', 'gitbook', root]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('SUMMARY.md:3:3');
    expect(result.stderr).toContain('gone.md');
  });

  it('refuses an unknown tool as a usage error (exit 2)', async () => {
    const result = await runCli(['init', '--from', 'sphinx', writeBook({})]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/mdbook, gitbook, leanpub, quarto/);
  });
});

describe('SUMMARY.md outlines', () => {
  it('reads mdBook prefix, numbered, nested, draft and suffix chapters, and # part headings', () => {
    const outline = readSummary(
      '# Summary\n\n[Intro](README.md)\n\n# Part A\n\n- [One](one.md)\n    - [One.1](one/1.md)\n    - [Draft]()\n\n# Part B\n\n- [Two](two.md#top)\n\n---\n\n[Thanks](thanks.md)\n',
      '/b/src/SUMMARY.md',
      '/b/src',
    );
    // Prefix and suffix chapters are unnumbered, as mdBook shows them.
    expect(outline.chapters.map((c) => [c.file, c.title, c.part, c.numbered ?? true])).toEqual([
      ['README.md', 'Intro', undefined, false],
      ['one.md', 'One', 'Part A', true],
      ['one/1.md', 'One.1', 'Part A', true],
      ['two.md', 'Two', 'Part B', true],
      ['thanks.md', 'Thanks', undefined, false],
    ]);
    expect(outline.nested).toBe(1);
    expect(outline.notes.map((n) => [n.line, n.message.split(' ').slice(0, 2).join(' ')])).toEqual([
      [9, 'draft chapter'],
      [13, 'entry "Two"'],
      [15, 'separator (---)'],
    ]);
  });

  it('reads GitBook groups without a page as parts (nested groups are flattened into them), and ## part headings', () => {
    const groups = readSummary('# My Guide\n- [Home](README.md)\n- Basics\n  - [A](a.md)\n  - Errors\n    - [B](b.md)\n- [C](c.md)\n', '/b/SUMMARY.md', '/b');
    expect(groups.chapters.map((c) => [c.file, c.part])).toEqual([
      ['README.md', undefined],
      ['a.md', 'Basics'],
      ['b.md', 'Basics'],
      ['c.md', undefined],
    ]);
    expect(groups.notes.map((n) => n.message)).toEqual(['group "Errors" has no page of its own; its pages are chapters of the part "Basics"']);
    const headings = readSummary('# Table of contents\n\n* [W](README.md)\n\n## Part one\n\n* [X](docs/x%20y.md)\n', '/b/SUMMARY.md', '/b');
    expect(headings.chapters.map((c) => [c.file, c.part])).toEqual([
      ['README.md', undefined],
      ['docs/x y.md', 'Part one'],
    ]);
  });

  it('writes a book.yaml that loads: titles from the outline win, paths relative to the manuscript folder', async () => {
    const root = writeBook({
      'book.toml': '[book]\ntitle = "T"\nsrc = "text"\n',
      'text/SUMMARY.md': '# Summary\n\n- [Outline title](a.md)\n',
      'text/a.md': '## Outline title\n\nBody.\n',
    });
    writeFileSync(path.join(root, 'text', '404.md'), '# Not found\n');
    const result = await importBook({ from: 'mdbook', dir: root });
    expect(result.manuscript).toBe('text');
    expect(result.dialect).toBe('mdbook');
    expect(readFileSync(result.configPath, 'utf8')).toContain('dialect: mdbook');
    expect(result.unmapped.map((n) => n.message)).toContain(
      "404.md is mdBook's page for a missing page, not a chapter; Evergreen makes its own (the build lists it as not in the book)",
    );
    const book = await loadBook(root, { noCache: true });
    expect(book.diagnostics.map((d) => d.ruleId)).toEqual(['book/unlisted-chapter']);
    expect(book.chapters.map((c) => [c.relPath, c.title, c.titleHeadingId])).toEqual([['a.md', 'Outline title', 'outline-title']]);
  });

  it('names the mdBook preprocessors whose job Evergreen does itself as mapped, and only the others as not taken over', async () => {
    const root = writeBook({
      'book.toml':
        '[book]\ntitle = "T"\n\n[preprocessor.katex]\nafter = ["links"]\n\n[preprocessor.mermaid]\ncommand = "mdbook-mermaid"\n\n[preprocessor.toc]\ncommand = "mdbook-toc"\n',
      'src/SUMMARY.md': '# Summary\n\n- [A](a.md)\n',
      'src/a.md': '# A\n\n$$x^2$$\n',
    });
    const result = await importBook({ from: 'mdbook', dir: root });
    expect(result.mapped.filter((m) => m.startsWith('[preprocessor.'))).toEqual([
      '[preprocessor.katex]: Evergreen renders $…$ and $$…$$ math itself (KaTeX, at build time)',
      '[preprocessor.mermaid]: Evergreen draws ```mermaid blocks itself (SVG, at build time)',
    ]);
    expect(result.unmapped.map((n) => n.message)).toEqual(["[preprocessor] settings (preprocessor.toc) are mdBook's own; not taken over"]);
  });
});
