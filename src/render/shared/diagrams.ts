import { createRequire } from 'node:module';
import path from 'node:path';
import type { Book, Chapter } from '../../book/model.js';
import { type Diagnostic, DiagnosticBag } from '../../diagnostics/diagnostic.js';
import { findBrowser, launchBrowser } from '../../util/browser.js';
import { DiskCache } from '../../util/diskCache.js';
import type { DiagramSvgs } from './diagramHast.js';
import { diagramHash } from './diagramKey.js';

export { diagramHash } from './diagramKey.js';
export type { DiagramSvgs } from './diagramHast.js';

/**
 * ```` ```mermaid ```` blocks rendered to inline SVG when the book is built, in the Chromium Evergreen already
 * drives for the PDF: one page loads Mermaid's browser bundle from node_modules and renders every diagram
 * not in the cache, in a light and a dark variant. Results (and syntax errors) are cached by content hash,
 * so a rebuild renders only diagrams that changed, and none at all when no diagram changed.
 */
type Rendered = DiagramSvgs | { error: string; line?: number; column?: number };

const require = createRequire(import.meta.url);
const mermaidPackage = path.dirname(require.resolve('mermaid/package.json'));

/** Which of a chapter's diagrams were drawn: part of its render cache key (a diagram drawn later re-renders it). */
export function drawnDiagramsKey(chapter: Chapter, diagrams: Map<string, DiagramSvgs>): string {
  const blocks = chapter.analysis.features?.diagrams ?? [];
  return blocks.length ? `\0diagrams:${blocks.map((b) => (diagrams.has(diagramHash(b.source)) ? '1' : '0')).join('')}` : '';
}

export interface BookDiagrams {
  svgs: Map<string, DiagramSvgs>;
  /** Diagrams drawn in the browser by this build (the rest came from the cache). */
  drawn: number;
  /** Syntax errors (positioned at the chapter), and diagrams that could not be drawn. */
  problems: Diagnostic[];
}

const inFlight = new WeakMap<Book, Promise<BookDiagrams>>();
/** The bags each book's diagram problems were reported to: once per build, whichever renderer or check asks. */
const reportedTo = new WeakMap<BookDiagrams, WeakSet<DiagnosticBag>>();

/**
 * Every diagram of the book as SVG, by diagramHash. The first renderer (or `check`) to ask renders them;
 * later ones of the same book model get the same answer, and each diagnostics bag gets the problems once.
 */
export async function bookDiagrams(book: Book, diagnostics: DiagnosticBag, cacheDir: string | undefined): Promise<BookDiagrams> {
  let pending = inFlight.get(book);
  if (!pending) {
    pending = renderBookDiagrams(book, cacheDir);
    inFlight.set(book, pending);
  }
  const result = await pending;
  const bags = reportedTo.get(result) ?? new WeakSet<DiagnosticBag>();
  reportedTo.set(result, bags);
  if (!bags.has(diagnostics)) {
    bags.add(diagnostics);
    diagnostics.addAll(result.problems);
  }
  return result;
}

async function renderBookDiagrams(book: Book, cacheDir: string | undefined): Promise<BookDiagrams> {
  const diagnostics = new DiagnosticBag();
  const blocks = book.chapters.flatMap((chapter) => (chapter.analysis.features?.diagrams ?? []).map((block) => ({ chapter, block, hash: diagramHash(block.source) })));
  const svgs = new Map<string, DiagramSvgs>();
  let drawn = 0;
  if (blocks.length === 0) return { svgs, drawn, problems: [] };
  const cache = cacheDir ? new DiskCache<Rendered>(cacheDir, 'diagrams') : undefined;
  const results = new Map<string, Rendered>();
  for (const { hash } of blocks) {
    const cached = cache?.get(hash);
    if (cached) results.set(hash, cached);
  }
  const missing = [...new Map(blocks.filter((b) => !results.has(b.hash)).map((b) => [b.hash, b.block.source])).entries()];
  if (missing.length > 0) {
    const executablePath = findBrowser();
    if (!executablePath) {
      for (const { chapter, block, hash } of blocks) {
        if (results.has(hash)) continue;
        diagnostics.add({
          severity: 'warning',
          file: chapter.path,
          line: block.line,
          column: block.column,
          message: 'This Mermaid diagram was not drawn: no Chromium or Chrome was found, so the HTML shows its source',
          hint: 'Install Chromium (or set PUPPETEER_EXECUTABLE_PATH) and build again to get the diagram as SVG.',
          ruleId: 'diagram/no-browser',
        });
      }
    } else {
      drawn = missing.length;
      for (const [hash, rendered] of await renderInBrowser(executablePath, missing)) {
        results.set(hash, rendered);
        cache?.set(hash, rendered);
      }
    }
  }
  for (const { chapter, block, hash } of blocks) {
    const result = results.get(hash);
    if (!result) continue;
    if ('error' in result) {
      // Mermaid counts lines from the diagram's first line; the block's text starts on the line after the fence.
      diagnostics.add({
        severity: 'error',
        file: chapter.path,
        line: block.line + (result.line ?? 1),
        column: block.column + (result.column ?? 0),
        message: `Mermaid syntax error: ${result.error}`,
        hint: 'Fix the diagram (syntax: https://mermaid.js.org/intro/syntax-reference.html); try it in https://mermaid.live.',
        ruleId: 'diagram/syntax-error',
      });
    } else {
      svgs.set(hash, result);
    }
  }
  return { svgs, drawn, problems: diagnostics.items };
}

async function renderInBrowser(executablePath: string, diagrams: [string, string][]): Promise<Map<string, Rendered>> {
  const launched = await launchBrowser({ executablePath });
  try {
    const page = await launched.browser.newPage();
    await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>');
    await page.addScriptTag({ path: path.join(mermaidPackage, 'dist', 'mermaid.min.js') });
    const rendered = await page.evaluate(async (items: [string, string][]) => {
      const mermaid = (globalThis as unknown as { mermaid: MermaidApi }).mermaid;
      const out: [string, { light?: string; dark?: string; error?: string; line?: number; column?: number }][] = [];
      for (const [hash, source] of items) {
        try {
          await mermaid.parse(source);
        } catch (error) {
          const e = error as { message?: string; hash?: { loc?: { first_line?: number; first_column?: number } } };
          const message = String(e.message ?? error);
          const line = e.hash?.loc?.first_line ?? Number(/line (\d+)/i.exec(message)?.[1] ?? 1);
          out.push([hash, { error: message.split('\n')[0].replace(/:$/, ''), line, column: e.hash?.loc?.first_column }]);
          continue;
        }
        const result: { light?: string; dark?: string } = {};
        for (const theme of ['default', 'dark'] as const) {
          mermaid.initialize({ startOnLoad: false, theme, securityLevel: 'strict', fontFamily: 'Inter, system-ui, sans-serif' });
          const { svg } = await mermaid.render(`mermaid-${hash.slice(0, 12)}-${theme === 'dark' ? 'dark' : 'light'}`, source);
          result[theme === 'dark' ? 'dark' : 'light'] = svg;
        }
        out.push([hash, result]);
      }
      return out;

      interface MermaidApi {
        initialize(config: Record<string, unknown>): void;
        parse(text: string): Promise<unknown>;
        render(id: string, text: string): Promise<{ svg: string }>;
      }
    }, diagrams);
    return new Map(rendered.map(([hash, r]) => [hash, r.error !== undefined ? { error: r.error, line: r.line, column: r.column } : { light: r.light!, dark: r.dark! }]));
  } finally {
    await launched.close();
  }
}
