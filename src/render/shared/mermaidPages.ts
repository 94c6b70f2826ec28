import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { launchBrowser, type LaunchedBrowser } from '../../util/browser.js';

/** A diagram drawn in both themes, or why Mermaid could not draw it (its line and column in the diagram). */
export type MermaidResult = { light: string; dark: string } | MermaidFailure;

/**
 * Why a diagram was not drawn: its text does not parse (`syntax`, positioned), its first line names no
 * diagram type this Mermaid has (`type`), or it parses but drawing failed (`drawing`: an image by URL that
 * cannot be loaded, say).
 */
export interface MermaidFailure {
  error: string;
  kind?: 'syntax' | 'type' | 'drawing';
  line?: number;
  column?: number;
}

const require = createRequire(import.meta.url);
const mermaidBundle = path.join(path.dirname(require.resolve('mermaid/package.json')), 'dist', 'mermaid.min.js');

/**
 * A Chromium with Mermaid loaded, ready to draw. Each theme is drawn as one batch (Mermaid's configuration is
 * set once per theme, not once per diagram). With cores to spare, each theme has its own page, so the light
 * and the dark variant are drawn at the same time in two renderer processes; on a machine of two cores or
 * fewer a second page would only add a second parse of Mermaid's bundle (about a second of CPU) and the
 * batches run one after the other in one page.
 *
 * The start is the expensive part (the browser, then parsing Mermaid's 5 MB bundle): it begins as soon as a
 * build sees a diagram it has not drawn before, while chapters are still being parsed (diagrams.ts).
 */
export class MermaidPages {
  private constructor(
    private readonly launched: LaunchedBrowser,
    private readonly pages: Page[],
  ) {}

  static async start(executablePath: string, pageCount = os.availableParallelism() > 2 ? 2 : 1): Promise<MermaidPages> {
    const launched = await launchBrowser({ executablePath });
    try {
      const pages = await Promise.all(Array.from({ length: pageCount }, () => mermaidPage(launched)));
      return new MermaidPages(launched, pages);
    } catch (error) {
      await launched.close();
      throw error;
    }
  }

  /** Drawings in progress: a page draws one batch at a time (a batch sets Mermaid's theme for the page). */
  private queue: Promise<unknown> = Promise.resolve();

  /** Draws every diagram (by hash) in both themes. */
  draw(diagrams: [string, string][]): Promise<Map<string, MermaidResult>> {
    const next = this.queue.then(() => this.drawNow(diagrams));
    this.queue = next.catch(() => {});
    return next;
  }

  private async drawNow(diagrams: [string, string][]): Promise<Map<string, MermaidResult>> {
    const [first, second = first] = this.pages;
    const [light, dark] =
      first === second
        ? [await drawAll(first, diagrams, 'light'), await drawAll(first, diagrams, 'dark')]
        : await Promise.all([drawAll(first, diagrams, 'light'), drawAll(second, diagrams, 'dark')]);
    const results = new Map<string, MermaidResult>();
    for (const [hash] of diagrams) {
      const l = light.get(hash);
      const d = dark.get(hash);
      if (!l || !d) continue;
      // A syntax error does not depend on the theme: the light page's is reported.
      if (l.error !== undefined || d.error !== undefined) {
        const failed = l.error !== undefined ? l : d;
        results.set(hash, { error: failed.error!, kind: failed.kind, line: failed.line, column: failed.column });
      } else {
        results.set(hash, { light: l.svg!, dark: d.svg! });
      }
    }
    return results;
  }

  async close(): Promise<void> {
    await this.launched.close();
  }
}

async function mermaidPage(launched: LaunchedBrowser): Promise<Page> {
  const page = await launched.browser.newPage();
  await page.setContent(`<!doctype html><html><head><meta charset="utf-8"><style>${await labelFonts()}</style></head><body></body></html>`);
  // Mermaid sizes every box to its label as measured here; the book shows the labels in Inter, so Inter
  // must be what is measured (with a fallback font the boxes were too wide and labels sat off-centre).
  await page.evaluate(() => Promise.all(['16px Inter', 'bold 16px Inter'].map((font) => document.fonts.load(font, 'Aa'))));
  await page.addScriptTag({ path: mermaidBundle });
  return page;
}

let labelFontCss: Promise<string> | undefined;

/** Inter's regular and bold faces (every subset, by unicode range) as @font-face rules with data: URLs. */
function labelFonts(): Promise<string> {
  labelFontCss ??= (async () => {
    const dir = path.dirname(require.resolve('@fontsource/inter/package.json'));
    const sheets = await Promise.all(['400', '700'].map((weight) => readFile(path.join(dir, `${weight}.css`), 'utf8')));
    const inlined = sheets.map(async (css) => {
      const files = [...css.matchAll(/url\(\.\/files\/([^)]+\.woff2)\)/g)].map((m) => m[1]!);
      const data = new Map(await Promise.all(files.map(async (file) => [file, (await readFile(path.join(dir, 'files', file))).toString('base64')] as const)));
      return css
        .replace(/,\s*url\([^)]*\.woff\)\s*format\('woff'\)/g, '')
        .replace(/url\(\.\/files\/([^)]+\.woff2)\)/g, (_m, file: string) => `url(data:font/woff2;base64,${data.get(file)})`);
    });
    return (await Promise.all(inlined)).join('\n');
  })();
  return labelFontCss;
}

type PageResult = { svg?: string } & Partial<MermaidFailure>;

async function drawAll(page: Page, diagrams: [string, string][], variant: 'light' | 'dark'): Promise<Map<string, PageResult>> {
  const drawn = await page.evaluate(
    async (items: [string, string][], variant: string) => {
      const mermaid = (globalThis as unknown as { mermaid: MermaidApi }).mermaid;
      mermaid.initialize({
        startOnLoad: false,
        theme: variant === 'dark' ? 'dark' : 'default',
        securityLevel: 'strict',
        suppressErrorRendering: true,
        fontFamily: 'Inter, system-ui, sans-serif',
      });
      // All at once: Mermaid queues the calls itself, and one round trip serves the whole batch.
      return Promise.all(
        items.map(async ([hash, source]): Promise<[string, PageResult]> => {
          try {
            const { svg } = await mermaid.render(`mermaid-${hash.slice(0, 12)}-${variant}`, source);
            return [hash, { svg }];
          } catch (renderError) {
            // Drawing parses the diagram too; only a failure pays for a second parse, which positions the error.
            try {
              await mermaid.parse(source);
            } catch (error) {
              const e = error as { name?: string; message?: string; hash?: { loc?: { first_line?: number; first_column?: number } } };
              const message = String(e.message ?? error);
              if (e.name === 'UnknownDiagramError') return [hash, { error: message.split('\n')[0], kind: 'type', line: 1 }];
              const line = e.hash?.loc?.first_line ?? Number(/line (\d+)/i.exec(message)?.[1] ?? 1);
              return [hash, { error: message.split('\n')[0].replace(/:$/, ''), kind: 'syntax', line, column: e.hash?.loc?.first_column }];
            }
            return [hash, { error: String((renderError as { message?: string }).message ?? renderError).split('\n')[0], kind: 'drawing' }];
          }
        }),
      );

      interface MermaidApi {
        initialize(config: Record<string, unknown>): void;
        parse(text: string): Promise<unknown>;
        render(id: string, text: string): Promise<{ svg: string }>;
      }
    },
    diagrams,
    variant,
  );
  return new Map(drawn);
}
