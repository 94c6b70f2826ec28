import type { Book } from '../book/model.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { CheckSession } from '../samples/index.js';
import { RebuildQueue } from './rebuildQueue.js';

export interface SampleChecksOptions {
  root: string;
  /** Called with each check's results: chapter path (absolute) → the errors in its samples (empty: all pass). */
  onResults: (results: Map<string, Diagnostic[]>) => void;
  onError?: (error: unknown) => void;
}

/**
 * Re-checks the samples of changed chapters in the background, one check at a time, in a session that keeps
 * the TypeScript program and the runner processes warm between saves. Chapters saved again while a check
 * runs are checked once more afterwards, with their latest text. The rebuild never waits for this.
 */
export class SampleChecks {
  private readonly queue: RebuildQueue;
  private readonly session = new CheckSession();
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

  /** Waits for a running check, then stops the runner processes. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue.close();
    this.session.close();
  }

  private async run(files: string[]): Promise<void> {
    const chapters = files.filter((f) => this.known.has(f));
    if (chapters.length === 0 || this.closed) return;
    try {
      const result = await this.session.check({ root: this.options.root, files: chapters });
      if (this.closed) return;
      const byChapter = new Map<string, Diagnostic[]>(chapters.map((c) => [c, []]));
      for (const d of result.diagnostics) {
        if (d.severity !== 'error') continue;
        // A problem in an included file (or the book's compiler options) belongs to the chapters checked.
        const owner = byChapter.get(d.file) ?? byChapter.get(chapters[0])!;
        if (!owner.includes(d)) owner.push(d);
      }
      this.options.onResults(byChapter);
    } catch (error) {
      if (!this.closed) this.options.onError?.(error);
    }
  }
}
