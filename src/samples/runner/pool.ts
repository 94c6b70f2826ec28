import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256 } from '../../util/hash.js';
import { createOwnedTempDir, type OwnedTempDir } from '../../util/ownedTempDir.js';
import { packageRoot } from '../../util/version.js';
import type { RunOutcome } from '../types.js';
import type { RunJob, RunReply } from './protocol.js';
import { createMemoryGuard, fallbackMemoryGuard, type MemoryGuard } from './sandbox/memoryGuard.js';
import { Sandbox, type SandboxPolicy } from './sandbox/sandbox.js';
import { defaultMemoryMb, profileKey, sandboxDisabled, type RunnerProfile } from './sandbox/settings.js';

export const defaultOutputLimit = 1_000_000;

/** The compiled runner script (vitest runs src/ as TypeScript, but the runner process needs JavaScript). */
function childScript(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return path.join(path.dirname(here), 'child.js');
  return path.join(packageRoot, 'lib', 'samples', 'runner', 'child.js');
}

/**
 * A hash of the runner script and whether the sandbox is on, part of every cache key: a changed runner
 * (a development build, a patch) or a run without the sandbox never serves results it did not produce.
 */
export function runnerFingerprint(): string {
  try {
    return sha256(readFileSync(childScript()), sandboxDisabled() ? 'unsandboxed' : 'sandboxed');
  } catch {
    return 'missing-runner';
  }
}

export interface PoolOptions {
  size?: number;
  /** Variables added to the samples' minimal environment. */
  env?: Record<string, string>;
  /** The book whose samples run here (what they may read). */
  policy: SandboxPolicy;
}

interface Slot {
  child?: ChildProcess;
  ready?: Promise<void>;
  busy: boolean;
  profile: RunnerProfile;
  guard: MemoryGuard;
  /** The sandbox the runner was started in (a changed allow-list restarts it). */
  sandboxKey?: string;
  stderr: string;
}

type Job = Omit<RunJob, 'id' | 'network'> & Partial<RunnerProfile>;

const defaultProfile: RunnerProfile = { network: false, memoryMb: defaultMemoryMb };

/**
 * Runner processes, one per core, reused for every sample, each started in the sandbox (sandbox/).
 * A runner whose sample outlives its timeout, exceeds its memory limit or kills it is replaced by a
 * fresh one; the sample fails with the reason and the other samples are unaffected. Samples that need
 * another profile (network on, another memory limit) get a runner of their own kind.
 */
export class RunnerPool {
  readonly runDir: string;
  private readonly runFolder: OwnedTempDir;
  private sandbox: Sandbox;
  private readonly slots: Slot[];
  private readonly waiting: (() => void)[] = [];
  private nextId = 1;
  private readonly env: Record<string, string>;

  constructor(options: PoolOptions) {
    this.runFolder = createOwnedTempDir('evergreen-run-');
    this.runDir = realpathSync(this.runFolder.path);
    const size = Math.max(1, options.size ?? os.availableParallelism());
    this.slots = Array.from({ length: size }, () => ({ busy: false, profile: defaultProfile, guard: createMemoryGuard(), stderr: '' }));
    // A minimal, deterministic environment: no secrets from the caller's env, UTC, a fixed locale.
    this.env = { TZ: 'UTC', LANG: 'en_US.UTF-8', LC_ALL: 'en_US.UTF-8', HOME: this.runDir, TMPDIR: this.runDir, PATH: '/usr/local/bin:/usr/bin:/bin', ...options.env };
    this.sandbox = new Sandbox(options.policy, this.runDir, childScript());
  }

  /** What the sandbox cannot enforce on this machine. */
  notes(): string[] {
    return this.sandbox.notes();
  }

  /** Re-reads what samples may read (a link added to the book since); idle runners restart when it changed. */
  refresh(policy: SandboxPolicy): void {
    const next = new Sandbox(policy, this.runDir, childScript());
    if (next.key === this.sandbox.key) return;
    this.sandbox = next;
    for (const slot of this.slots) if (!slot.busy) this.retire(slot);
  }

  async run(job: Job): Promise<RunOutcome> {
    const profile: RunnerProfile = { network: job.network ?? false, memoryMb: job.memoryMb ?? defaultMemoryMb };
    const slot = await this.acquire(profile);
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
    for (const slot of this.slots) {
      this.retire(slot);
      slot.guard.dispose();
    }
    try {
      this.runFolder.release();
    } catch {
      // Temp folders are cleaned by the OS eventually.
    }
  }

