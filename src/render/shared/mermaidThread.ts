import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MermaidPages, type MermaidResult } from './mermaidPages.js';

type MermaidJob = { op: 'start'; executablePath: string } | { op: 'draw'; diagrams: [string, string][] } | { op: 'close' };
export type MermaidRequest = MermaidJob & { id: number };
export type MermaidResponse = { id: number; drawn?: [string, MermaidResult][]; error?: string };

/** What draws diagrams: Mermaid in Chromium, on its own thread when it can be (mermaidWorker.ts). */
export interface MermaidDrawer {
  draw(diagrams: [string, string][]): Promise<Map<string, MermaidResult>>;
  close(): Promise<void>;
}

const workerScript = new URL('./mermaidWorker.js', import.meta.url);

export interface StartedMermaid {
  drawer: Promise<MermaidDrawer>;
  /** The diagrams given to start with, drawn as soon as the browser is ready. */
  first: Promise<Map<string, MermaidResult>>;
}

/**
 * Starts Chromium with Mermaid loaded on a thread of its own, and draws `first` at once: the thread gets the
 * diagrams with the order to start, so their drawing waits for no reply from a main thread busy parsing.
 * Running from TypeScript sources (no compiled worker), it all runs on the calling thread instead.
 */
export function startMermaid(executablePath: string, first: [string, string][] = []): StartedMermaid {
  if (!existsSync(fileURLToPath(workerScript))) {
    const pages = MermaidPages.start(executablePath);
    return { drawer: pages, first: pages.then((p) => (first.length ? p.draw(first) : new Map())) };
  }
  const thread = new MermaidThread(new Worker(workerScript));
  const started = thread.request({ op: 'start', executablePath });
  const drawer = started.then(
    () => thread as MermaidDrawer,
    async (error: unknown) => {
      await thread.close();
      throw error;
    },
  );
  return { drawer, first: first.length ? thread.draw(first) : Promise.resolve(new Map()) };
}

class MermaidThread implements MermaidDrawer {
  private readonly pending = new Map<number, { resolve: (r: MermaidResponse) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly worker: Worker) {
    worker.on('message', (response: MermaidResponse) => {
      const waiting = this.pending.get(response.id);
      this.pending.delete(response.id);
      if (response.error !== undefined) waiting?.reject(new Error(response.error));
      else waiting?.resolve(response);
    });
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', () => this.failAll(new Error('the diagram thread stopped')));
  }

  async draw(diagrams: [string, string][]): Promise<Map<string, MermaidResult>> {
    const { drawn } = await this.request({ op: 'draw', diagrams });
    return new Map(drawn);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // The browser is closed first (its user-data folder removed), then the thread.
    await this.request({ op: 'close' }).catch(() => {});
    await this.worker.terminate();
  }

  request(request: MermaidJob): Promise<MermaidResponse> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id } satisfies MermaidRequest);
    });
  }

  private failAll(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
