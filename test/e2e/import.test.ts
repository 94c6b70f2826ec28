import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { load } from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, tempDir } from '../helpers/cli.js';

/**
 * `evergreen init --from TOOL` on a small book written for each tool (following that tool's documentation),
 * then `evergreen build` to HTML and PDF: the chapter order, parts and titles of the source outline are
 * asserted from the HTML contents page and the PDF's bookmarks. These are the worked examples of the guide's
 * chapter "Coming from another tool" (manuscript/importing.md), which shows the same outlines.
 */

interface Case {
  tool: 'mdbook' | 'gitbook' | 'leanpub' | 'quarto';
  args?: string[];
  /** The outline file shown in the guide. */
  outline: string;
  /** Contents page entries: chapters as "n. Title", parts as their title. */
  contents: string[];
  /** The PDF's bookmarks for parts and chapters: a part's chapters indented by two spaces, under it. */
  bookmarks: string[];
  /** What the import must report as mapped and as not mapped (each a fragment of a line). */
  mapped?: string[];
  unmapped: string[];
  /** Alerts the chapters' own callouts become, on a page: [page, kind]. */
  alerts?: [string, string][];
}

const cases: Case[] = [
  {
    tool: 'mdbook',
    outline: 'src/SUMMARY.md',
    // Preface and Contributors are prefix and suffix chapters: unnumbered, as mdBook shows them.
    contents: ['Preface', 'Getting started', '1. Installation', '2. Hello, world', '3. Printing values', 'Going further', '4. Ownership', 'Contributors'],
    // Contributors is a suffix chapter: after the last part, in none.
    bookmarks: ['Preface', 'Getting started', '  Installation', '  Hello, world', '  Printing values', 'Going further', '  Ownership', 'Contributors'],
    mapped: [
      '2 prefix/suffix chapters unnumbered',
      'dialect: mdbook',
      '[preprocessor.links]: Evergreen expands',
      '{{#include}}: 4 places, expanded',
      '{{#playground}}: 1 place, the file shown as a ```rust block',
    ],
    unmapped: ['draft chapter "Future topic"', 'separator (---) dropped', '[output]', '{{#rustdoc_include}}: 1 place (the first here); read as {{#include}}', '1 nested chapter'],
  },
  {
    tool: 'gitbook',
    outline: 'docs/SUMMARY.md',
    contents: ['1. Welcome', 'The language', '2. Equality', '3. Strict equality', '4. Closures', 'Practice', '5. Exercises'],
    bookmarks: ['Welcome', 'The language', '  Equality', '  Strict equality', '  Closures', 'Practice', '  Exercises'],
    unmapped: ['link to another site "The MDN reference"', '{% hint %}: 1 place', 'book.json "plugins"', '1 nested page'],
  },
  {
    tool: 'leanpub',
    args: ['--title', 'Leanpub Notes', '--author', 'Ada Example'],
    outline: 'manuscript/Book.txt',
    alerts: [
      ['chapter1.html', 'note'],
      ['chapter1.html', 'warning'],
      ['chapter2.html', 'tip'],
    ],
    contents: ['1. Preface', '2. First Steps', '3. Types in Practice'],
    bookmarks: ['Preface', 'First Steps', 'Types in Practice'],
    mapped: [
      'Markua aside A>: 1 place, shown as an alert',
      'Markua aside W>: 1 place',
      'Markua aside T>: 1 place',
      'Markua {id: …}: 1 place, the id of the heading that follows',
      'Markua {pagebreak}: 1 place, a new page in the PDF',
    ],
    unmapped: ['Markua directive {frontmatter}', 'Markua directive {mainmatter}'],
  },
  {
    tool: 'quarto',
    outline: '_quarto.yml',
    alerts: [['intro.html', 'note']],
    // `# Preface {.unnumbered}`: no number, and the chapters after it count from 1 (as Quarto numbers them).
    contents: ['Preface', 'Basics', '1. Introduction', '2. Summary', 'Advanced topics', '3. Working with models', 'Appendices', '4. Tools'],
    bookmarks: ['Preface', 'Basics', '  Introduction', '  Summary', 'Advanced topics', '  Working with models', 'Appendices', '  Tools'],
    mapped: ['callout-note divs: 1 place, shown as alerts of the same kind', 'heading attributes such as {.unnumbered}: 2 places, read as pandoc reads them'],
    unmapped: ['{python} code cells: 1 place', 'shown as code, not run', '@sec- cross-references', 'book: date', 'format: settings', 'part page "advanced.qmd"'],
  },
];

