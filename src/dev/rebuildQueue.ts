/**
 * Runs one job at a time over batches of changed paths. Paths that arrive while a job runs are merged into
 * the next batch, so a burst of saves during a build causes exactly one more build, which sees the last
 * state on disk: never two builds writing at once, never a rebuild storm.
 */
export class RebuildQueue {
  private pending = new Set<string>();
  private scheduled = false;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly job: (changed: ReadonlySet<string>) => Promise<void>) {}

  /** Adds changed paths; starts a job now, or after the running one finishes. */
  push(paths: Iterable<string>): void {
    if (this.closed) return;
    for (const p of paths) this.pending.add(p);
    this.scheduled = true;
    if (!this.running) this.running = this.drain();
  }

  /** True while a job runs or one is waiting to run. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Resolves when no job is running or waiting. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops taking batches and waits for the running job (if any) to finish. */
  async close(): Promise<void> {
    this.closed = true;
    this.pending.clear();
    this.scheduled = false;
    await this.idle();
  }

  private async drain(): Promise<void> {
    try {
      while (this.scheduled && !this.closed) {
        const batch = this.pending;
        this.pending = new Set();
        this.scheduled = false;
        try {
          await this.job(batch);
        } catch {
          // The job reports its own errors; the queue must keep going whatever happens.
        }
      }
    } finally {
      this.running = undefined;
    }
  }
}
