import path from 'node:path';
import type { Book } from '../book/model.js';
import type { CodePresenter } from '../book/codePresentation.js';
import { type Diagnostic, DiagnosticBag } from '../diagnostics/diagnostic.js';
import type { BookVersion, Renderer, RenderResult } from '../render/renderer.js';
import { commitStaging, createStaging, discardStaging } from './outputDir.js';
import type { Project } from './project.js';
import type { HighlightedEntries } from '../render/shared/highlight.js';
import { checkProject } from './checkProject.js';
import type { SamplePresentation } from '../samples/index.js';

export interface BuildOptions {
  /** Output folder. Default: `<root>/dist`. HTML goes to `<out>/html/`, the PDF to `<out>/<slug>.pdf`. */
  outDir?: string;
  /** Formats to produce (names from the project's format registry). Default: `formats` in the config. */
  formats?: readonly string[];
  /** Replace the renderers chosen from `formats` (for tools embedding Evergreen). */
  renderers?: Renderer[];
  /** How code blocks are shown; by default the sample stage's presenter (hidden setup lines, `^?` types). */
  presenter?: CodePresenter;
  /** Run `evergreen check` first; any failing sample fails the build (no output is written). */
  check?: boolean;
  /** The version shown in the book (the API's `build` derives it from the release history). */
  version: BookVersion;
  /** Progress messages for long steps. */
  progress?: (message: string) => void;
  /** Extra markup for every HTML page's <head> (used by `evergreen dev`). */
  extraHead?: string;
}

export interface BuildResult {
  ok: boolean;
  book: Book;
  outDir: string;
  /** Absolute paths of what was written (e.g. `dist/html`, `dist/my-book.pdf`). */
  outputs: string[];
  diagnostics: Diagnostic[];
  stats: Record<string, number>;
}

/**
 * Render → commit, from a project opened once. Author errors are collected, not thrown: one build reports all
 * of them, and produces no output at all when there is any error, leaving the previous output untouched.
 */
export async function buildProject(project: Project, options: BuildOptions): Promise<BuildResult> {
  const { book } = project;
  const outDir = path.resolve(options.outDir ?? path.join(project.root, 'dist'));
  const diagnostics = new DiagnosticBag();
  const stats: Record<string, number> = {};
  diagnostics.addAll(book.diagnostics);
  const failed = () => ({ ok: false, book, outDir, outputs: [], diagnostics: diagnostics.sorted(), stats });
  if (diagnostics.hasErrors()) return failed();

  if (options.check && book.config.samples !== 'none') {
    const started = performance.now();
    options.progress?.('checking samples');
    const checked = await checkProject(project, {});
    stats.checkMs = performance.now() - started;
    // The check reads the same book model: its load problems are already in the bag.
    diagnostics.addAll(checked.diagnostics.filter((d) => !book.diagnostics.includes(d)));
    if (checked.failed > 0 || diagnostics.hasErrors()) return failed();
  }
  const samples = options.presenter ? undefined : book.config.samples === 'none' ? undefined : await samplePresentation(book, project);
  const presenter = options.presenter ?? samples?.presenter;
  if (options.presenter?.typeChecked !== undefined) stats['samples.typeChecked'] = options.presenter.typeChecked;
  const formats = options.formats ?? book.config.formats;
  const renderers = options.renderers ?? (await project.formats.renderers(formats, { extraHead: options.extraHead }));
  const { version } = options;
  const stagingDir = await createStaging(outDir);
  const outputs: string[] = [];
  let committed = false;
  try {
    const results = [];
    let printPageMap: RenderResult['pageMap'];
    for (const renderer of renderers) {
      // Samples still being type-checked: a renderer that cannot wait chapter by chapter waits for all.
      if (samples && !renderer.rendersChaptersAsReady) await samples.settled;
      const started = performance.now();
      const result = await renderer.render({
        book,
        stagingDir,
        outDir,
        diagnostics,
        presenter,
        chapterReady: renderer.rendersChaptersAsReady ? samples?.chapterReady : undefined,
        version,
        cacheDir: project.cacheDir,
        progress: options.progress,
        parallel: project.parallel,
        printPageMap,
      });
      printPageMap ??= result.pageMap;
      stats[`${renderer.name}Ms`] = performance.now() - started;
      for (const [k, v] of Object.entries(result.stats ?? {})) stats[`${renderer.name}.${k}`] = v;
      results.push(result);
    }
    if (samples) stats['samples.typeChecked'] = await samples.settled;
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

export function buildDate(): string {
  const epoch = Number(process.env.SOURCE_DATE_EPOCH);
  const date = Number.isFinite(epoch) && epoch > 0 ? new Date(epoch * 1000) : new Date();
  return date.toISOString().slice(0, 10);
}

/** Shows samples as readers should see them (setup hidden, `^?` types filled in), from the sample stage. */
async function samplePresentation(book: Book, project: Project): Promise<SamplePresentation> {
  const { startSamplePresenter } = await import('../samples/index.js');
  const { chaptersToHighlight, prepareHighlighter, rememberHighlighted } = await import('../render/shared/highlight.js');
  const { codeBlocksByChapter } = await import('../render/shared/chapterHtml.js');
  let highlighting: Promise<HighlightedEntries> | undefined;
  const started = await startSamplePresenter(book, {
    // Type-checking keeps a thread busy for seconds: code is highlighted meanwhile, by the chapter workers, or
    // here when the samples are checked on a thread of their own.
    beforeTypeCheck: async (untyped, { offThread }) => {
      const workers = project.parallel;
      if (!workers && !offThread) return;
      const chapters = chaptersToHighlight(codeBlocksByChapter(book.chapters, untyped), project.cacheDir);
      const blocks = chapters.reduce((n, c) => n + c.blocks.length, 0);
      if (workers && blocks >= minBlocksWorthAWorker) highlighting = workers.highlight(chapters, project.cacheDir);
      else if (!workers && blocks > 0) await prepareHighlighter(chapters, project.cacheDir);
    },
  });
  // A worker that failed only costs speed: rendering highlights whatever is missing itself.
  if (highlighting) rememberHighlighted(await highlighting.catch((): HighlightedEntries => []));
  return started;
}

/** Below this many new blocks, loading Shiki in a worker costs more than it saves. */
const minBlocksWorthAWorker = 24;
