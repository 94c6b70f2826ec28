import { type Dir, existsSync, opendirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BookConfig } from '../../../book/configSchema.js';
import type { Diagnostic } from '../../../diagnostics/diagnostic.js';
import { toolchainFingerprint } from '../../../util/version.js';
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
  /** The book-wide problems of the compiler options (a tsconfig error), once the compiler is loaded. */
  readonly started: Promise<Diagnostic[]>;

  constructor(
    readonly pkg: TypeScriptPackage,
    book: CheckerBook,
  ) {
    this.worker = new Worker(workerScript);
    // A thread that is never asked to check must not keep the command alive.
    this.worker.unref();
    let started!: (d: Diagnostic[]) => void;
    let failed!: (e: Error) => void;
    this.started = new Promise((resolve, reject) => {
      started = resolve;
      failed = reject;
    });
    // Marked as handled: the failure is reported by the check that awaits it.
    this.started.catch(() => {});
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
    this.worker.postMessage({ op: 'start', pkg, book } satisfies TypeCheckRequest);
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
    this.worker.ref();
    try {
      await new Promise<void>((resolve, reject) => {
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
      });
    } finally {
      this.requests.delete(id);
      this.worker.unref();
    }
    return results;
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

const warm = new Map<string, TypeCheckThread>();

/**
 * Starts the type-check thread for a book whose chapters were just read, when it is likely to have work:
 * the book has TypeScript samples, no type-check results are stored yet (a first build or check, CI, or
 * `--no-cache`), and the machine has a core for it. A rebuild after an edit type-checks a few samples at
 * most, which the main thread does at once, without loading a second compiler.
 */
export function warmUpTypeCheck(project: { root: string; configPath: string; config: BookConfig }, sources: readonly string[], cacheDir: string | undefined): void {
  const { root, config } = project;
  if (warm.has(root) || process.env.EVERGREEN_TYPECHECK_THREAD === '0') return;
  if (config.samples === 'none' || os.availableParallelism() < 2 || !existsSync(fileURLToPath(workerScript))) return;
  if (cacheDir && hasStoredResults(cacheDir)) return;
  if (!sources.some((source) => typeScriptFence.test(source))) return;
  let pkg: TypeScriptPackage;
  try {
    pkg = resolveTypeScriptPackage(root, config.typescript?.[0]);
  } catch {
    // A missing compiler is reported where the samples are checked.
    return;
  }
  if (Number.parseInt(pkg.version, 10) >= 7) return;
  const book: CheckerBook = { root, manuscriptDir: path.resolve(root, config.manuscript), configPath: project.configPath, config: { compilerOptions: config.compilerOptions } };
  warm.set(root, new TypeCheckThread(pkg, book));
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
  const thread = warm.get(root);
  warm.delete(root);
  await thread?.close();
}

const typeScriptFence = /^[ \t>]*(?:```+|~~~+)[ \t]*(?:ts|typescript|mts|cts)\b/im;

/** Whether the sample store holds any entry (one directory entry is read, however many it holds). */
function hasStoredResults(cacheDir: string): boolean {
  let dir: Dir | undefined;
  try {
    dir = opendirSync(path.join(cacheDir, `samples-${toolchainFingerprint()}`));
    return dir.readSync() !== null;
  } catch {
    return false;
  } finally {
    dir?.closeSync();
  }
}
