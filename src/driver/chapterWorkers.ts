import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Code } from 'mdast';
import { visit } from 'unist-util-visit';
import type { ParallelAnalyzer } from '../book/loadBook.js';
import type { Book, Chapter, ChapterAnalysis } from '../book/model.js';
import type { SourceExpansion } from '../parse/sourceExpansion.js';
import type { CodePresentation, CodePresenter } from '../book/codePresentation.js';
import type { RenderedChapter } from '../render/shared/chapterHtml.js';
import { diagramHash, type DiagramSvgs } from '../render/shared/diagrams.js';
import type { HighlightedEntries } from '../render/shared/highlight.js';
import type { BookIndex, HighlightJob, WorkerJob, WorkerRequest, WorkerResponse } from './chapterWorkerProtocol.js';

const workerScript = new URL('./chapterWorker.js', import.meta.url);

/** The main thread takes a share of the chapters too (it is otherwise idle while workers run). */
const mainThread = -1;

/**
 * Parsing Markdown and highlighting code are CPU-bound and independent per chapter, so a cold build of a
 * large book spreads them over the main thread and one worker per remaining core. Each chapter sticks to
 * one thread: the thread that parsed it for the analysis renders it from the same tree. Every worker pays
 * once for loading the pipeline and compiling grammars (about a second), so small batches (an edit in
 * `evergreen dev`) stay on the main thread.
 */
export class ChapterWorkers implements ParallelAnalyzer {
  readonly minBatch = 8;
  private readonly workers: { worker: Worker; bytes: number }[] = [];
  private readonly owner = new Map<string, number>();
  private readonly pending = new Map<number, { resolve: (r: WorkerResponse) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  /** Bytes of Markdown given to the main thread; it starts with a head start for its other work. */
  private mainBytes = 64 * 1024;

  private constructor(private readonly size: number) {}

  /** Workers for this machine, or undefined where they cannot help (one core, or running from sources). */
  static create(): ChapterWorkers | undefined {
    // EVERGREEN_WORKERS=0 keeps everything on the main thread (for profiling and for comparing outputs).
    const asked = process.env.EVERGREEN_WORKERS;
    // On two cores a worker costs more than it saves: cold builds measured 4–6 % slower with one, for 30 %
    // more CPU (its own start, and the JIT warming up again), as the pipeline's own helper threads (GC,
    // compilation, the sample runners) already use the second core. docs/benchmarks.md has the figures.
    if (asked === undefined && os.availableParallelism() < 3) return undefined;
    const limit = Number(asked ?? 4);
    const size = Math.min(os.availableParallelism(), Number.isFinite(limit) ? limit : 4) - 1;
    if (size < 1 || !existsSync(fileURLToPath(workerScript))) return undefined;
    return new ChapterWorkers(size);
  }

  async analyze(
    chapters: { path: string; source: string; hash: string; title?: string; expansions?: readonly SourceExpansion[]; analyzeHere: () => ChapterAnalysis }[],
  ): Promise<ChapterAnalysis[]> {
    const owners = chapters.map((c) => this.assign(c.path, c.source.length));
    const remote = chapters.map((c, i) =>
      owners[i] === mainThread ? undefined : this.send(owners[i], { op: 'analyze', path: c.path, source: c.source, hash: c.hash, title: c.title, expansions: c.expansions }),
    );
    // The main thread's share runs while the workers work on theirs.
    const local = chapters.map((c, i) => (owners[i] === mainThread ? c.analyzeHere() : undefined));
    return Promise.all(chapters.map(async (_c, i) => local[i] ?? (await remote[i]!).analysis!));
  }

  /** Renders chapters as HTML pages' bodies; `presenter` runs here, and its answers travel with each job. */
  async render(
    book: Book,
    chapters: Chapter[],
    presenter: CodePresenter | undefined,
    renderHere: (chapters: Chapter[]) => Promise<Map<Chapter, RenderedChapter>>,
    diagrams?: Map<string, DiagramSvgs>,
    cacheDir?: string,
  ): Promise<Map<Chapter, RenderedChapter>> {
    const owners = chapters.map((c) => this.assign(c.path, c.source.length));
    const index = bookIndex(book);
    const workersUsed = [...new Set(owners.filter((o) => o !== mainThread))];
    const ready = Promise.all(workersUsed.map((w) => this.send(w, { op: 'index', index })));
    const remote = chapters.map((chapter, i) =>
      owners[i] === mainThread
        ? undefined
        : ready.then(() =>
            this.send(owners[i], {
              op: 'render',
              path: chapter.path,
              presentations: presenter ? presentationsOf(chapter, presenter) : undefined,
              diagrams: diagramsOf(chapter, diagrams),
              cacheDir,
            }),
          ),
    );
    const local = await renderHere(chapters.filter((_c, i) => owners[i] === mainThread));
    const results = await Promise.all(remote.map((r) => r?.then((response) => response.rendered!)));
    return new Map(chapters.map((c, i) => [c, local.get(c) ?? results[i]!]));
  }

  /**
   * Highlights code blocks in the workers while this thread does other work (a build's type-check), and
   * hands the trees back: highlighting needs only the code shown, which is known before the types are.
   */
  async highlight(chapters: HighlightJob['chapters'], cacheDir?: string): Promise<HighlightedEntries> {
    while (this.workers.length < this.size) this.spawn();
    const shares = this.workers.map(() => [] as HighlightJob['chapters']);
    const sizes = this.workers.map(() => 0);
    const size = (c: HighlightJob['chapters'][number]) => c.blocks.reduce((n, b) => n + b.code.length, 0);
    // Whole chapters, each to one worker: a chapter's highlighted blocks are stored together.
    for (const chapter of [...chapters].sort((a, b) => size(b) - size(a))) {
      const least = sizes.indexOf(Math.min(...sizes));
      shares[least]!.push(chapter);
      sizes[least]! += size(chapter);
    }
    const responses = await Promise.all(shares.map((share, i) => (share.length ? this.send(i, { op: 'highlight', chapters: share, cacheDir }) : undefined)));
    return responses.flatMap((r) => r?.highlighted ?? []);
  }

  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map(({ worker }) => worker.terminate()));
  }

  /** The thread that owns a chapter: the one that parsed it before, else the least loaded one. */
  private assign(path: string, bytes: number): number {
    const known = this.owner.get(path);
    if (known !== undefined) return known;
    while (this.workers.length < this.size) this.spawn();
    let best = mainThread;
    let least = this.mainBytes;
    this.workers.forEach((w, i) => {
      if (w.bytes < least) {
        best = i;
        least = w.bytes;
      }
    });
    if (best === mainThread) this.mainBytes += bytes;
    else this.workers[best].bytes += bytes;
    this.owner.set(path, best);
    return best;
  }

  private spawn(): void {
    const worker = new Worker(workerScript);
    worker.unref();
    worker.on('message', (response: WorkerResponse) => {
      const waiting = this.pending.get(response.id);
      if (!waiting) return;
      this.pending.delete(response.id);
      if (response.error) waiting.reject(new Error(`chapter worker: ${response.error}`));
      else waiting.resolve(response);
    });
    worker.on('error', (error) => {
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    });
    this.workers.push({ worker, bytes: 0 });
  }

  private send(workerIndex: number, request: WorkerJob): Promise<WorkerResponse> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[workerIndex].worker.postMessage({ ...request, id } satisfies WorkerRequest);
    });
  }
}

