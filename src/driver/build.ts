import path from 'node:path';
import { loadBook } from '../book/loadBook.js';
import type { Book } from '../book/model.js';
import { type Diagnostic, DiagnosticBag, EvergreenError } from '../diagnostics/diagnostic.js';
import type { CodePresenter } from '../book/codePresentation.js';
import { htmlRenderer } from '../render/html/htmlRenderer.js';
import type { BookVersion, Renderer, RenderResult } from '../render/renderer.js';
import { cacheRoot } from '../util/diskCache.js';
import { ChapterWorkers } from './chapterWorkers.js';
import { commitStaging, createStaging, discardStaging } from './outputDir.js';
import { renderersFor, type OutputFormat } from './formats.js';

export interface BuildOptions {
  /** The book project folder (contains manuscript/book.yaml). Default: the current folder. */
  root?: string;
  /** Output folder. Default: `<root>/dist`. HTML goes to `<out>/html/`, the PDF to `<out>/<slug>.pdf`. */
  outDir?: string;
  /** Formats to produce. Default: `formats` in book.yaml. */
  formats?: OutputFormat[];
  /** Ignore on-disk caches. */
  noCache?: boolean;
  /** Replace the renderers chosen from `formats` (for tools embedding Evergreen). */
  renderers?: Renderer[];
  /** How code blocks are shown; by default the sample stage's presenter (hidden setup lines, `^?` types). */
  presenter?: CodePresenter;
  /** Run `evergreen check` first; any failing sample fails the build (no output is written). */
  check?: boolean;
  /** The version shown in the book; by default derived from the release history. */
  version?: BookVersion;
  /** Progress messages for long steps. */
  progress?: (message: string) => void;
  /** Extra markup for every HTML page's <head> (used by `evergreen dev`). */
  extraHead?: string;
  /** A book already loaded (the dev server reuses the model it has). */
  book?: Book;
}

export interface BuildResult {
  ok: boolean;
  book?: Book;
  outDir: string;
  /** Absolute paths of what was written (e.g. `dist/html`, `dist/my-book.pdf`). */
  outputs: string[];
  diagnostics: Diagnostic[];
  stats: Record<string, number>;
}

/**
 * Load → render → commit. Author errors are collected, not thrown: one build reports all of them, and
 * produces no output at all when there is any error, leaving the previous output untouched.
 */
export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const root = path.resolve(options.root ?? '.');
  const outDir = path.resolve(options.outDir ?? path.join(root, 'dist'));
  // Threads for chapter-level work on a cold or mostly stale build; they start only if a batch is large.
  const workers = ChapterWorkers.create();
  try {
    return await buildWith(options, root, outDir, workers);
  } finally {
    await workers?.close();
  }
}

async function buildWith(options: BuildOptions, root: string, outDir: string, workers: ChapterWorkers | undefined): Promise<BuildResult> {
  const diagnostics = new DiagnosticBag();
  const stats: Record<string, number> = {};
  let book: Book;
  try {
    const started = performance.now();
    book = options.book ?? (await loadBook(root, { noCache: options.noCache, parallel: workers }));
    stats.loadMs = performance.now() - started;
  } catch (error) {
    if (error instanceof EvergreenError) return { ok: false, outDir, outputs: [], diagnostics: error.diagnostics, stats };
    throw error;
  }
  diagnostics.addAll(book.diagnostics);
  if (diagnostics.hasErrors()) return { ok: false, book, outDir, outputs: [], diagnostics: diagnostics.sorted(), stats };

  if (options.check && book.config.samples !== 'none') {
    const started = performance.now();
    const { check } = await import('../samples/index.js');
    options.progress?.('checking samples');
    const checked = await check({ root, noCache: options.noCache });
    stats.checkMs = performance.now() - started;
    diagnostics.addAll(checked.diagnostics.filter((d) => !book.diagnostics.includes(d) && d.ruleId?.startsWith('config/') !== true));
    if (checked.failed > 0 || diagnostics.hasErrors()) return { ok: false, book, outDir, outputs: [], diagnostics: dedupe(diagnostics.sorted()), stats };
  }
  const presenter = options.presenter ?? (book.config.samples === 'none' ? undefined : await samplePresenter(book));
  const formats = options.formats ?? book.config.formats;
  const renderers = options.renderers ?? (await renderersFor(formats, { extraHead: options.extraHead }));
  const version = options.version ?? (await defaultVersion(book));
  const stagingDir = await createStaging(outDir);
  const outputs: string[] = [];
  let committed = false;
  try {
    const results = [];
    let printPageMap: RenderResult['pageMap'];
    for (const renderer of renderers) {
      const started = performance.now();
      const result = await renderer.render({
        book,
        stagingDir,
        outDir,
        diagnostics,
        presenter,
        version,
        cacheDir: options.noCache ? undefined : cacheRoot(root),
        progress: options.progress,
        parallel: workers,
        printPageMap,
      });
      printPageMap ??= result.pageMap;
      stats[`${renderer.name}Ms`] = performance.now() - started;
      for (const [k, v] of Object.entries(result.stats ?? {})) stats[`${renderer.name}.${k}`] = v;
      results.push(result);
    }
    // Author errors stop the build before rendering; an error here means a renderer could not produce its
    // output (e.g. no browser for the PDF). The outputs that were produced are still committed.
    const names = results.flatMap((r) => r.outputs);
    await commitStaging(stagingDir, outDir, names);
    committed = true;
    outputs.push(...names.map((n) => path.join(outDir, n)));
  } finally {
    if (!committed) await discardStaging(stagingDir);
  }
  return { ok: !diagnostics.hasErrors(), book, outDir, outputs, diagnostics: diagnostics.sorted(), stats };
}

/** From the release history (src/release/version.ts): the latest release, with "+ unreleased changes" when the manuscript differs; `unreleased` before the first release. */
async function defaultVersion(book: Book): Promise<BookVersion> {
  const { bookVersionFromHistory } = await import('../release/version.js');
  return bookVersionFromHistory(book, buildDate());
}

export function buildDate(): string {
  const epoch = Number(process.env.SOURCE_DATE_EPOCH);
  const date = Number.isFinite(epoch) && epoch > 0 ? new Date(epoch * 1000) : new Date();
  return date.toISOString().slice(0, 10);
}

/** Shows samples as readers should see them (setup hidden, `^?` types filled in), from the sample stage. */
async function samplePresenter(book: Book): Promise<CodePresenter> {
  const { createSamplePresenter } = await import('../samples/index.js');
  return createSamplePresenter(book);
}

/** The check and the build both load the book: report each problem once. */
function dedupe(items: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return items.filter((d) => {
    const key = `${d.file}:${d.line}:${d.column}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export { htmlRenderer };
