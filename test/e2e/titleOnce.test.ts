import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { load } from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBook } from '../../src/book/loadBook.js';
import { snapshotBook } from '../../src/release/snapshot.js';
import { runCli, writeBook } from '../helpers/cli.js';

/**
 * The book of issue 19's report: GitBook-style chapters in docs/ that open with `##`, titles from the
 * outline in book.yaml. Each title is shown once, as the page's h1, and the sidebar, the contents page,
 * search, the PDF's contents and bookmarks and the release snapshot agree. One build serves every test.
 */
const files = {
  'manuscript/book.yaml': [
    'title: JavaScript Notes',
    'manuscript: docs',
    'formats: [html, pdf]',
    'samples: none',
    'chapters:',
    '  - README.md',
    '  - part: The language',
    '    chapters:',
    '      - file: javascript/equality.md',
    '        title: Equality',
    '      - file: javascript/closures.md',
    '        title: Closures explained',
    '      - file: javascript/scope.md',
    '        title: Scope',
    '',
  ].join('\n'),
  'docs/README.md': '# Introduction\n\nWhat this book is.\n\n## How to read it\n\nIn order.\n',
  'docs/javascript/equality.md': '## Equality\n\nTwo kinds of equality.\n\n## Strict equality\n\nUse `===`.\n\n## Loose equality\n\nAvoid `==`.\n',
  // The outline's title differs from the chapter's opening heading: the page gets the outline's title.
  'docs/javascript/closures.md': '## What a closure is\n\nA function and its scope.\n',
  // An mdBook chapter whose `# H1` says something else than the outline: the H1 becomes a top section.
  'docs/javascript/scope.md': '# Scope and closures\n\nWhere names live.\n\n## Lexical scope\n\nBy the text.\n\n# Hoisting\n\nDeclarations first.\n',
};

describe('a chapter title is shown once', () => {
  let root: string;
  let html: string;
  let outline: { title: string; depth: number }[];

  beforeAll(async () => {
    root = writeBook(files);
    const result = await runCli(['build', '--root', root], { env: { SOURCE_DATE_EPOCH: '1795651200' } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('(0 errors, 0 warnings)');
    html = path.join(root, 'dist', 'html');
    const pdf = path.join(root, 'dist', 'javascript-notes.pdf');
    const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await getDocument({ data: new Uint8Array(readFileSync(pdf)), verbosity: 0 }).promise;
    outline = [];
    const walk = (items: Awaited<ReturnType<typeof doc.getOutline>>, depth: number) =>
      (items ?? []).forEach((i) => (outline.push({ title: i.title, depth }), walk(i.items, depth + 1)));
    walk(await doc.getOutline(), 0);
    await doc.destroy();
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const page = (name: string) => load(readFileSync(path.join(html, name), 'utf8'));

  it('renders a chapter that opens with ## under its outline title with one h1 and no repeated heading', () => {
    const $ = page('javascript-equality.html');
    const main = $('main');
    expect(
      main
        .find('h1')
        .map((_, e) => $(e).text())
        .get(),
    ).toEqual(['Equality']);
    expect(
      main
        .find('h2')
        .map((_, e) => $(e).text().replace(/#$/, ''))
        .get(),
    ).toEqual(['Strict equality', 'Loose equality']);
    expect($('title').text()).toContain('Equality');
  });

  it('gives the outline title its own h1 when the chapter opens with another heading, which stays a section', () => {
    const $ = page('javascript-closures.html');
    expect(
      $('main h1')
        .map((_, e) => $(e).text())
        .get(),
    ).toEqual(['Closures explained']);
    expect($('main h2').first().text().replace(/#$/, '')).toBe('What a closure is');
  });

  it("keeps one h1 when the outline title differs from the chapter's own # H1: the H1s become its top sections", () => {
    const $ = page('javascript-scope.html');
    const texts = (selector: string) =>
      $(selector)
        .map((_, e) => $(e).text().replace(/#$/, ''))
        .get();
    expect(texts('main h1')).toEqual(['Scope']);
    expect(texts('main h2')).toEqual(['Scope and closures', 'Hoisting']);
    expect(texts('main h3')).toEqual(['Lexical scope']);
    expect(texts('.toc li.current .sections a')).toEqual(['Scope and closures', 'Lexical scope', 'Hoisting']);
  });

  it('lists the title heading nowhere as a section: sidebar and contents page', () => {
    const $ = page('javascript-equality.html');
    expect(
      $('.toc li.current .sections a')
        .map((_, e) => $(e).text())
        .get(),
    ).toEqual(['Strict equality', 'Loose equality']);
    expect($('.toc .part-title').text()).toBe('The language');
    const home = page('index.html');
    const equality = home('.contents-list a[href="javascript-equality.html"]').parent();
    expect(
      equality
        .find('.chapter-sections a')
        .map((_, e) => home(e).text())
        .get(),
    ).toEqual(['Strict equality', 'Loose equality']);
    const contents = home('.contents-list > li')
      .map((_, e) => (home(e).hasClass('part-heading') ? home(e).text() : home(e).children('a').text()))
      .get();
    expect(contents).toEqual(['1. Introduction', 'The language', '2. Equality', '3. Closures explained', '4. Scope']);
  });

  it('search finds the title section under the chapter title', () => {
    const data = readFileSync(path.join(html, 'search-data.js'), 'utf8');
    const docs = JSON.parse(data.slice(data.indexOf('['), data.lastIndexOf(']') + 1)) as { title: string; chapter: string; url: string }[];
    const equality = docs.filter((d) => d.chapter === 'Equality');
    expect(equality.map((d) => d.title)).toEqual(['Equality', 'Strict equality', 'Loose equality']);
  });

  it('bookmarks each chapter once in the PDF, its sections beneath it, and lists it once in the PDF contents', () => {
    const titles = outline.map((o) => o.title);
    expect(titles.filter((t) => t === 'Equality')).toHaveLength(1);
    const at = titles.indexOf('Equality');
    expect(outline.slice(at + 1, at + 3)).toEqual([
      { title: 'Strict equality', depth: outline[at].depth + 1 },
      { title: 'Loose equality', depth: outline[at].depth + 1 },
    ]);
    expect(titles).toContain('Closures explained');
    const scope = titles.indexOf('Scope');
    expect(outline.slice(scope, scope + 4)).toEqual([
      { title: 'Scope', depth: outline[at].depth },
      { title: 'Scope and closures', depth: outline[at].depth + 1 },
      { title: 'Lexical scope', depth: outline[at].depth + 2 },
      { title: 'Hoisting', depth: outline[at].depth + 1 },
    ]);
    const text = execFileSync('pdftotext', ['-layout', path.join(root, 'dist', 'javascript-notes.pdf'), '-'], { encoding: 'utf8' });
    const contents = text.slice(text.indexOf('Contents'), text.indexOf('Introduction', text.indexOf('Introduction') + 1));
    expect(contents.match(/Equality/g)).toHaveLength(1);
  });

  it('the release snapshot has no section for the title heading', async () => {
    const book = await loadBook(root, { noCache: true });
    const { snapshot } = snapshotBook(book);
    const equality = snapshot.chapters.find((c) => c.title === 'Equality')!;
    expect(equality.sections.map((s) => s.title)).toEqual(['', 'Strict equality', 'Loose equality']);
  });
});
