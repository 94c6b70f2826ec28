import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Code } from 'mdast';
import { visit } from 'unist-util-visit';
import type { ParallelAnalyzer } from '../book/loadBook.js';
import type { Book, Chapter, ChapterAnalysis } from '../book/model.js';
import type { CodePresentation, CodePresenter } from '../render/codePresentation.js';
import type { RenderedChapter } from '../render/html/chapterHtml.js';
import type { BookIndex, WorkerJob, WorkerRequest, WorkerResponse } from './chapterWorkerProtocol.js';

const workerScript = new URL('./chapterWorker.js', import.meta.url);

/**
 * Parsing Markdown and highlighting code are CPU-bound and independent per chapter, so a cold build of a
 * large book spreads them over worker threads. Each chapter sticks to one worker: the worker that parsed
 * it for the analysis renders it from the same tree. Small batches (an edit in `evergreen dev`) stay on
 * the main thread, where starting workers would cost more than it saves.
 */
export class ChapterWorkers implements ParallelAnalyzer {
  readonly minBatch = 8;
  private readonly workers: { worker: Worker; bytes: number }[] = [];
  private readonly owner = new Map<string, number>();
  private readonly pending = new Map<number, { resolve: (r: WorkerResponse) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  private constructor(private readonly size: number) {}

  /** Workers for this machine, or undefined where they cannot help (one core, or running from sources). */
  static create(): ChapterWorkers | undefined {
    // EVERGREEN_WORKERS=0 keeps everything on the main thread (for profiling and for comparing outputs).
    const limit = Number(process.env.EVERGREEN_WORKERS ?? 4);
    const size = Math.min(os.availableParallelism(), Number.isFinite(limit) ? limit : 4);
    if (size < 2 || !existsSync(fileURLToPath(workerScript))) return undefined;
    return new ChapterWorkers(size);
  }

  async analyze(chapters: { path: string; source: string; hash: string }[]): Promise<ChapterAnalysis[]> {
    const responses = await Promise.all(
      chapters.map((c) => this.send(this.assign(c.path, c.source.length), { op: 'analyze', path: c.path, source: c.source, hash: c.hash })),
    );
    return responses.map((r) => r.analysis!);
  }

  /** Renders chapters as HTML pages' bodies; `presenter` runs here, and its answers travel with each job. */
  async render(book: Book, chapters: Chapter[], presenter: CodePresenter | undefined): Promise<Map<Chapter, RenderedChapter>> {
    const targets = chapters.map((c) => this.assign(c.path, c.source.length));
    const index = bookIndex(book);
    await Promise.all([...new Set(targets)].map((w) => this.send(w, { op: 'index', index })));
    const results = await Promise.all(
      chapters.map((chapter, i) => this.send(targets[i], { op: 'render', path: chapter.path, presentations: presenter ? presentationsOf(chapter, presenter) : undefined })),
    );
    return new Map(chapters.map((c, i) => [c, results[i].rendered!]));
  }

  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map(({ worker }) => worker.terminate()));
  }

  /** The worker that owns a chapter: the one that parsed it before, else the least loaded one. */
  private assign(path: string, bytes: number): number {
    const known = this.owner.get(path);
    if (known !== undefined) return known;
    while (this.workers.length < this.size) this.spawn();
    let best = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.workers[i].bytes < this.workers[best].bytes) best = i;
    this.workers[best].bytes += bytes;
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
    chapters: book.chapters.map((c) => ({
      relPath: c.relPath,
      path: c.path,
      slug: c.slug,
      title: c.title,
      hash: c.hash,
      source: c.source,
      id: c.id,
      part: c.part,
      analysis: { headings: c.analysis.headings, frontMatter: c.analysis.frontMatter, titleHeadingId: c.analysis.titleHeadingId, title: c.analysis.title },
    })),
  };
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