describe.each(cases)('evergreen init --from $tool, then build', (c) => {
  let root: string;
  let importOutput: string;
  let buildOutput: string;
  let bookmarks: { title: string; depth: number }[];
  const before = new Map<string, string>();

  beforeAll(async () => {
    root = path.join(tempDir('evergreen-import-'), c.tool);
    cpSync(path.join(repoRoot, 'test', 'fixtures', 'import', c.tool), root, { recursive: true });
    for (const file of ['book.toml', c.outline]) if (existsSync(path.join(root, file))) before.set(file, readFileSync(path.join(root, file), 'utf8'));
    const imported = await runCli(['init', '--from', c.tool, root, ...(c.args ?? [])]);
    importOutput = imported.stderr;
    expect(imported.code, imported.stderr).toBe(0);
    const built = await runCli(['build', '--root', root], { env: { SOURCE_DATE_EPOCH: '1795651200' } });
    buildOutput = built.stderr;
    expect(built.code, built.stderr).toBe(0);
    const pdf = readdirPdf(path.join(root, 'dist'));
    const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await getDocument({ data: new Uint8Array(readFileSync(pdf)), verbosity: 0 }).promise;
    bookmarks = [];
    const walk = (items: Awaited<ReturnType<typeof doc.getOutline>>, depth: number) =>
      (items ?? []).forEach((i) => (bookmarks.push({ title: i.title, depth }), walk(i.items, depth + 1)));
    walk(await doc.getOutline(), 0);
    await doc.destroy();
  });
  afterAll(() => {
    if (root) rmSync(path.dirname(root), { recursive: true, force: true });
  });

  it("writes manuscript/book.yaml and leaves the book's own files as they were", () => {
    expect(existsSync(path.join(root, 'manuscript', 'book.yaml'))).toBe(true);
    for (const [file, text] of before) expect(readFileSync(path.join(root, file), 'utf8'), file).toBe(text);
  });

  it('prints what it mapped and, each where it is, what it could not', () => {
    const [mapped, unmapped] = importOutput.split(/Not mapped \(\d+\)/);
    expect(mapped).toMatch(/Mapped\n/);
    for (const fragment of c.mapped ?? []) expect(mapped, fragment).toContain(fragment);
    for (const fragment of c.unmapped) expect(unmapped, fragment).toContain(fragment);
    expect(importOutput).toMatch(/Not mapped \(\d+\)/);
  });

  it('builds to HTML and PDF with no errors or warnings', () => {
    expect(buildOutput).toContain('(0 errors, 0 warnings)');
  });

  it('keeps the outline: chapter order, parts and titles on the contents page', () => {
    const $ = load(readFileSync(path.join(root, 'dist', 'html', 'index.html'), 'utf8'));
    const contents = $('.contents-list > li')
      .map((_, e) => ($(e).hasClass('part-heading') ? $(e).text() : $(e).children('a').text()))
      .get();
    expect(contents).toEqual(c.contents);
  });

  it('bookmarks parts and chapters in the PDF in the same order, each title once, a part holding its chapters', () => {
    const expected = c.contents.map((entry) => entry.replace(/^\d+\. /, ''));
    const outline = bookmarks.filter((b) => b.depth <= 1 && expected.includes(b.title)).map((b) => `${'  '.repeat(b.depth)}${b.title}`);
    expect(outline).toEqual(c.bookmarks);
    for (const title of expected)
      expect(
        bookmarks.filter((b) => b.title === title),
        title,
      ).toHaveLength(1);
  });

  it.skipIf(!c.alerts)("shows the tool's callouts as alerts of their kind", () => {
    for (const [page, kind] of c.alerts ?? []) {
      const $ = load(readFileSync(path.join(root, 'dist', 'html', page), 'utf8'));
      expect($(`main .markdown-alert-${kind}`).length, `${page} ${kind}`).toBeGreaterThan(0);
    }
  });

  it.skipIf(c.tool !== 'mdbook')("expands mdBook's includes as mdBook does: anchors, line ranges, Markdown, escapes, playground", async () => {
    const page = (name: string) => load(readFileSync(path.join(root, 'dist', 'html', name), 'utf8'));
    const hello = page('basics-hello.html');
    const blocks = hello('main pre code')
      .map((_, e) => hello(e).text().trimEnd())
      .get();
    expect(blocks).toEqual([
      // :main — the greeting's ANCHOR lines inside it are left out.
      'fn main() {\n    let name = "world";\n    println!("Hello, {name}!");\n}',
      // :greeting — as indented in the file (mdBook does not dedent).
      '    let name = "world";',
      // :6 — line 6 alone.
      '    println!("Hello, {name}!");',
    ]);
    // An included Markdown file is Markdown: a quote here, with its inline code.
    expect(hello('main blockquote code').text()).toBe('cargo run');
    // `\{{#include …}}` shows without its backslash, not expanded.
    expect(hello('main code').filter((_, e) => hello(e).text() === '{{#include file.rs}}').length).toBe(1);
    const printing = page('basics-printing.html');
    // {{#playground}}: the whole file as a rust block (a whole-file include keeps ANCHOR lines, as in mdBook).
    expect(printing('main pre code').text()).toContain('// ANCHOR: main\nfn main() {');
    expect(page('ownership.html')('main pre code').last().text().trimEnd()).toBe('    let name = "world";');
    // The PDF numbers the chapters between the prefix and the suffix chapter from 1.
    const { execFileSync } = await import('node:child_process');
    const text = execFileSync('pdftotext', ['-layout', readdirPdf(path.join(root, 'dist')), '-'], { encoding: 'utf8' });
    expect(text).toMatch(/CHAPTER\s+1\s+Installation/);
    expect(text).toMatch(/CHAPTER\s+4\s+Ownership/);
    expect(text).not.toMatch(/CHAPTER\s+\d+\s+(Preface|Contributors)/);
    expect(text).not.toMatch(/\{\{#(playground|rustdoc_include|include \.\.)/);
  });

  it.skipIf(c.tool !== 'leanpub')("reads Markua's {id: …} as the heading's id and {pagebreak} as a new PDF page", async () => {
    const $ = load(readFileSync(path.join(root, 'dist', 'html', 'chapter1.html'), 'utf8'));
    expect($('main h1').attr('id')).toBe('first-steps');
    expect($('main').text()).not.toContain('{id:');
    const chapter2 = load(readFileSync(path.join(root, 'dist', 'html', 'chapter2.html'), 'utf8'));
    expect(chapter2('main hr.page-break').next().is('h2')).toBe(true);
    const { execFileSync } = await import('node:child_process');
    const pages = execFileSync('pdftotext', ['-layout', readdirPdf(path.join(root, 'dist')), '-'], { encoding: 'utf8' }).split('\f');
    const pageOf = (text: string) => pages.findIndex((p) => p.includes(text));
    expect(pageOf('A tip aside.')).toBeGreaterThan(0);
    expect(pageOf('Narrow with')).toBe(pageOf('A tip aside.') + 1);
    expect(pages.join('')).not.toContain('{pagebreak}');
  });

  it('is the worked example of the guide chapter "Coming from another tool"', () => {
    const guide = readFileSync(path.join(repoRoot, 'manuscript', 'importing.md'), 'utf8');
    expect(guide).toContain(readFileSync(path.join(repoRoot, 'test', 'fixtures', 'import', c.tool, c.outline), 'utf8').trim());
  });
});

function readdirPdf(dist: string): string {
  const pdf = readdirSync(dist).find((f) => f.endsWith('.pdf'));
  if (!pdf) throw new Error(`no PDF in ${dist}`);
  return path.join(dist, pdf);
}
