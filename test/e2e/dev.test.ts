import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowser, launchBrowser, type LaunchedBrowser } from '../../src/util/browser.js';
import { cliPath, runCli, tempDir } from '../helpers/cli.js';
import { atomicWrite, makeDevBook, writeBookYaml } from '../unit/dev/devBook.js';

const longText = Array.from({ length: 60 }, (_, i) => `Paragraph ${i + 1} of filler text so that the page scrolls.`).join('\n\n');
const basics = (sample: string, extra = '') =>
  `# Basics\n\nSome basics.${extra}\n\n${longText}\n\n## Types\n\nNumbers are numbers.\n\n\`\`\`ts\n${sample}\n\`\`\`\n\n\`\`\`output\n1\n\`\`\`\n`;
const goodSample = 'const n: number = 1;\nconsole.log(n);';
const badSample = "const n: number = 'not a number';\nconsole.log(n);";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe.skipIf(!findBrowser())('evergreen dev in a browser', () => {
  let root: string;
  let child: ChildProcess;
  let output = '';
  let browser: LaunchedBrowser;
  let page: Page;
  let url: string;

  beforeAll(async () => {
    root = makeDevBook({
      'intro.md': '# Introduction\n\nWelcome.\n',
      'basics.md': basics(goodSample),
    });
    const port = await freePort();
    child = spawn(process.execPath, [cliPath, 'dev', '--root', root, '--port', String(port)], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const started = Date.now();
    while (!output.includes(`http://127.0.0.1:${port}/`)) {
      if (Date.now() - started > 60_000 || child.exitCode !== null) throw new Error(`evergreen dev did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    url = `http://127.0.0.1:${port}/`;
    browser = await launchBrowser();
    page = await browser.browser.newPage();
    await page.setViewport({ width: 1100, height: 700 });
  });

  const until = async (done: () => boolean, timeoutMs: number) => {
    const started = Date.now();
    while (!done() && Date.now() - started < timeoutMs) await new Promise((r) => setTimeout(r, 50));
  };

  afterAll(async () => {
    if (process.env.EVERGREEN_DEV_E2E_LOG) writeFileSync(process.env.EVERGREEN_DEV_E2E_LOG, output);
    await browser?.close();
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  const chapterFile = (name: string) => path.join(root, 'manuscript', name);
  const connected = () => page.waitForFunction(() => (window as unknown as { __evergreenDev?: { connected: boolean } }).__evergreenDev?.connected === true, { timeout: 20_000 });
  /**
   * The dev overlay's text once `ready` accepts it. Read in one evaluation per try, and tried again when a
   * live reload replaces the page between tries (a finished rebuild of an earlier test may still reload it).
   */
  const overlayText = async (ready: (text: string) => boolean, timeoutMs = 90_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      try {
        last = await page.evaluate(() => document.querySelector('#evergreen-dev-overlay')?.textContent ?? '');
        if (ready(last)) return last;
      } catch (error) {
        if (!/context was destroyed|navigation|Target closed/i.test(String(error))) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the dev overlay never showed what was expected; it last read: ${JSON.stringify(last)}`);
  };

  it('shows an edited chapter without a manual reload, keeping the scroll position', async () => {
    await page.goto(`${url}basics.html`);
    await connected();
    await page.evaluate(() => window.scrollTo(0, 900));
    await page.waitForFunction(() => window.scrollY >= 850);
    writeFileSync(chapterFile('basics.md'), basics(goodSample, ' Freshly edited sentence.'));
    await page.waitForFunction(() => document.querySelector('.chapter-body')?.textContent?.includes('Freshly edited sentence.'), { timeout: 30_000 });
    await connected();
    await page.waitForFunction(() => window.scrollY > 800, { timeout: 5_000 });
    expect(await page.evaluate(() => Math.round(window.scrollY))).toBeGreaterThan(800);
  });

  it('shows a failing sample as an overlay with its position, and removes it when fixed', async () => {
    atomicWrite(chapterFile('basics.md'), basics(badSample));
    const text = await overlayText((t) => /basics\.md:\d+:\d+/.test(t));
    expect(text).toMatch(/manuscript\/basics\.md:\d+:\d+/);
    expect(text).toMatch(/not assignable|number/i);
    expect(output).toMatch(/basics\.md:\d+:\d+/);
    atomicWrite(chapterFile('basics.md'), basics(goodSample));
    await page.waitForFunction(() => !document.querySelector('#evergreen-dev-overlay'), { timeout: 90_000 });
  });

  it('checks samples in the same sandbox as evergreen check', async () => {
    atomicWrite(chapterFile('basics.md'), basics("import { readFileSync } from 'node:fs';\nconsole.log(readFileSync('/etc/passwd', 'utf8'));"));
    expect(await overlayText((t) => t.includes('FileSystemRead of /etc/passwd'))).not.toContain('root:x:0:0');
    atomicWrite(chapterFile('basics.md'), basics(goodSample));
    await page.waitForFunction(() => !document.querySelector('#evergreen-dev-overlay'), { timeout: 90_000 });
  });

  it('shows an invalid book.yaml as an overlay while serving the last good build, then recovers', async () => {
    writeFileSync(path.join(root, 'manuscript', 'book.yaml'), 'title: [broken\n');
    // A function, not a selector: the fix of the previous test may still reload the page meanwhile, and a
    // node found just before a reload cannot be handed back.
    await page.waitForFunction(() => document.querySelector('#evergreen-dev-overlay')?.textContent?.includes('book.yaml'), { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('.chapter-body')?.textContent?.includes('Numbers are numbers.'), { timeout: 10_000 });
    // The overlay can reach the page before the terminal line reaches this process's pipe.
    await until(() => output.includes('still serving the last good build'), 10_000);
    expect(output).toContain('still serving the last good build');
    writeBookYaml(root, ['intro.md', 'basics.md']);
    await page.waitForFunction(() => !document.querySelector('#evergreen-dev-overlay'), { timeout: 30_000 });
  });

  it('adds a new chapter to the navigation', async () => {
    writeFileSync(chapterFile('extra.md'), '# Extra Chapter\n\nBrand new.\n');
    writeBookYaml(root, ['intro.md', 'basics.md', 'extra.md']);
    await page.waitForFunction(() => document.querySelector('.toc')?.textContent?.includes('Extra Chapter'), { timeout: 30_000 });
    await connected();
    await page.click('.toc a[href="extra.html"]');
    await page.waitForFunction(() => document.querySelector('.chapter-body')?.textContent?.includes('Brand new.'), { timeout: 10_000 });
    await connected();
  });

  it('reloads only the stylesheet when only CSS changed', async () => {
    await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 42));
    mkdirSync(path.join(root, 'templates'), { recursive: true });
    const css = readFileSync(path.join(path.dirname(cliPath), '..', 'templates', 'theme', 'book.css'), 'utf8');
    writeFileSync(path.join(root, 'templates', 'book.css'), `${css}\nbody { outline: 3px solid rgb(255, 0, 0); }\n`);
    await page.waitForFunction(() => getComputedStyle(document.body).outlineColor === 'rgb(255, 0, 0)', { timeout: 30_000 });
    expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(42);
  });

  it('stops cleanly on Ctrl-C, leaving no temp files', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('Stopped.');
    const devDir = path.join(root, '.evergreen', 'dev');
    expect(existsSync(path.join(devDir, 'html', 'index.html'))).toBe(true);
    expect(readdirSync(devDir).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});

describe('evergreen dev on the command line', () => {
  it('explains a folder without a book and a bad port', async () => {
    const empty = tempDir();
    try {
      const missing = await runCli(['dev', '--root', empty, '--port', '0']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('book.yaml is missing');
      const badPort = await runCli(['dev', '--root', empty, '--port', 'abc']);
      expect(badPort.code).toBe(2);
      expect(badPort.stderr).toContain('a port number');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
