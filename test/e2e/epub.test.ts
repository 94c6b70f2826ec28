import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { load } from 'cheerio';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowser, launchBrowser } from '../../src/util/browser.js';
import { seriousViolations } from '../helpers/axe.js';
import { copyFixture, repoRoot, runCli, tempDir } from '../helpers/cli.js';

/**
 * The EPUB of a fixture book with every Markdown feature (parts, notes, samples with `^?` and expected errors,
 * hidden setup, tables, images, raw HTML, CRLF, a chapter without a heading), built for real and taken apart:
 * W3C EPUBCheck, cheerio on the XHTML, pdftotext on the PDF it is paged like, axe-core in Chromium.
 */

const epubcheckJar = ['/usr/share/java/epubcheck.jar', '/usr/share/epubcheck/epubcheck.jar'].find((p) => existsSync(p));
const hasJava = spawnSync('java', ['-version']).status === 0;
const canValidate = epubcheckJar !== undefined && hasJava;
const hasBrowser = findBrowser() !== undefined;
const hasPoppler = spawnSync('pdftotext', ['-v']).status === 0;
const env = { SOURCE_DATE_EPOCH: '1795651200' };

function epubcheck(file: string): { output: string; summary: string } {
  const run = spawnSync('java', ['-jar', epubcheckJar!, file], { encoding: 'utf8' });
  const output = `${run.stdout}\n${run.stderr}`;
  return { output, summary: /Messages: .*/.exec(output)?.[0] ?? output };
}

function unzip(file: string): Map<string, string> {
  const entries = unzipSync(new Uint8Array(readFileSync(file)));
  return new Map(Object.entries(entries).map(([name, data]) => [name, new TextDecoder().decode(data)]));
}

