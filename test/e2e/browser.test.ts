import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type LaunchedBrowser } from '../../src/util/browser.js';
import { copyFixture, runCli } from '../helpers/cli.js';
import { seriousViolations } from '../helpers/axe.js';
import { serveFolder } from '../helpers/staticServer.js';

describe('the HTML book in a real browser', () => {
  let root: string;
  let browser: LaunchedBrowser;
  let server: Awaited<ReturnType<typeof serveFolder>>;
  let page: Page;

  beforeAll(async () => {
    root = copyFixture('basic');
    const built = await runCli(['build', '--root', root, '--format', 'html']);
    expect(built.code, built.stderr).toBe(0);
    server = await serveFolder(path.join(root, 'dist', 'html'));
    browser = await launchBrowser();
    page = await browser.browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('follows the next link from chapter to chapter', async () => {
    await page.goto(`${server.url}welcome.html`);
    await Promise.all([page.waitForNavigation(), page.click('a[rel=next]')]);
    expect(page.url()).toBe(`${server.url}part-one-first-steps.html`);
    expect(await page.$eval('.chapter-body h1', (h) => h.textContent)).toBe('First steps');
  });

  it('finds words from the body text with full-text search and links to the section', async () => {
    await page.goto(`${server.url}index.html`);
    await page.type('#search-input', 'autolink');
    // Results update as the reader types: wait for the ones for the whole word.
    await page.waitForFunction(() => document.querySelector('#search-results a')?.textContent?.includes('Deep dive'), { timeout: 10_000 });
    const first = await page.$eval('#search-results a', (a) => ({ href: a.getAttribute('href'), text: a.textContent }));
    expect(first.href).toBe('part-one-second.html#deep-dive');
    expect(first.text).toContain('Deep dive');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(page.url()).toBe(`${server.url}part-one-second.html#deep-dive`);
  });

  it('toggles dark mode, remembers it, and switches code colours', async () => {
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    await page.goto(`${server.url}part-one-first-steps.html`);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const codeColor = () => page.$eval('pre.shiki .line span', (s) => getComputedStyle(s).color);
    const lightBg = await background();
    const lightCode = await codeColor();
    await page.click('.theme-toggle');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await background()).not.toBe(lightBg);
    expect(await codeColor()).not.toBe(lightCode);
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.click('.theme-toggle');
    expect(await background()).toBe(lightBg);
  });

  it('works opened straight from disk, search included', async () => {
    await page.goto(pathToFileURL(path.join(root, 'dist', 'html', 'welcome.html')).href);
    await Promise.all([page.waitForNavigation(), page.click('a[rel=next]')]);
    expect(page.url()).toMatch(/part-one-first-steps\.html$/);
    await page.type('#search-input', 'pixel');
    await page.waitForFunction(() => document.querySelector('#search-results a')?.textContent?.includes('Getting going'), { timeout: 10_000 });
    expect(await page.$eval('#search-results a', (a) => a.getAttribute('href'))).toMatch(/^part-one-first-steps\.html/);
  });

  it('shows the table of contents behind a menu button on a phone', async () => {
    await page.setViewport({ width: 390, height: 844 });
    await page.goto(`${server.url}welcome.html`);
    const sidebarVisible = () => page.$eval('#sidebar', (s) => s.getBoundingClientRect().right > 0);
    expect(await sidebarVisible()).toBe(false);
    await page.click('.menu-toggle');
    await new Promise((r) => setTimeout(r, 300));
    expect(await sidebarVisible()).toBe(true);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.setViewport({ width: 1280, height: 900 });
  });

  it('has no serious or critical accessibility violations (axe-core)', async () => {
    for (const name of ['index.html', 'welcome.html', 'part-one-first-steps.html']) {
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
        await page.goto(`${server.url}${name}`);
        await page.evaluate(() => localStorage.clear());
        await page.reload();
        const violations = await seriousViolations(page);
        expect(violations, `${name} (${scheme})`).toEqual([]);
      }
    }
  });
});
