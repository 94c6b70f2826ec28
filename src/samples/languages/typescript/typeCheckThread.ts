import { type Dir, existsSync, opendirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BookConfig } from '../../../book/configSchema.js';
import type { Diagnostic } from '../../../diagnostics/diagnostic.js';
import { cacheRoot } from '../../../util/diskCache.js';
import { sampleStoreDir } from '../../sampleStore.js';
import type { Sample, TypeCheckResult } from '../../types.js';
import type { TypeScriptPackage } from './resolve.js';
import { resolveTypeScriptPackage } from './resolve.js';
import type { CheckerBook } from './compilerOptions.js';
import { toWireSample, type TypeCheckRequest, type TypeCheckResponse } from './typeCheckProtocol.js';

const workerScript = new URL('./typeCheckWorker.js', import.meta.url);

/**
 * The book's TypeScript samples type-checked on a thread of its own, started as soon as the chapters are
 * read. Loading the compiler and parsing the lib files and packages' types (about 1.5 s of the Handbook's
 * 4 s type-check) then overlap parsing the chapters, and the main thread highlights code while the samples
 * are checked. The samples are checked in one program, as on the main thread, so every type and hover
 * reads the same either way. Without other work for the main thread (`check`), two cores gain nothing:
 * the pipeline's GC and compiler threads already use the second one.
 */
export class TypeCheckThread {
  private readonly worker: Worker;
  private readonly requests = new Map<number, Pending>();
  private nextId = 1;
  private files: string[] = [];
  private failure?: Error;
  /** Waits on the thread: while any is pending, the worker keeps the command alive. */
  private waits = 0;
  private readonly starting: Promise<Diagnostic[]>;

  /** Starts the thread, which loads the compiler at once; `start` gives it the book. */
  constructor(readonly pkg: TypeScriptPackage) {
    this.worker = new Worker(workerScript);
    let started!: (d: Diagnostic[]) => void;
    let failed!: (e: Error) => void;
    this.starting = new Promise((resolve, reject) => {
      started = resolve;
      failed = reject;
    });
    // Marked as handled: the failure is reported by the check that awaits it.
    this.starting.catch(() => {});
    this.worker.on('message', (response: TypeCheckResponse) => {
      if (response.op === 'started') started(response.diagnostics);
      else if (response.op === 'failed') {
        const error = new Error(`the type-check thread failed: ${response.message}`);
        if (response.id === undefined) failed(error);
        else this.requests.get(response.id)?.reject(error);
      } else if (response.op === 'result') this.requests.get(response.id)?.onResult(response.index, response.result);
      else if (response.op === 'done') {
        this.files = response.filesRead;
        this.requests.get(response.id)?.resolve();
      }
    });
    const stop = (error: Error) => {
      this.failure = error;
      failed(error);
      for (const request of this.requests.values()) request.reject(error);
      this.requests.clear();
    };
    this.worker.on('error', stop);
    this.worker.on('exit', () => stop(new Error('the type-check thread stopped')));
    // A thread that is never asked to check must not keep the command alive. After the listeners: adding a
    // 'message' listener refs the worker again.
    this.worker.unref();
    this.worker.postMessage({ op: 'load', pkg } satisfies TypeCheckRequest);
  }

  /** Gives the thread the book's compiler options: it parses the lib files and packages' types they name. */
  start(book: CheckerBook): this {
    this.worker.postMessage({ op: 'start', book } satisfies TypeCheckRequest);
    return this;
  }

  /** The book-wide problems of the compiler options (a tsconfig error), once the thread has the book. */
  started(): Promise<Diagnostic[]> {
    return this.waitingOn(this.starting);
  }

  /** Files the compiler read outside the samples, as of the last check. */
  filesRead(): string[] {
    return this.files;
  }

  async checkAll(
    samples: readonly Sample[],
    emit: (sample: Sample) => boolean,
    wantsHovers: (sample: Sample) => boolean,
    onEach?: (sample: Sample, result: TypeCheckResult) => void,
  ): Promise<Map<Sample, TypeCheckResult>> {
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    const results = new Map<Sample, TypeCheckResult>();
    try {
      await this.waitingOn(
        new Promise<void>((resolve, reject) => {
          this.requests.set(id, {
            resolve,
            reject,
            onResult: (index, result) => {
              const sample = samples[index]!;
              results.set(sample, result);
              onEach?.(sample, result);
            },
          });
          this.worker.postMessage({
            op: 'check',
            id,
            samples: samples.map((s) => toWireSample(s, wantsHovers(s))),
            emit: samples.map(emit),
          } satisfies TypeCheckRequest);
        }),
      );
    } finally {
      this.requests.delete(id);
    }
    return results;
  }

