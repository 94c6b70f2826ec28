import { existsSync, readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, runCli, writeBook, type CliResult } from '../helpers/cli.js';

const page = (dir: string, name: string) => cheerio.load(readFileSync(path.join(dir, 'dist', 'html', name), 'utf8'));

describe('evergreen build on a fixture book', () => {
  let root: string;
  let result: CliResult;
  beforeAll(async () => {
    root = copyFixture('basic');
    result = await runCli(['build', '--root', root, '--format', 'html']);
  });

  it('succeeds, prints warnings at file:line:col and a one-line summary', () => {
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/manuscript\/intro\.md:10:\d+ {2}warning {2}"\/docs\/x\.html" is an absolute site path/);
    expect(result.stderr).toMatch(/manuscript\/no-title\.md:1:1 {2}warning {2}Chapter has no title/);
    expect(result.stderr).toMatch(/✓ Built 4 chapters → .*html in .* \(0 errors, 2 warnings\)/);
    expect(result.stderr).not.toMatch(/\x1b\[/); // NO_COLOR honoured
  });

  it('writes one page per chapter named by id or file name, plus the title page', () => {
    const files = readdirSync(path.join(root, 'dist', 'html'))
      .filter((f) => f.endsWith('.html'))
      .sort();
    expect(files).toEqual(['index.html', 'no-title.html', 'part-one-first-steps.html', 'part-one-second.html', 'welcome.html']);
  });

  it('gives every page lang and a title, and never renders front matter', () => {
    const $ = page(root, 'welcome.html');
    expect($('html').attr('lang')).toBe('en-GB');
    expect($('title').text()).toBe('Welcome to the book · The Fixture Book');
    expect($('.chapter-body').text()).not.toContain('layout: post');
    // The front-matter title is the chapter's h1; its `# Introduction` is a top section.
    expect($('.chapter-body h1').text()).toBe('Welcome to the book');
    expect($('.chapter-body h2').first().text()).toMatch(/^Introduction/);
  });

  it('rewrites links between chapters, including in raw HTML, and leaves unknown ones alone', () => {
    const $ = page(root, 'welcome.html');
    const hrefs = $('.chapter-body a')
      .map((_, a) => $(a).attr('href'))
      .get();
    expect(hrefs).toContain('part-one-first-steps.html#getting-going');
    expect(hrefs).toContain('part-one-second.html');
    expect(hrefs).toContain('part-one-second.html#deep-dive');
    expect(hrefs).toContain('https://example.com/');
    expect(hrefs).toContain('/docs/x.html');
    expect(hrefs.some((h) => h?.endsWith('.md') || h?.includes('.md#'))).toBe(false);
  });

  it('renders callouts, tables, footnotes, task lists and strikethrough', () => {
    const intro = page(root, 'welcome.html');
    expect(intro('.markdown-alert-warning .markdown-alert-title').text()).toBe('Warning');
    expect(intro('.markdown-alert-warning strong').text()).toBe('edges');
    expect(intro('.table-wrap table th').first().text()).toBe('Name');
    const ref = intro('[data-footnote-ref]').attr('href')!;
    expect(intro(ref.replace(/[^#\w-]/g, '')).text()).toContain('The footnote text.');
    const first = page(root, 'part-one-first-steps.html');
    expect(first('input[type=checkbox]')).toHaveLength(2);
    expect(page(root, 'part-one-second.html')('del').text()).toBe('old');
  });

  it('gives headings unique ids and anchors', () => {
    const $ = page(root, 'part-one-first-steps.html');
    expect(
      $('h2')
        .map((_, h) => $(h).attr('id'))
        .get(),
    ).toEqual(['getting-going', 'getting-going-1']);
    expect($('h2#getting-going a.heading-anchor').attr('href')).toBe('#getting-going');
  });

  it('highlights code at build time with light and dark colours, title and emphasised lines', () => {
    const $ = page(root, 'part-one-first-steps.html');
    const figure = $('figure.code-block').first();
    expect(figure.find('figcaption').text()).toBe('hello.ts');
    expect(figure.find('pre.shiki span[style*="--shiki-light"]').length).toBeGreaterThan(3);
    expect(figure.find('pre.shiki span[style*="--shiki-dark"]').length).toBeGreaterThan(3);
    expect(figure.find('.line.highlighted').text()).toContain('console.log');
    expect($('figure.code-output pre').text()).toBe('hello world');
    expect($('script[src*="highlight"], script[src*="prism"]').length).toBe(0);
    const python = page(root, 'part-one-second.html')('pre[data-lang=python]');
    expect(python.find('span[style]').length).toBeGreaterThan(2);
  });

  it('copies images into the output and turns a lone image into a captioned figure', () => {
    const $ = page(root, 'part-one-first-steps.html');
    const img = $('figure.figure img');
    expect(img.attr('src')).toBe('media/images/pixel.png');
    expect($('figure.figure figcaption').text()).toBe('The pixel figure');
    expect(existsSync(path.join(root, 'dist', 'html', 'media', 'images', 'pixel.png'))).toBe(true);
  });

  it('has navigation: sidebar with parts, current chapter expanded, previous and next', () => {
    const $ = page(root, 'part-one-first-steps.html');
    expect($('.toc .part-title').text()).toBe('Part One');
    expect($('.toc .current > a').attr('aria-current')).toBe('page');
    expect(
      $('.toc .current .sections a')
        .map((_, a) => $(a).attr('href'))
        .get(),
    ).toEqual(['#getting-going', '#getting-going-1']);
    expect($('a[rel=prev]').attr('href')).toBe('welcome.html');
    expect($('a[rel=next]').attr('href')).toBe('part-one-second.html');
    const index = page(root, 'index.html');
    expect(index('.book-title').text()).toBe('The Fixture Book');
    expect(index('.book-version').first().text()).toBe('unreleased');
    expect(index('a.start-reading').attr('href')).toBe('welcome.html');
  });

  it('writes search data covering the full text, not only titles', () => {
    const js = readFileSync(path.join(root, 'dist', 'html', 'search-data.js'), 'utf8');
    const docs = JSON.parse(js.slice(js.indexOf('['), js.lastIndexOf(']') + 1)) as { url: string; text: string }[];
    const deep = docs.find((d) => d.text.includes('autolink'));
    expect(deep?.url).toBe('part-one-second.html#deep-dive');
  });

  it('shows the version in every footer', () => {
    expect(page(root, 'part-one-second.html')('.page-footer .book-version').text()).toBe('unreleased');
  });
});

describe('evergreen build with author errors', () => {
  it('reports every error sorted at file:line:col, exits 1 and leaves the previous output intact', async () => {
    const root = writeBook({
      'manuscript/book.yaml': 'title: T\nchapters: [a.md, b.md]\n',
      'manuscript/a.md': '# A\n\nSee [b](b.md).\n',
      'manuscript/b.md': '# B\n',
    });
    expect((await runCli(['build', '--root', root, '--format', 'html'])).code).toBe(0);
    const before = readFileSync(path.join(root, 'dist', 'html', 'a.html'), 'utf8');
    writeFileSync(path.join(root, 'manuscript', 'a.md'), '# A changed\n\nSee [b](b.md#nope) and ![x](missing.png).\n\n[c](c.md)\n');
    const result = await runCli(['build', '--format', 'html'], { cwd: root });
    expect(result.code).toBe(1);
    const lines = result.stderr.split('\n').filter((l) => /\d+:\d+ {2}error/.test(l));
    expect(lines.map((l) => l.split('  ')[0])).toEqual(['manuscript/a.md:3:5', 'manuscript/a.md:3:24', 'manuscript/a.md:5:1']);
    expect(result.stderr).toContain('Build failed');
    expect(result.stderr).toContain('3 errors');
    expect(readFileSync(path.join(root, 'dist', 'html', 'a.html'), 'utf8')).toBe(before);
    expect(readdirSync(path.join(root, 'dist')).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('reports bad config with did-you-mean and exits 1', async () => {
    const root = writeBook({ 'manuscript/book.yaml': 'title: T\nformat: [html]\n', 'manuscript/a.md': '# A\n' });
    const result = await runCli(['build', '--root', root]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('manuscript/book.yaml:2:1  error  Unknown key "format". Did you mean "formats"?');
  });

  it('explains a missing book', async () => {
    const root = writeBook({ 'README.md': 'not a book' });
    const result = await runCli(['build', '--root', root]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('book.yaml is missing');
    expect(result.stderr).toContain('evergreen init');
  });

  it('handles garbage chapters without a stack trace', async () => {
    const big = `# Big\n\n${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(90_000)}\n`;
    const root = writeBook({
      'manuscript/book.yaml': 'title: T\nchapters: [bin.md, bad-utf8.md, big.md, deep.md, fence.md]\n',
      'manuscript/bin.md': new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1]),
      'manuscript/bad-utf8.md': new Uint8Array([0x23, 0x20, 0xc3, 0x28]),
      'manuscript/big.md': big,
      'manuscript/deep.md': Array.from({ length: 500 }, (_, i) => `${'  '.repeat(i)}- level ${i}`).join('\n'),
      'manuscript/fence.md': '# Fence\n\n```ts\nconst never = "closed";\n',
    });
    expect(big.length).toBeGreaterThan(5_000_000);
    const result = await runCli(['build', '--root', root, '--format', 'html']);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
    expect(result.stderr).toContain('bin.md:1:5  error  Cannot read chapter: this file is binary');
    expect(result.stderr).toContain('bad-utf8.md:1:3  error  Cannot read chapter: this file is not valid UTF-8');
    expect(result.stderr).toMatch(/deep\.md:\d+:1 {2}error {2}Lists or blockquotes are nested/);
    expect(result.stderr).toContain('3 errors');
  });
});

describe('evergreen command line', () => {
  it('prints help and version, and exits 2 on usage errors', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('build');
    expect(help.stdout).toContain('init');
    const buildHelp = await runCli(['build', '--help']);
    expect(buildHelp.stdout).toContain('--format');
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect((await runCli(['build', '--bogus'])).code).toBe(2);
    expect((await runCli(['frobnicate'])).code).toBe(2);
    const badFormat = await runCli(['build', '--format', 'mobi', '--root', writeBook({ 'manuscript/book.yaml': 'title: T\n' })]);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('Unknown format "mobi"');
  });

  it('init scaffolds a book that builds, and refuses to overwrite one', async () => {
    const dir = writeBook({});
    const target = path.join(dir, 'my-new-book');
    const init = await runCli(['init', target, '--title', 'My New Book']);
    expect(init.code).toBe(0);
    for (const f of ['manuscript/book.yaml', 'manuscript/01-introduction.md', 'manuscript/02-first-program.md', 'package.json', '.gitignore', '.github/workflows/book.yml']) {
      expect(existsSync(path.join(target, f)), f).toBe(true);
    }
    expect(JSON.parse(readFileSync(path.join(target, 'package.json'), 'utf8')).devDependencies).toHaveProperty('evergreen-book');
    const built = await runCli(['build', '--root', target, '--format', 'html']);
    expect(built.code, built.stderr).toBe(0);
    expect(built.stderr).toContain('0 errors, 0 warnings');
    expect(page(target, 'index.html')('.book-title').text()).toBe('My New Book');
    const again = await runCli(['init', target]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already contains a book');
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets a book override theme files from its own templates/ folder', async () => {
    const root = writeBook({
      'manuscript/book.yaml': 'title: Themed\n',
      'manuscript/a.md': '# A\n',
      'templates/custom.css': ':root { --accent: rebeccapurple; }\n',
    });
    expect((await runCli(['build', '--root', root, '--format', 'html', '--out', path.join(root, 'out')])).code).toBe(0);
    const html = readFileSync(path.join(root, 'out', 'html', 'a.html'), 'utf8');
    expect(html).toContain('href="assets/custom.css"');
    expect(readFileSync(path.join(root, 'out', 'html', 'assets', 'custom.css'), 'utf8')).toContain('rebeccapurple');
    expect(existsSync(path.join(root, 'dist'))).toBe(false);
  });
});
