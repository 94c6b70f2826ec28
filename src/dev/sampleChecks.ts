import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Book } from '../book/model.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { packageRoot } from '../util/version.js';
import { RebuildQueue } from './rebuildQueue.js';
import type { CheckReply, CheckRequest } from './sampleCheckWorker.js';

export interface SampleChecksOptions {
  root: string;
  /** Called with each check's results: chapter path (absolute) → the errors in its samples (empty: all pass). */
  onResults: (results: Map<string, Diagnostic[]>) => void;
  onError?: (error: unknown) => void;
}

/** The compiled worker script (tests run src/ as TypeScript, but a worker thread needs JavaScript). */
function workerScript(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return path.join(path.dirname(here), 'sampleCheckWorker.js');
  return path.join(packageRoot, 'lib', 'dev', 'sampleCheckWorker.js');
}

/**
 * Re-checks the samples of changed chapters in the background, one check at a time, in a worker thread
 * (started on first use) whose session keeps the TypeScript program and the runner processes warm. Chapters
 * saved again while a check runs are checked once more afterwards, with their latest text. The rebuild and
 * the server never wait for it.
 */
export class SampleChecks {
  private readonly queue: RebuildQueue;
  private worker: Worker | undefined;
  private readonly pending = new Map<number, (reply: CheckReply) => void>();
  private nextId = 1;
  private closed = false;
  private known = new Set<string>();

  constructor(private readonly options: SampleChecksOptions) {
    this.queue = new RebuildQueue((files) => this.run([...files]));
  }

  /** Queues chapters (absolute paths) of the book as just built. */
  schedule(book: Book, chapterPaths: Iterable<string>): void {
    this.known = new Set(book.chapters.map((c) => c.path));
    this.queue.push(chapterPaths);
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Stops the worker and its runner processes at once (a running check is abandoned), then the queue. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      // The worker's session kills its runners and removes their folder; a worker stuck in a long
      // synchronous type-check is terminated instead.
      worker.postMessage({ type: 'close' } satisfies CheckRequest);
      const timer = setTimeout(() => void worker.terminate(), 2_000);
      await exited;
      clearTimeout(timer);
    }
    for (const resolve of this.pending.values()) resolve({ id: 0, error: 'closed' });
    this.pending.clear();
    await this.queue.close();
  }

  private start(): Worker {
    const worker = new Worker(workerScript());
    worker.on('message', (reply: CheckReply) => {
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
    const fail = (error: unknown) => {
      if (this.worker === worker) this.worker = undefined;
      for (const resolve of this.pending.values()) resolve({ id: 0, error: String(error) });
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.pending.size > 0) fail(`the sample checker stopped (exit code ${code})`);
      if (this.worker === worker) this.worker = undefined;
    });
    return worker;
  }

  private async run(files: string[]): Promise<void> {
    const chapters = files.filter((f) => this.known.has(f));
    if (chapters.length === 0 || this.closed) return;
    this.worker ??= this.start();
    const id = this.nextId++;
    const reply = await new Promise<CheckReply>((resolve) => {
      this.pending.set(id, resolve);
      this.worker!.postMessage({ type: 'check', id, root: this.options.root, files: chapters } satisfies CheckRequest);
    });
    if (this.closed) return;
    if (reply.error !== undefined) {
      this.options.onError?.(reply.error);
      return;
    }
    const byChapter = new Map<string, Diagnostic[]>(chapters.map((c) => [c, []]));
    for (const d of reply.diagnostics ?? []) {
      if (d.severity !== 'error') continue;
      // A problem in an included file (or the book's compiler options) belongs to the chapters checked.
      const owner = byChapter.get(d.file) ?? byChapter.get(chapters[0])!;
      owner.push(d);
    }
    this.options.onResults(byChapter);
  }
}