  /**
   * An unreferenced worker lets the process exit while the main thread awaits its answer, silently and with
   * exit code 0 when the main thread has nothing else to do: the worker is referenced while anyone waits.
   */
  private async waitingOn<T>(answer: Promise<T>): Promise<T> {
    if (this.waits++ === 0) this.worker.ref();
    try {
      return await answer;
    } finally {
      if (--this.waits === 0) this.worker.unref();
    }
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

interface Pending {
  resolve: () => void;
  reject: (error: Error) => void;
  onResult: (index: number, result: TypeCheckResult) => void;
}

/** Threads loading the compiler before their book is loaded (preloadTypeCheck), by book root. */
const preloaded = new Map<string, TypeCheckThread>();
/** Threads given their book, waiting to be taken by the book's TypeScript checker. */
const warm = new Map<string, TypeCheckThread>();

/**
 * Starts loading the compiler on a thread of its own before the book is even loaded, for a command that
 * will likely type-check on it (`build`): loading the CLI's pipeline takes about 0.35 s, about what the
 * thread needs to load TypeScript, and a cold build waits for the thread. It is a guess made from the
 * folder alone (no results stored yet, the book's own or the bundled TypeScript): `warmUpTypeCheck` stops
 * the thread if the chapters have no TypeScript sample or the config names another compiler.
 */
export function preloadTypeCheck(root: string): void {
  const bookRoot = path.resolve(root);
  if (preloaded.has(bookRoot) || warm.has(bookRoot) || !threadWorthStarting(bookRoot)) return;
  const pkg = compilerFor(bookRoot, undefined);
  if (pkg) preloaded.set(bookRoot, new TypeCheckThread(pkg));
}

/**
 * Starts the type-check thread for a book whose chapters were just read, when it is likely to have work:
 * the book has TypeScript samples, no type-check results are stored yet (a first build or check, CI, or
 * `--no-cache`), and the machine has a core for it. A rebuild after an edit type-checks a few samples at
 * most, which the main thread does at once, without loading a second compiler. A thread `preloadTypeCheck`
 * started for the book is used when it loaded the same compiler.
 */
export function warmUpTypeCheck(project: { root: string; configPath: string; config: BookConfig }, sources: readonly string[]): void {
  const { root, config } = project;
  const early = preloaded.get(root);
  preloaded.delete(root);
  const pkg =
    warm.has(root) || config.samples === 'none' || !threadWorthStarting(root) || !sources.some((source) => typeScriptFence.test(source))
      ? undefined
      : compilerFor(root, config.typescript?.[0]);
  if (early && early.pkg.dir !== pkg?.dir) {
    if (process.env.EVERGREEN_PROFILE) process.stderr.write(`type-check thread: stopped unused (${pkg ? 'the config names another compiler' : 'nothing for it to check'})\n`);
    void early.close();
  }
  if (!pkg) return;
  const book: CheckerBook = { root, manuscriptDir: path.resolve(root, config.manuscript), configPath: project.configPath, config: { compilerOptions: config.compilerOptions } };
  warm.set(root, (early?.pkg.dir === pkg.dir ? early : new TypeCheckThread(pkg)).start(book));
}

/** What every type-check thread needs: a second core, the compiled worker, and no stored sample results. */
function threadWorthStarting(root: string): boolean {
  if (process.env.EVERGREEN_TYPECHECK_THREAD === '0' || os.availableParallelism() < 2 || !existsSync(fileURLToPath(workerScript))) return false;
  // The sample store is read even with `--no-cache` (SampleStore in present.ts).
  return !hasStoredResults(cacheRoot(root));
}

/** The compiler the thread would load, unless it is missing (reported where samples are checked) or native. */
function compilerFor(root: string, version: string | undefined): TypeScriptPackage | undefined {
  try {
    const pkg = resolveTypeScriptPackage(root, version);
    return Number.parseInt(pkg.version, 10) >= 7 ? undefined : pkg;
  } catch {
    return undefined;
  }
}

/** The warm thread for this book and compiler, handed over once (the caller closes it). */
export function takeWarmTypeCheck(root: string, pkg: TypeScriptPackage): TypeCheckThread | undefined {
  const thread = warm.get(root);
  if (!thread || thread.pkg.dir !== pkg.dir) return undefined;
  warm.delete(root);
  return thread;
}

/** Stops a warm thread nobody took (the command ended, or checked no TypeScript sample). */
export async function closeWarmTypeCheck(root: string): Promise<void> {
  const threads = [warm.get(root), preloaded.get(root)];
  warm.delete(root);
  preloaded.delete(root);
  await Promise.all(threads.map((thread) => thread?.close()));
}

const typeScriptFence = /^[ \t>]*(?:```+|~~~+)[ \t]*(?:ts|typescript|mts|cts)\b/im;

/** Whether the sample store holds any entry (one directory entry is read, however many it holds). */
function hasStoredResults(cacheDir: string): boolean {
  let dir: Dir | undefined;
  try {
    dir = opendirSync(sampleStoreDir(cacheDir));
    return dir.readSync() !== null;
  } catch {
    return false;
  } finally {
    dir?.closeSync();
  }
}