function bookIndex(book: Book): BookIndex {
  return {
    manuscriptDir: book.manuscriptDir,
    config: { math: book.config.math },
    chapters: book.chapters.map((c) => ({
      relPath: c.relPath,
      path: c.path,
      slug: c.slug,
      title: c.title,
      titleHeadingId: c.titleHeadingId,
      hash: c.hash,
      number: c.number,
      source: c.source,
      expansions: c.expansions,
      configuredTitle: c.configuredTitle,
      id: c.id,
      part: c.part,
      includes: c.includes,
      analysis: {
        headings: c.analysis.headings,
        frontMatter: c.analysis.frontMatter,
        titleHeadingId: c.analysis.titleHeadingId,
        title: c.analysis.title,
        features: c.analysis.features,
      },
    })),
  };
}

/** The SVGs of a chapter's diagrams, for the worker that renders it. */
function diagramsOf(chapter: Chapter, diagrams: Map<string, DiagramSvgs> | undefined): [string, DiagramSvgs][] | undefined {
  if (!diagrams?.size) return undefined;
  return (chapter.analysis.features?.diagrams ?? []).flatMap((d) => {
    const hash = diagramHash(d.source);
    const svgs = diagrams.get(hash);
    return svgs ? [[hash, svgs] as [string, DiagramSvgs]] : [];
  });
}

/** The presenter's answer for every code block of a chapter, keyed by the block's offset. */
function presentationsOf(chapter: Chapter, presenter: CodePresenter): [number, CodePresentation][] {
  const out: [number, CodePresentation][] = [];
  visit(chapter.tree(), 'code', (node: Code) => {
    const presentation = presenter(chapter, node);
    if (presentation && node.position?.start.offset !== undefined) out.push([node.position.start.offset, presentation]);
  });
  return out;
}
