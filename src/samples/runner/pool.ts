import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256 } from '../../util/hash.js';
import { packageRoot } from '../../util/version.js';
import type { RunOutcome } from '../types.js';
import type { RunJob, RunReply } from './protocol.js';

export const defaultOutputLimit = 1_000_000;

/** The compiled runner script (vitest runs src/ as TypeScript, but the runner process needs JavaScript). */
function childScript(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return path.join(path.dirname(here), 'child.js');
  return path.join(packageRoot, 'lib', 'samples', 'runner', 'child.js');
}

/**
 * A hash of the runner script, part of every cache key: a changed runner (a development build, a patch)
 * never serves results it did not produce.
 */
export function runnerFingerprint(): string {
  try {
    return sha256(readFileSync(childScript()));
  } catch {
    return 'missing-runner';
  }
}

/** Node 20 spells the permission model `--experimental-permission`; 22 and later `--permission`. */
function permissionFlags(writableDir: string): string[] {
  const major = Number(process.versions.node.split('.')[0]);
  return major >= 22
    ? ['--permission', '--allow-fs-read=*', `--allow-fs-write=${writableDir}`]
    : ['--experimental-permission', '--allow-fs-read=*', `--allow-fs-write=${writableDir}/*`];
}

export interface PoolOptions {
  size?: number;
  /** Variables added to the samples' minimal environment. */
  env?: Record<string, string>;
}

interface Slot {
  child?: ChildProcess;
  ready?: Promise<void>;
  busy: boolean;
}

type Job = Omit<RunJob, 'id'>;

/**
 * Runner processes, one per core, reused for every sample. A watchdog kills a runner whose sample
 * outlives its timeout and starts a fresh one, so infinite loops and never-settling promises really stop.
 */
export class RunnerPool {
  readonly runDir: string;
  private readonly slots: Slot[];
  private readonly waiting: (() => void)[] = [];
  private nextId = 1;
  private readonly env: Record<string, string>;

  constructor(options: PoolOptions = {}) {
    this.runDir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'evergreen-run-')));
    const size = Math.max(1, options.size ?? os.availableParallelism());
    this.slots = Array.from({ length: size }, () => ({ busy: false }));
    // A minimal, deterministic environment: no secrets from the caller's env, UTC, a fixed locale.
    this.env = { TZ: 'UTC', LANG: 'en_US.UTF-8', LC_ALL: 'en_US.UTF-8', HOME: this.runDir, TMPDIR: this.runDir, PATH: '/usr/local/bin:/usr/bin:/bin', ...options.env };
  }

  async run(job: Job): Promise<RunOutcome> {
    const slot = await this.acquire();
    const started = performance.now();
    try {
      return { ...(await this.dispatch(slot, job)), durationMs: Math.round(performance.now() - started) };
    } finally {
      slot.busy = false;
      this.waiting.shift()?.();
    }
  }

  /** Starts the runner processes now, so their start-up overlaps the type-check. */
  warmUp(): void {
    for (const slot of this.slots) if (!slot.child) this.spawn(slot);
  }

  /** Ends every runner and removes the run folder. */
  close(): void {
    for (const slot of this.slots) slot.child?.kill('SIGKILL');
    try {
      rmSync(this.runDir, { recursive: true, force: true });
    } catch {
      // Temp folders are cleaned by the OS eventually.
    }
  }

  private async acquire(): Promise<Slot> {
    for (;;) {
      const free = this.slots.find((s) => !s.busy);
      if (free) {
        free.busy = true;
        return free;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private spawn(slot: Slot): void {
    const child = fork(childScript(), [this.runDir], {
      cwd: this.runDir,
      env: this.env,
      execArgv: ['--experimental-vm-modules', '--no-warnings', ...permissionFlags(this.runDir)],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    child.stderr?.resume();
    slot.child = child;
    slot.ready = new Promise((resolve) => {
      const onReady = (message: { ready?: boolean }) => {
        if (message.ready) {
          child.off('message', onReady);
          resolve();
        }
      };
      child.on('message', onReady);
      child.once('exit', () => resolve());
    });
  }

  private async dispatch(slot: Slot, job: Job): Promise<Omit<RunOutcome, 'durationMs'>> {
    if (!slot.child || slot.child.exitCode !== null || slot.child.signalCode !== null) this.spawn(slot);
    await slot.ready;
    const child = slot.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      slot.child = undefined;
      return { output: '', exitCode: 1, crashed: `the runner process could not start (Node ${process.version}; it needs --experimental-vm-modules and the permission model)` };
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      let stderr = '';
      const onStderr = (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000));
      const finish = (outcome: Omit<RunOutcome, 'durationMs'>) => {
        clearTimeout(watchdog);
        child.off('message', onMessage);
        child.off('exit', onExit);
        child.stderr?.off('data', onStderr);
        resolve(outcome);
      };
      const onMessage = (reply: RunReply) => {
        if (reply.id !== id) return;
        const { id: _, ...rest } = reply;
        finish(rest);
      };
      const onExit = (code: number | null, signal: string | null) => {
        slot.child = undefined;
        finish({ output: '', exitCode: code ?? 1, crashed: `the runner process exited (${signal ?? `code ${code}`})${stderr ? `: ${stderr.trim()}` : ''}` });
      };
      const watchdog = setTimeout(() => {
        child.off('exit', onExit);
        child.kill('SIGKILL');
        slot.child = undefined;
        finish({ output: '', exitCode: 1, timedOut: true });
      }, job.timeoutMs + 250);
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.stderr?.on('data', onStderr);
      child.send({ ...job, id } satisfies RunJob);
    });
  }
}