  /** A free runner of the sample's profile, else a free one restarted with it. */
  private async acquire(profile: RunnerProfile): Promise<Slot> {
    const key = profileKey(profile);
    for (;;) {
      const free = this.slots.filter((s) => !s.busy);
      const slot = free.find((s) => profileKey(s.profile) === key) ?? free.find((s) => !s.child) ?? free[0];
      if (slot) {
        slot.busy = true;
        if (profileKey(slot.profile) !== key) {
          this.retire(slot);
          slot.profile = profile;
        }
        return slot;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private retire(slot: Slot): void {
    slot.guard.detach();
    slot.child?.kill('SIGKILL');
    slot.child = undefined;
  }

  private spawn(slot: Slot): void {
    const launch = this.sandbox.launch(slot.profile);
    const child = spawn(launch.command, launch.args, {
      cwd: this.runDir,
      env: this.env,
      uid: launch.uid,
      gid: launch.gid,
      // Its own session and process group: a sample that signals "its group" (pid 0) reaches only its runner.
      detached: process.platform !== 'win32',
      windowsHide: true,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    slot.stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (slot.stderr = (slot.stderr + chunk.toString()).slice(-4000)));
    child.on('error', () => {});
    slot.child = child;
    slot.sandboxKey = this.sandbox.key;
    const profile = slot.profile;
    slot.ready = new Promise((resolve) => {
      const onReady = (message: { ready?: boolean }) => {
        if (!message.ready) return;
        child.off('message', onReady);
        const kill = () => child.kill('SIGKILL');
        try {
          slot.guard.attach(runnerPid(child), profile.memoryMb, kill);
        } catch {
          // No cgroup for this one (the hierarchy refused it): the resident-size watchdog instead.
          slot.guard = fallbackMemoryGuard();
          try {
            slot.guard.attach(runnerPid(child), profile.memoryMb, kill);
          } catch {
            // Without its memory cap the runner must not run samples: it is reported as not starting.
            kill();
          }
        }
        resolve();
      };
      child.on('message', onReady);
      child.once('exit', () => resolve());
    });
  }

  private async dispatch(slot: Slot, job: Job): Promise<Omit<RunOutcome, 'durationMs'>> {
    if (slot.child && slot.sandboxKey !== this.sandbox.key) this.retire(slot);
    if (!slot.child || slot.child.exitCode !== null || slot.child.signalCode !== null) this.spawn(slot);
    await slot.ready;
    const child = slot.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      slot.child = undefined;
      const why = slot.stderr.trim() ? `: ${slot.stderr.trim()}` : '';
      return {
        output: '',
        exitCode: 1,
        crashed: `the runner process could not start (Node ${process.version}; it needs --experimental-vm-modules and the permission model)${why}`,
      };
    }
    const id = this.nextId++;
    const profile = slot.profile;
    return new Promise((resolve) => {
      let done = false;
      const finish = (outcome: Omit<RunOutcome, 'durationMs'>) => {
        if (done) return;
        done = true;
        clearTimeout(watchdog);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(outcome);
      };
      const onMessage = (reply: RunReply) => {
        if (reply.id !== id) return;
        if (slot.guard.peakExceeded()) {
          // Over the limit but not stopped in time: failed as if stopped, and the runner is not reused.
          const reason = this.sandbox.explain({ code: null, signal: 'SIGKILL', stderr: '', memoryExceeded: true }, profile);
          finish({ output: '', exitCode: 1, violation: { rule: 'memory', message: reason } });
          this.retire(slot);
          return;
        }
        const { id: _, networkAttempt, ...rest } = reply;
        finish(networkAttempt ? { ...rest, violation: { rule: 'network', message: `tried to reach ${networkAttempt}: network is off for samples` } } : rest);
      };
      const onExit = (code: number | null, signal: string | null) => {
        slot.child = undefined;
        // stderr may still be arriving: give the pipe a moment before explaining the end.
        setTimeout(() => {
          const memoryExceeded = slot.guard.exceeded();
          slot.guard.detach();
          const reason = this.sandbox.explain({ code, signal, stderr: slot.stderr, memoryExceeded }, profile);
          finish({ output: '', exitCode: code ?? 1, violation: { rule: memoryExceeded || reason.startsWith('exceeded') ? 'memory' : 'runner', message: reason } });
        }, 20);
      };
      const watchdog = setTimeout(
        () =>
          afterPendingMessages(() => {
            if (done) return;
            child.off('exit', onExit);
            this.retire(slot);
            finish({ output: '', exitCode: 1, timedOut: true });
          }),
        job.timeoutMs + 250,
      );
      child.on('message', onMessage);
      child.on('exit', onExit);
      const { memoryMb: _memory, network: _network, ...fields } = job;
      slot.guard.startJob();
      child.send({ ...fields, network: profile.network, id } satisfies RunJob);
    });
  }
}

/**
 * Runs `fn` once messages that already arrived have been handled. When this process was busy (a long
 * type-check holds the thread), a watchdog timer and the runner's reply are due at once, and timers come
 * first in the event loop: without this, a sample that answered in time would be called too slow.
 */
function afterPendingMessages(fn: () => void): void {
  setImmediate(() => setTimeout(() => setImmediate(fn), 50));
}

/** The runner's own pid: the child of `unshare` when it is wrapped (setpriv execs in place). */
function runnerPid(child: ChildProcess): number {
  const pid = child.pid!;
  if (path.basename(child.spawnfile) !== 'unshare') return pid;
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).map(Number).filter(Boolean);
  if (children.length !== 1) throw new Error(`unshare ${pid} has ${children.length} children`);
  return children[0]!;
}
