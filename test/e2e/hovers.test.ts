import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as cheerio from 'cheerio';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowser, launchBrowser, type LaunchedBrowser } from '../../src/util/browser.js';
import { seriousViolations } from '../helpers/axe.js';
import { runCli, writeBook } from '../helpers/cli.js';
import { serveFolder } from '../helpers/staticServer.js';

const chapter = [
  '---',
  'title: Types at a glance',
  '---',
  '',
  'A sample whose names show their types.',
  '',
  '```ts',
  '/** Makes a greeting. */',
  'function greet(name: string): string {',
  '  return `Hello, ${name}`;',
  '}',
  '// ---cut---',
  'const message = greet("Ada");',
  'console.log(message.toUpperCase());',
  '```',
  '',
  '```output',
  'HELLO, ADA',
  '```',
  '',
  'A comment must be as readable as the code around it:',
  '',
  '```yaml',
  '# The greeting to print',
  'greeting: Hello',
  '```',
  '',
].join('\n');

const hasBrowser = findBrowser() !== undefined;

describe.skipIf(!hasBrowser)('type hovers in the HTML book (needs Chromium)', () => {
  let root: string;
  let browser: LaunchedBrowser;
  let server: Awaited<ReturnType<typeof serveFolder>>;
  let page: Page;

  beforeAll(async () => {
    root = writeBook({ 'manuscript/book.yaml': 'title: Hover book\nformats: [html, pdf]\n', 'manuscript/types.md': chapter });
    const built = await runCli(['build', '--root', root], { timeout: 300_000 });
    expect(built.code, built.stderr).toBe(0);
    server = await serveFolder(path.join(root, 'dist', 'html'));
    browser = await launchBrowser();
    page = await browser.browser.newPage();
  }, 400_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('marks each identifier with its quick info, and the block is the only tab stop', () => {
    const $ = cheerio.load(readFileSync(path.join(root, 'dist', 'html', 'types.html'), 'utf8'));
    const pre = $('pre[data-hovers]');
    expect(pre.attr('tabindex')).toBe('0');
    const target = pre
      .find('.hover-target')
      .filter((_, el) => $(el).text() === 'message')
      .first();
    expect(target.attr('tabindex')).toBe('-1');
    const info = $(`#${target.attr('aria-describedby')}`);
    expect(info.attr('role')).toBe('tooltip');
    expect(info.text()).toBe('const message: string');
    // The function's JSDoc is above the cut, yet its documentation shows where it is used.
    const greet = pre
      .find('.hover-target')
      .filter((_, el) => $(el).text() === 'greet')
      .first();
    expect($(`#${greet.attr('aria-describedby')}`).text()).toBe('function greet(name: string): stringMakes a greeting.');
    expect(pre.find('[tabindex="0"]')).toHaveLength(0);
  });

  it('reads the type of an identifier reached with the arrow keys from the accessibility tree, and shows it', async () => {
    await page.goto(`${server.url}types.html`);
    await page.focus('pre[data-hovers]');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('greet');
    const cdp = await page.createCDPSession();
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: { name?: { value: string }; description?: { value: string }; properties?: { name: string; value: { value: unknown } }[] }[];
    };
    const focused = nodes.find((n) => n.properties?.some((p) => p.name === 'focused' && p.value.value === true) && n.name?.value === 'greet');
    expect(focused?.description?.value).toBe('function greet(name: string): string Makes a greeting.');
    // The popup is on screen, under the identifier, and not cut by the code block's scroll box.
    const boxes = await page.evaluate(() => {
      const target = document.activeElement!.getBoundingClientRect();
      const info = document.activeElement!.parentElement!.querySelector('.hover-info')!;
      const box = info.getBoundingClientRect();
      return { visible: getComputedStyle(info).display !== 'none', targetBottom: target.bottom, targetLeft: target.left, top: box.top, left: box.left, width: box.width };
    });
    expect(boxes.visible).toBe(true);
    expect(boxes.top).toBeGreaterThanOrEqual(boxes.targetBottom - 1);
    expect(Math.abs(boxes.left - boxes.targetLeft)).toBeLessThan(40);
    await page.keyboard.press('End');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('toUpperCase');
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('PRE');
  });

  it('shows the popup on mouse hover without JavaScript', async () => {
    const noScript = await browser.browser.newPage();
    await noScript.setJavaScriptEnabled(false);
    await noScript.goto(`${server.url}types.html`);
    const target = (await noScript.$$('pre .hover-target'))[0]!;
    const shown = () => noScript.$$eval('pre .hover-info', (infos) => infos.filter((i) => getComputedStyle(i).display !== 'none').map((i) => i.textContent));
    expect(await shown()).toEqual([]);
    await target.hover();
    expect(await shown()).toEqual(['const message: string']);
    await noScript.close();
  });

  it('copies the code without the popups', async () => {
    await page.goto(`${server.url}types.html`);
    const copied = await page.evaluate(async () => {
      let text = '';
      Object.defineProperty(navigator, 'clipboard', { value: { writeText: async (t: string) => void (text = t) } });
      (document.querySelector('figure.code-block .copy-button') as HTMLButtonElement).click();
      await new Promise((r) => setTimeout(r, 0));
      return text;
    });
    expect(copied).toBe('const message = greet("Ada");\nconsole.log(message.toUpperCase());');
  });

  it('has no serious accessibility violation on a page with hovers, light and dark (axe-core)', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
      await page.goto(`${server.url}types.html`);
      await page.focus('pre[data-hovers]');
      await page.keyboard.press('ArrowRight');
      expect(await seriousViolations(page), scheme).toEqual([]);
    }
  });

  it('leaves the print PDF without hovers', () => {
    const text = execFileSync('pdftotext', [path.join(root, 'dist', 'hover-book.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain('const message = greet("Ada");');
    expect(text).not.toContain('const message: string');
    expect(text).not.toContain('Makes a greeting');
  });
});
