import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { launchBrowser, type LaunchedBrowser } from '../../util/browser.js';

/** A diagram drawn in both themes, or why Mermaid could not draw it (its line and column in the diagram). */
export type MermaidResult = { light: string; dark: string } | { error: string; line?: number; column?: number };

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

  /** Draws every diagram (by hash) in both themes. */
  async draw(diagrams: [string, string][]): Promise<Map<string, MermaidResult>> {
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
        results.set(hash, { error: failed.error!, line: failed.line, column: failed.column });
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
  await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>');
  await page.addScriptTag({ path: mermaidBundle });
  return page;
}

type PageResult = { svg?: string; error?: string; line?: number; column?: number };

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
            await mermaid.parse(source);
          } catch (error) {
            const e = error as { message?: string; hash?: { loc?: { first_line?: number; first_column?: number } } };
            const message = String(e.message ?? error);
            const line = e.hash?.loc?.first_line ?? Number(/line (\d+)/i.exec(message)?.[1] ?? 1);
            return [hash, { error: message.split('\n')[0].replace(/:$/, ''), line, column: e.hash?.loc?.first_column }];
          }
          try {
            const { svg } = await mermaid.render(`mermaid-${hash.slice(0, 12)}-${variant}`, source);
            return [hash, { svg }];
          } catch (error) {
            return [hash, { error: String((error as { message?: string }).message ?? error).split('\n')[0] }];
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
