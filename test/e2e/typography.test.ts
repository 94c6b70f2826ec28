import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowser, launchBrowser, type LaunchedBrowser } from '../../src/util/browser.js';
import { runCli, writeBook } from '../helpers/cli.js';
import { serveFolder } from '../helpers/staticServer.js';

/**
 * What the reader sees, measured in real Chromium: computed styles of the HTML book and of the print
 * document the PDF is made from, and the PDF's own text.
 */
const longWords = 'Internationalization considerations notwithstanding, comprehensive documentation accompanies extraordinarily sophisticated implementations.';
const files: Record<string, string> = {
  'manuscript/book.yaml': 'title: Type Book\nauthors: [A. Writer]\nlanguage: en\nformats: [html, pdf]\nsamples: all\nchapters:\n  - narrowing.md\n',
  'manuscript/narrowing.md': [
    '---',
    'title: Narrowing',
    '---',
    '',
    `Equality narrowing uses \`===\`, \`!==\` and \`=>\`, as in \`typeof padding === "number"\`. Call \`padLeft\`. ${longWords} ${longWords}`,
    '',
    `See https://example.com/internationalization/documentation for more. ${longWords}`,
    '',
    '# Exhaustiveness checking',
    '',
    '```ts no-run',
    'declare const a: number, b: number, c: string, d: string;',
    'const same = a === b && c !== d; const f = (x: number) => x;',
    '```',
    '',
    // A long type note: it must wrap inside the block, not run past its edge.
    '```ts',
    'declare function load(): "internationalization-enabled" | "documentation-comprehensive" | "implementation-sophisticated" | "considerations-many-and-varied" | "yet-another-rather-long-literal-member";',
    '// ---cut---',
    'const settings = load();',
    '//    ^?',
    '```',
    '',
    '| Left | Centre | Right |',
    '| :--- | :----: | ----: |',
    '| a    | b      | c     |',
    '',
    // A long sentence for the search snippet: the hit is far from the start.
    `${'Words precede the searched term in this paragraph so the snippet must start later. '.repeat(4)}The zanzibar marker sits here. ${'More words follow after the searched term so the snippet must end early. '.repeat(4)}`,
    '',
  ].join('\n'),
};

describe.skipIf(!findBrowser())('typography in Chromium', () => {
  let root: string;
  let workDir: string;
  let browser: LaunchedBrowser;
  let server: Awaited<ReturnType<typeof serveFolder>>;
  let page: Page;

  beforeAll(async () => {
    root = writeBook(files);
    workDir = path.join(root, 'print-work');
    mkdirSync(workDir);
    const built = await runCli(['build', '--root', root], { env: { EVERGREEN_PDF_WORK_DIR: workDir, SOURCE_DATE_EPOCH: '1795651200' }, timeout: 240_000 });
    expect(built.code, built.stderr).toBe(0);
    server = await serveFolder(path.join(root, 'dist', 'html'));
    browser = await launchBrowser();
    page = await browser.browser.newPage();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const ligatures = () =>
    page.evaluate(() =>
      [...document.querySelectorAll('.chapter-body code, .chapter code')].map((c) => {
        const s = getComputedStyle(c);
        return { inPre: c.closest('pre') !== null, ligatures: s.fontVariantLigatures, features: s.fontFeatureSettings };
      }),
    );

  it('shows no ligatures in inline or block code in the HTML book, and keeps table alignment', async () => {
    await page.goto(`${server.url}narrowing.html`);
    const codes = await ligatures();
    expect(codes.some((c) => c.inPre) && codes.some((c) => !c.inPre)).toBe(true);
    for (const c of codes) {
      expect(c.ligatures).toBe('none');
      expect(c.features).toMatch(/"calt" 0/);
    }
    const align = await page.$$eval('.chapter-body th', (ths) => ths.map((th) => getComputedStyle(th).textAlign));
    expect(align).toEqual(['left', 'center', 'right']);
  });

  it('wraps a long type note inside its code block instead of cutting it at the edge', async () => {
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(`${server.url}narrowing.html`);
    const box = await page.$eval('.annotation-type', (note) => {
      const pre = note.closest('pre')!;
      const text = note.querySelector('.annotation-text')!.getBoundingClientRect();
      const style = getComputedStyle(pre);
      const contentRight = pre.getBoundingClientRect().right - parseFloat(style.borderRightWidth) - parseFloat(style.paddingRight);
      return {
        scrolls: pre.scrollWidth > pre.clientWidth + 1,
        contentRight,
        textRight: text.right,
        textHeight: text.height,
        lineHeight: parseFloat(getComputedStyle(note).lineHeight),
      };
    });
    expect(box.scrolls).toBe(false);
    expect(box.textRight).toBeLessThanOrEqual(box.contentRight + 1);
    expect(box.textHeight).toBeGreaterThan(box.lineHeight * 1.5); // it really wrapped
  });

  it('cuts search snippets between words', async () => {
    await page.goto(`${server.url}index.html`);
    await page.type('#search-input', 'zanzibar');
    await page.waitForFunction(() => document.querySelector('#search-results .result-snippet mark') !== null, { timeout: 15_000 });
    const snippet = await page.$eval('#search-results .result-snippet', (s) => s.textContent ?? '');
    expect(snippet).toContain('zanzibar');
    const words = new Set(files['manuscript/narrowing.md']!.split(/\s+/).map((w) => w.replace(/[.,]/g, '')));
    const body = snippet.replace(/^… /, '').replace(/ …$/, '').split(/\s+/);
    expect(words.has(body[0]!.replace(/[.,]/g, '')), body[0]).toBe(true);
    expect(words.has(body.at(-1)!.replace(/[.,]/g, '')), body.at(-1)).toBe(true);
    expect(snippet.startsWith('… ') && snippet.endsWith(' …')).toBe(true);
  });

  it('justifies and hyphenates prose in print, never code or URLs, and shows no ligatures there', async () => {
    await page.goto(pathToFileURL(path.join(workDir, 'print.html')).href);
    const prose = await page.$$eval('.chapter p', (ps) => ps.map((p) => ({ align: getComputedStyle(p).textAlign, text: p.textContent ?? '' })));
    expect(prose.length).toBeGreaterThan(0);
    for (const p of prose) expect(p.align).toBe('justify');
    expect(prose.map((p) => p.text).join(' ')).toContain('In\u00adter\u00adna\u00adtion\u00adal\u00adiza\u00adtion');
    const code = await page.$$eval('.chapter code', (cs) => cs.map((c) => c.textContent ?? ''));
    expect(code.join('')).not.toContain('\u00ad');
    const links = await page.$$eval('.chapter a', (as) => as.map((a) => a.textContent ?? ''));
    expect(links.join('')).toContain('https://example.com/internationalization/documentation');
    const headings = await page.$$eval('.chapter h1, .chapter h2', (hs) => hs.map((h) => h.textContent ?? ''));
    expect(headings.join('')).not.toContain('\u00ad');
    for (const c of await ligatures()) expect(c.ligatures).toBe('none');
  });

  it('writes a PDF whose text is searchable (no soft hyphens), with no gap before punctuation after inline code', () => {
    const pdf = path.join(root, 'dist', 'type-book.pdf');
    const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
    expect(text).not.toContain('\u00ad');
    expect(text.replace(/-\n/g, '')).toContain('Internationalization considerations');
    expect(text).toContain('padLeft.');
    expect(text).not.toMatch(/^\s*\/\/\s*\^\?/m);
  });
});