const text = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('evergreen build --format epub', () => {
  let root: string;
  let epub: string;
  let pdf: string;
  let files: Map<string, string>;
  let firstBytes: Buffer;

  beforeAll(async () => {
    root = copyFixture('epub/book');
    const built = await runCli(['build', '--root', root], { env, timeout: 300_000 });
    expect(built.code, built.stderr).toBe(0);
    epub = path.join(root, 'dist', 'typed-pockets.epub');
    pdf = path.join(root, 'dist', 'typed-pockets.pdf');
    firstBytes = readFileSync(epub);
    files = unzip(epub);
  }, 300_000);
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const xhtml = (name: string) => load(files.get(`EPUB/${name}`)!, { xml: true });

  it.skipIf(!canValidate)('passes W3C EPUBCheck with no errors and no warnings', () => {
    const { summary, output } = epubcheck(epub);
    expect(summary, output).toBe('Messages: 0 fatals / 0 errors / 0 warnings / 0 infos');
  });

  it('starts with a stored mimetype and lists a package with stable metadata', () => {
    // The OCF rule readers sniff: "mimetype" is the first entry, uncompressed, with no extra field.
    expect(firstBytes.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
    expect(firstBytes.readUInt16LE(8)).toBe(0);
    expect(firstBytes.readUInt16LE(28)).toBe(0);
    expect(firstBytes.subarray(30, 38).toString('latin1')).toBe('mimetype');
    expect(firstBytes.subarray(38, 58).toString('latin1')).toBe('application/epub+zip');
    const opf = load(files.get('EPUB/package.opf')!, { xml: true });
    expect(opf('package').attr('version')).toBe('3.0');
    expect(opf('dc\\:identifier').text()).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(opf('meta[property="dcterms:modified"]').text()).toBe('2026-11-26T00:00:00Z');
    expect(
      opf('dc\\:title')
        .map((_, el) => opf(el).text())
        .get(),
    ).toEqual(['Typed Pockets', 'TypeScript for small screens']);
    expect(opf('dc\\:creator').text()).toBe('Ada Example');
    expect(opf('dc\\:rights').text()).toContain('CC BY 4.0');
    expect(opf('item[properties~="cover-image"]').attr('href')).toBe('cover.svg');
    expect(
      opf('meta[property="schema:accessibilityFeature"]')
        .map((_, el) => opf(el).text())
        .get(),
    ).toEqual(expect.arrayContaining(['structuralNavigation', 'tableOfContents', 'alternativeText', 'pageNavigation']));
    expect(opf('meta[property="schema:accessibilitySummary"]').text()).toContain('Every image has a text alternative');
    const spine = opf('itemref')
      .map((_, el) => opf(el).attr('idref'))
      .get();
    expect(spine.slice(0, 3)).toEqual(['cover.xhtml', 'title.xhtml', 'nav.xhtml']);
    expect(spine.slice(3)).toEqual(['welcome.xhtml', 'types.xhtml', 'narrowing.xhtml', 'reference.xhtml']);
  });

  it('has a navigation document with the sidebar contents, landmarks and a page list', () => {
    const nav = xhtml('nav.xhtml');
    const toc = nav('nav[epub\\:type="toc"] > ol');
    const top = toc.children('li');
    expect(top.map((_, li) => text(nav(li).children('a, span').text())).get()).toEqual(['1. Welcome to the pocket edition', 'The language', '4. Reference']);
    const part = top.eq(1);
    expect(
      part
        .find('> ol > li > a')
        .map((_, a) => nav(a).text())
        .get(),
    ).toEqual(['2. Types that fit', '3. Narrowing']);
    // Sections nest like the sidebar: depth 3 under its depth-2 section.
    const guards = nav('a[href="narrowing.xhtml#guards"]');
    expect(guards.text()).toBe('Type guards');
    expect(guards.parent().find('ol a').attr('href')).toBe('narrowing.xhtml#never');
    expect(
      nav('nav[epub\\:type="landmarks"] a')
        .map((_, a) => nav(a).attr('epub:type'))
        .get(),
    ).toEqual(['cover', 'titlepage', 'toc', 'bodymatter']);
    const pageLinks = nav('nav[epub\\:type="page-list"] a');
    expect(pageLinks.length).toBeGreaterThan(3);
    expect(pageLinks.first().text()).toBe('1');
  });

  it.skipIf(!hasPoppler || !hasBrowser)('puts each page-list entry where that page of the print PDF starts', () => {
    const nav = xhtml('nav.xhtml');
    const entries = nav('nav[epub\\:type="page-list"] a')
      .map((_, a) => ({ page: nav(a).text(), href: nav(a).attr('href')! }))
      .get();
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    const pageCount = Number(/Pages:\s+(\d+)/.exec(info)![1]);
    const printed = Array.from({ length: pageCount }, (_, i) => text(execFileSync('pdftotext', ['-f', String(i + 1), '-l', String(i + 1), pdf, '-'], { encoding: 'utf8' })));
    // Main-matter page 1 is the page the first chapter opens on.
    const front = printed.findIndex((p) => p.includes('Welcome to the pocket edition') && p.includes('read on phones'));
    expect(front).toBeGreaterThan(0);
    let checked = 0;
    for (const { page, href } of entries) {
      const [file, id] = href.split('#');
      const doc = xhtml(file);
      const marker = doc(`[id="${id}"]`);
      expect(marker.attr('epub:type'), href).toBe('pagebreak');
      expect(marker.attr('title')).toBe(page);
      // The words right after the marker are on that PDF page (running heads and numbers aside).
      const source = files.get(`EPUB/${file}`)!;
      const after = text(
        source
          .slice(source.indexOf(`id="${id}"`))
          .replace(/^[^>]*>/, '')
          .replace(/<[^>]+>/g, ' '),
      ).slice(0, 200);
      const words = after
        .split(' ')
        .filter((w) => /^[A-Za-z]{4,}$/.test(w))
        .slice(0, 3);
      if (words.length < 2) continue;
      const pdfPage = printed[front + Number(page) - 1];
      for (const word of words) expect(pdfPage, `page ${page}: "${word}"`).toContain(word);
      checked++;
    }
    expect(checked).toBeGreaterThan(2);
    expect(Number(entries[entries.length - 1].page)).toBeLessThanOrEqual(pageCount - front);
  });

  it('turns footnotes into EPUB 3 notes that pop up', () => {
    const doc = xhtml('welcome.xhtml');
    const ref = doc('a[epub\\:type="noteref"]').first();
    expect(ref.attr('role')).toBe('doc-noteref');
    const note = doc(ref.attr('href')!);
    expect(note.prop('tagName')?.toLowerCase()).toBe('aside');
    expect(note.attr('epub:type')).toBe('footnote');
    expect(text(note.text())).toContain('1. Screens from 4 to 13 inches.');
    expect(note.find('a[role="doc-backlink"]').attr('href')).toBe(`#${ref.attr('id')}`);
    expect(doc('aside[epub\\:type="footnote"]').length).toBe(2);
  });

  it('rewrites links between chapters to the right XHTML file and anchor', () => {
    const welcome = xhtml('welcome.xhtml');
    expect(welcome('a:contains("narrowing with guards")').attr('href')).toBe('narrowing.xhtml#guards');
    expect(xhtml('narrowing.xhtml')('#guards').prop('tagName')?.toLowerCase()).toBe('h2');
    expect(xhtml('reference.xhtml')('a:contains("link that is rewritten")').attr('href')).toBe('types.xhtml#expected-errors');
    expect(xhtml('types.xhtml')('a:contains("same-chapter link")').attr('href')).toBe('#hidden-setup');
    for (const [name, content] of files) {
      if (!name.endsWith('.xhtml')) continue;
      expect(content, name).not.toMatch(/href="[^"#:]+\.html/);
    }
  });

  it('shows samples as in the PDF: setup hidden, types and expected errors under their line, tokens by class', () => {
    const types = files.get('EPUB/types.xhtml')!;
    const doc = xhtml('types.xhtml');
    expect(types).not.toContain('secret = 41');
    expect(types).not.toContain('---cut---');
    expect(types).not.toContain('^?');
    expect(doc('.annotation-type .annotation-text').first().text()).toBe('const greeting: "hello"');
    expect(doc('.annotation-error .annotation-text').text()).toContain("Type 'string' is not assignable to type 'number'");
    expect(types).not.toMatch(/style="/);
    expect(doc('pre .tok-keyword').first().text()).toBe('const');
    const css = files.get('EPUB/styles/book.css')!;
    expect(css).toMatch(/\.tok-keyword \{[^}]*font-weight: bold/);
    expect(css).toMatch(/\.tok-comment \{[^}]*font-style: italic/);
    expect(css).toMatch(/font-variant-ligatures: none/);
    expect(css).toMatch(/white-space: pre-wrap/);
  });

  it('carries its images and the cover', () => {
    const opf = load(files.get('EPUB/package.opf')!, { xml: true });
    expect(opf('item[href="media/images/pixel.png"]').attr('media-type')).toBe('image/png');
    expect(opf('item[href="media/images/pipeline.svg"]').attr('media-type')).toBe('image/svg+xml');
    expect(files.get('EPUB/cover.svg')).toContain('Typed Pockets');
    expect(xhtml('narrowing.xhtml')('figure.figure img').attr('src')).toBe('media/images/pipeline.svg');
  });

  it.skipIf(!hasBrowser)(
    'reads well in Chromium at phone width: long code lines wrap, nothing overflows, axe finds no serious problem',
    async () => {
      const dir = tempDir('evergreen-epub-open-');
      for (const [name, content] of files) {
        mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        writeFileSync(path.join(dir, name), content);
      }
      // Images are binary: copy them from the archive as bytes.
      for (const [name, data] of Object.entries(unzipSync(new Uint8Array(readFileSync(epub))))) writeFileSync(path.join(dir, name), data);
      const browser = await launchBrowser();
      try {
        const page = await browser.browser.newPage();
        await page.setViewport({ width: 390, height: 844 });
        await page.goto(pathToFileURL(path.join(dir, 'EPUB', 'types.xhtml')).href);
        const code = await page.evaluate(() => {
          const line = [...document.querySelectorAll('pre .line')].find((l) => (l.textContent ?? '').includes('timeoutMilliseconds'))!;
          const pre = line.closest('pre')!;
          const rowHeight = parseFloat(getComputedStyle(pre).lineHeight);
          return {
            rows: line.getBoundingClientRect().height / rowHeight,
            overflow: pre.scrollWidth - pre.clientWidth,
            page: document.documentElement.scrollWidth - window.innerWidth,
          };
        });
        expect(code.rows).toBeGreaterThanOrEqual(2);
        expect(code.overflow).toBeLessThanOrEqual(0);
        expect(code.page).toBeLessThanOrEqual(0);
        const names = [...files.keys()].filter((n) => n.endsWith('.xhtml'));
        expect(names.length).toBe(7);
        for (const name of names) {
          await page.goto(pathToFileURL(path.join(dir, name)).href);
          const violations = await seriousViolations(page);
          expect(violations, name).toEqual([]);
        }
      } finally {
        await browser.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );

  it('is byte-identical when built again, also without the PDF (the layout is measured only)', async () => {
    rmSync(path.join(root, 'dist'), { recursive: true, force: true });
    const again = await runCli(['build', '--root', root, '--format', 'epub', '--no-cache'], { env, timeout: 300_000 });
    expect(again.code, again.stderr).toBe(0);
    expect(existsSync(pdf)).toBe(false);
    expect(readFileSync(epub).equals(firstBytes)).toBe(true);
  }, 300_000);

  it('leaves the page list out with a warning when no browser can lay out the print edition, and stays valid', async () => {
    const out = tempDir('evergreen-epub-nobrowser-');
    const result = await runCli(['build', '--root', root, '--format', 'epub', '--out', out], { env: { ...env, EVERGREEN_BROWSER: 'none' }, timeout: 300_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('EPUB: written without a page list');
    const file = path.join(out, 'typed-pockets.epub');
    const nav = unzip(file).get('EPUB/nav.xhtml')!;
    expect(nav).not.toContain('page-list');
    expect(unzip(file).get('EPUB/package.opf')).not.toContain('pageNavigation');
    if (canValidate) expect(epubcheck(file).summary).toBe('Messages: 0 fatals / 0 errors / 0 warnings / 0 infos');
    rmSync(out, { recursive: true, force: true });
  }, 300_000);
});

describe.skipIf(!canValidate)('the bundled user guide as EPUB', () => {
  it('passes W3C EPUBCheck with no errors and no warnings', async () => {
    const root = tempDir('evergreen-guide-epub-');
    cpSync(path.join(repoRoot, 'manuscript'), path.join(root, 'manuscript'), { recursive: true });
    if (existsSync(path.join(repoRoot, 'releases'))) cpSync(path.join(repoRoot, 'releases'), path.join(root, 'releases'), { recursive: true });
    try {
      const built = await runCli(['build', '--root', root, '--format', 'epub'], { env, timeout: 300_000 });
      expect(built.code, built.stderr).toBe(0);
      expect(built.stderr).toContain('(0 errors, 0 warnings)');
      const { summary, output } = epubcheck(path.join(root, 'dist', 'evergreen.epub'));
      expect(summary, output).toBe('Messages: 0 fatals / 0 errors / 0 warnings / 0 infos');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 300_000);
});

describe.skipIf(!canValidate || !hasBrowser)('math, diagrams and samples with hovers inside the EPUB', () => {
  it('carries MathML and one SVG per diagram, drops the hovers, and passes EPUBCheck', async () => {
    const root = tempDir('evergreen-epub-features-');
    mkdirSync(path.join(root, 'manuscript'), { recursive: true });
    writeFileSync(path.join(root, 'manuscript', 'book.yaml'), 'title: Drawn and typed\nformats: [html, epub]\n');
    writeFileSync(
      path.join(root, 'manuscript', 'drawn.md'),
      [
        '# Drawn',
        '',
        'The area is $\\pi r^2$, and',
        '',
        '$$',
        '\\int_0^1 x\\,dx = \\frac{1}{2}',
        '$$',
        '',
        '```mermaid',
        'flowchart LR',
        '  M[manuscript/] --> C{evergreen check}',
        '  C -->|samples pass| B[HTML and PDF]',
        '```',
        '',
        '```ts',
        'const area = Math.PI * 2 ** 2;',
        'console.log(area.toFixed(1));',
        '```',
        '',
        '```output',
        '12.6',
        '```',
        '',
      ].join('\n'),
    );
    try {
      const built = await runCli(['build', '--root', root], { env, timeout: 300_000 });
      expect(built.code, built.stderr).toBe(0);
      expect(built.stderr).toContain('(0 errors, 0 warnings)');
      // The HTML book has the hovers and both diagram variants; the EPUB takes them from it.
      expect(readFileSync(path.join(root, 'dist', 'html', 'drawn.html'), 'utf8')).toContain('class="hover-target"');
      const file = path.join(root, 'dist', 'drawn-and-typed.epub');
      const $ = load(unzip(file).get('EPUB/drawn.xhtml')!, { xml: true });
      expect($('math').length).toBeGreaterThanOrEqual(2);
      expect($('svg[role="img"]')).toHaveLength(1);
      expect($('svg').attr('aria-label')).toBe('Diagram (flowchart)');
      expect($('.diagram-dark, .hover, .hover-info, [data-hovers]')).toHaveLength(0);
      expect(text($('pre').first().text())).toBe('const area = Math.PI * 2 ** 2; console.log(area.toFixed(1));');
      const { summary, output } = epubcheck(file);
      expect(summary, output).toBe('Messages: 0 fatals / 0 errors / 0 warnings / 0 infos');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 400_000);
});
