import { chownSync } from 'node:fs';
import path from 'node:path';
import { heapExhausted, memoryMechanism } from './memoryGuard.js';
import { isolation, killedThroughUnshare, runnerCommand, type Isolation } from './isolation.js';
import { reachableByOthers, readableByOthers, readAllowList, type ReadAllowList } from './readAllowList.js';
import { sandboxDisabled, type RunnerProfile } from './settings.js';

/** What the sandbox needs to know about the book (from book.yaml). */
export interface SandboxPolicy {
  /** The book project folder. */
  root: string;
  /** `sandbox.read`: more folders or files samples may read (absolute). */
  read: string[];
  /** Files that stay unreadable even inside the book (`release.signingKeyFile`). */
  hidden: string[];
}

export interface RunnerLaunch {
  command: string;
  args: string[];
  uid?: number;
  gid?: number;
}

/** Why a runner process ended, as the sample's failure reason. */
export interface RunnerEnd {
  code: number | null;
  signal: string | null;
  stderr: string;
  memoryExceeded: boolean;
}

/**
 * The confinement of runner processes: Node's permission model with an explicit read allow-list and
 * writes only into the run folder (every platform), plus Linux namespaces, an unprivileged user and a
 * memory cap (see isolation.ts and memoryGuard.ts). One instance per book and run folder.
 */
export class Sandbox {
  readonly enabled = !sandboxDisabled();
  readonly allowList: ReadAllowList;
  readonly isolation: Isolation;
  /** A key that changes when the runners must be restarted (the allow-list changed). */
  readonly key: string;

  constructor(
    readonly policy: SandboxPolicy,
    private readonly runDir: string,
    private readonly runnerScript: string,
  ) {
    const extra = [path.dirname(runnerScript), runDir, path.join(path.dirname(runnerScript), '..', '..', '..', 'package.json'), ...policy.read];
    this.allowList = this.enabled ? readAllowList({ root: policy.root, extra, hidden: policy.hidden }) : { paths: [], excluded: [] };
    // The unprivileged user must read the book and reach the run folder; a private TMPDIR (mode 700) hides it.
    const bookReadable = [policy.root, runnerScript, ...policy.read].every(readableByOthers);
    const cannotDrop = !bookReadable
      ? 'the book project is not readable by the unprivileged user "nobody"'
      : !reachableByOthers(path.dirname(runDir))
        ? `the temp folder ${path.dirname(runDir)} is private (not reachable by the unprivileged user "nobody"; set TMPDIR to a folder others may pass through, such as /tmp)`
        : undefined;
    this.isolation = this.enabled ? isolation(cannotDrop) : { network: false, pids: false, missing: [] };
    if (this.isolation.user) chownSync(runDir, this.isolation.user.uid, this.isolation.user.gid);
    this.key = JSON.stringify([this.enabled, this.allowList.paths]);
  }

  /** What this machine does not enforce (shown once in the check report). */
  notes(): string[] {
    if (!this.enabled) return ['The sample sandbox is off (EVERGREEN_SANDBOX=off): samples can read every file, reach the network and signal other processes'];
    const notes = [...this.isolation.missing];
    if (memoryMechanism() === 'the JavaScript heap limit only') notes.push(`only the JavaScript heap is limited on ${process.platform}: Buffers can exceed the memory limit`);
    return notes.length ? [`The sample sandbox is incomplete on this machine: ${notes.join('; ')}`] : [];
  }

  launch(profile: RunnerProfile): RunnerLaunch {
    const node = [process.execPath, ...this.nodeFlags(profile), this.runnerScript, this.runDir, profile.network ? 'network' : 'offline'];
    if (!this.enabled) return { command: node[0]!, args: node.slice(1) };
    const { command, args, spawnUser } = runnerCommand(node, this.isolation, profile.network);
    return { command, args, uid: spawnUser?.uid, gid: spawnUser?.gid };
  }

  /** The sample's failure reason when its runner process ended. */
  explain(end: RunnerEnd, profile: RunnerProfile): string {
    if (end.memoryExceeded || heapExhausted(end.stderr)) return `exceeded the ${profile.memoryMb} MB memory limit`;
    const signal = end.signal ?? (killedThroughUnshare(end.code, end.stderr) ? 'SIGKILL' : null);
    const stderr = end.stderr.replace(/^unshare: sigprocmask unblock failed.*$/m, '').trim();
    if (signal) return `ended its runner process with ${signal}${stderr ? `: ${stderr}` : ''}`;
    return `ended its runner process (exit code ${end.code})${stderr ? `: ${stderr}` : ''}`;
  }

  private nodeFlags(profile: RunnerProfile): string[] {
    const major = Number(process.versions.node.split('.')[0]);
    const flags = ['--experimental-vm-modules', '--no-warnings', major >= 22 ? '--permission' : '--experimental-permission'];
    if (!this.enabled) return [...flags, '--allow-fs-read=*', `--allow-fs-write=${major >= 22 ? this.runDir : `${this.runDir}/*`}`];
    flags.push(`--max-old-space-size=${profile.memoryMb}`);
    for (const file of this.allowList.paths) flags.push(`--allow-fs-read=${file}`);
    flags.push(`--allow-fs-write=${this.runDir}`);
    return flags;
  }
}
