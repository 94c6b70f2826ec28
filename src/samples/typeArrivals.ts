import type { Sample } from './types.js';

/** Which chapters still wait for their samples' types, and a promise for each. */
export class TypeArrivals {
  private readonly waiting = new Map<string, number>();
  private readonly promises = new Map<string, { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void }>();
  private failure?: { error: unknown };

  /** `awaited`: every sample whose types are to come (a copy of another sample counts too). */
  constructor(awaited: readonly Pick<Sample, 'chapter'>[]) {
    for (const sample of awaited) this.waiting.set(sample.chapter.path, (this.waiting.get(sample.chapter.path) ?? 0) + 1);
  }

  isReady(chapterPath: string): boolean {
    return !this.waiting.has(chapterPath);
  }

  ready(chapterPath: string): Promise<void> {
    if (this.isReady(chapterPath)) return Promise.resolve();
    if (this.failure) return Promise.reject(this.failure.error);
    let entry = this.promises.get(chapterPath);
    if (!entry) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.promises.set(chapterPath, (entry = { promise, resolve, reject }));
    }
    return entry.promise;
  }

  arrived(sample: Pick<Sample, 'chapter'>): void {
    const path = sample.chapter.path;
    const left = (this.waiting.get(path) ?? 0) - 1;
    if (left > 0) {
      this.waiting.set(path, left);
      return;
    }
    this.waiting.delete(path);
    this.promises.get(path)?.resolve();
  }

  /** Every type that will come has come: the chapters still waiting show their samples without types. */
  finish(): void {
    for (const path of this.waiting.keys()) this.promises.get(path)?.resolve();
    this.waiting.clear();
  }

  /** The type-check failed: every chapter still waiting rejects with its error (those whose types came stay ready). */
  fail(error: unknown): void {
    this.failure = { error };
    for (const path of this.waiting.keys()) this.promises.get(path)?.reject(error);
  }
}
