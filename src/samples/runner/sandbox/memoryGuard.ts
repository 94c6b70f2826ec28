import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Keeps a runner process under its memory limit. `--max-old-space-size` bounds only the JavaScript heap,
 * and an address-space limit (RLIMIT_AS) breaks V8 and WebAssembly, so the resident memory is capped by
 * a memory cgroup of its own (v1 `memory.limit_in_bytes` or v2 `memory.max`, swap included) where `check`
 * may create one (root, or a delegated v2 subtree); the kernel then stops the runner at the limit.
 * Elsewhere a watchdog samples the runner's resident size in /proc every 50 ms and kills it over the
 * limit. Under a v1 cgroup or the watchdog the peak of each sample is judged after it (`peakExceeded`): an allocation between
 * two watchdog samples, or a kernel that enforces the cgroup late (seen on this project's CI sandbox,
 * about one sample in 40 under load), would otherwise pass a sample that went over its limit.
 */
export interface MemoryGuard {
  readonly mechanism: string;
  /** Starts guarding a runner (its host pid) with a limit in MB. */
  attach(pid: number, limitMb: number, kill: () => void): void;
  /** Whether the runner died of (or was killed for) its memory limit. */
  exceeded(): boolean;
  /** Before each sample: forgets the runner's peak memory so far, where the mechanism can. */
  startJob(): void;
  /**
   * Whether the runner's peak memory during this sample went above the limit although it was not stopped
   * (a kernel that enforces the cgroup late, or an allocation between two watchdog samples): the sample
   * exceeded its limit and must not pass.
   */
  peakExceeded(): boolean;
  /** Stops guarding (the runner exited or is replaced). */
  detach(): void;
  /** Removes the cgroup (when the pool closes). */
  dispose(): void;
}

export interface CgroupBase {
  version: 1 | 2;
  dir: string;
}

let base: CgroupBase | null | undefined;

/** The memory cgroup this process is in, if a child group can be made under it. */
function cgroupBase(): CgroupBase | null {
  if (base !== undefined) return base;
  base = null;
  if (process.platform !== 'linux') return base;
  try {
    const lines = readFileSync('/proc/self/cgroup', 'utf8').split('\n');
    const v1 = lines.find((l) => /^\d+:([^:]*,)?memory(,[^:]*)?:/.test(l));
    const candidates: CgroupBase[] = [];
    if (v1) candidates.push({ version: 1, dir: path.join('/sys/fs/cgroup/memory', v1.split(':')[2]!) });
    const v2 = lines.find((l) => l.startsWith('0::'));
    if (v2 && existsSync('/sys/fs/cgroup/cgroup.controllers')) candidates.push({ version: 2, dir: path.join('/sys/fs/cgroup', v2.slice(3)) });
    for (const candidate of candidates) {
      const probe = path.join(candidate.dir, `evergreen-${process.pid}-probe`);
      try {
        mkdirSync(probe);
        const usable = existsSync(path.join(probe, candidate.version === 1 ? 'memory.limit_in_bytes' : 'memory.max'));
        rmdirSync(probe);
        if (usable) {
          removeStaleGroups(candidate.dir);
          return (base = candidate);
        }
      } catch {
        // Not writable here: try the next hierarchy, else the watchdog.
      }
    }
  } catch {
    // No /proc/self/cgroup: the watchdog.
  }
  return base;
}

/** Groups left by a `check` that was killed before it could remove them. */
function removeStaleGroups(dir: string): void {
  for (const name of readdirSync(dir)) {
    const match = /^evergreen-(\d+)-/.exec(name);
    if (!match || existsSync(`/proc/${match[1]}`)) continue;
    try {
      rmdirSync(path.join(dir, name));
    } catch {
      // Still has a process in it; left for the next run.
    }
  }
}

let groups = 0;

export class CgroupGuard implements MemoryGuard {
  readonly mechanism: string;
  private readonly dir: string;
  private oomKillsBefore = 0;
  private watching = false;
  private limitBytes = 0;
  /**
   * Whether the peak was reset before this sample. Only v1 can: v2's `memory.peak` resets (from Linux 6.12)
   * only for reads through the same open file, so the cgroup's peak would still hold an earlier sample's.
   */
  private peakResets = false;

  constructor(private readonly cgroup: CgroupBase) {
    this.dir = path.join(cgroup.dir, `evergreen-${process.pid}-${++groups}`);
    this.mechanism = `a memory cgroup (v${cgroup.version})`;
  }

  attach(pid: number, limitMb: number): void {
    if (!existsSync(this.dir)) mkdirSync(this.dir);
    const bytes = String(limitMb * 1024 * 1024);
    const write = (file: string, value: string, optional = false) => {
      try {
        writeFileSync(path.join(this.dir, file), value);
      } catch (error) {
        if (!optional) throw error;
      }
    };
    if (this.cgroup.version === 1) {
      // memsw may only be raised above the memory limit; lower the memory limit first when it shrinks.
      write('memory.limit_in_bytes', bytes, true);
      write('memory.memsw.limit_in_bytes', bytes, true);
      write('memory.limit_in_bytes', bytes);
      write('memory.swappiness', '0', true);
    } else {
      write('memory.max', bytes);
      write('memory.swap.max', '0', true);
    }
    this.oomKillsBefore = this.oomKills();
    this.limitBytes = limitMb * 1024 * 1024;
    write('cgroup.procs', String(pid));
    this.watching = true;
  }

  exceeded(): boolean {
    return this.watching && this.oomKills() > this.oomKillsBefore;
  }

  startJob(): void {
    this.peakResets = false;
    if (this.cgroup.version !== 1) return;
    try {
      writeFileSync(path.join(this.dir, 'memory.max_usage_in_bytes'), '0');
      this.peakResets = true;
    } catch {
      // Not judged: the peak may be an earlier sample's.
    }
  }

  peakExceeded(): boolean {
    if (!this.watching || !this.peakResets) return false;
    try {
      return Number(readFileSync(path.join(this.dir, 'memory.max_usage_in_bytes'), 'utf8').trim()) > this.limitBytes;
    } catch {
      return false;
    }
  }

  detach(): void {
    this.watching = false;
  }

  dispose(): void {
    try {
      rmdirSync(this.dir);
    } catch {
      // A dying runner may still be in it; removed as stale by the next check.
    }
  }

  private oomKills(): number {
    try {
      const file = this.cgroup.version === 1 ? 'memory.oom_control' : 'memory.events';
      return Number(/^oom_kill (\d+)$/m.exec(readFileSync(path.join(this.dir, file), 'utf8'))?.[1] ?? 0);
    } catch {
      return 0;
    }
  }
}

export class RssWatchdog implements MemoryGuard {
  readonly mechanism = 'a watchdog on the resident size (/proc)';
  private timer?: NodeJS.Timeout;
  private over = false;
  private pid = 0;
  private limit = 0;
  private peakResets = false;

  attach(pid: number, limitMb: number, kill: () => void): void {
    this.detach();
    this.over = false;
    this.pid = pid;
    const limit = (this.limit = limitMb * 1024 * 1024);
    this.timer = setInterval(() => {
      try {
        const resident = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096;
        if (resident > limit) {
          this.over = true;
          this.detach();
          kill();
        }
      } catch {
        this.detach();
      }
    }, 50);
    this.timer.unref();
  }

  exceeded(): boolean {
    return this.over;
  }

  startJob(): void {
    // "5" resets the peak resident size (VmHWM) that /proc/PID/status reports.
    try {
      writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
      this.peakResets = true;
    } catch {
      this.peakResets = false;
    }
  }

  peakExceeded(): boolean {
    if (!this.peakResets) return false;
    try {
      const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'))?.[1];
      return kb !== undefined && Number(kb) * 1024 > this.limit;
    } catch {
      return false;
    }
  }

  detach(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.detach();
  }
}

/** Only the heap limit (macOS, Windows): a runner that dies reports whatever V8 printed. */
class HeapOnly implements MemoryGuard {
  readonly mechanism = 'the JavaScript heap limit only';
  attach(): void {}
  exceeded(): boolean {
    return false;
  }
  startJob(): void {}
  peakExceeded(): boolean {
    return false;
  }
  detach(): void {}
  dispose(): void {}
}

export function createMemoryGuard(): MemoryGuard {
  const cgroup = cgroupBase();
  if (cgroup) return new CgroupGuard(cgroup);
  return process.platform === 'linux' ? new RssWatchdog() : new HeapOnly();
}

/** When a cgroup cannot take a runner. */
export function fallbackMemoryGuard(): MemoryGuard {
  return process.platform === 'linux' ? new RssWatchdog() : new HeapOnly();
}

/** Which mechanism caps memory on this machine (for the report and the guide). */
export function memoryMechanism(): string {
  const cgroup = cgroupBase();
  return cgroup ? `a memory cgroup (v${cgroup.version})` : process.platform === 'linux' ? 'a watchdog on the resident size (/proc)' : 'the JavaScript heap limit only';
}

/** V8's message when the heap limit is reached. */
export function heapExhausted(stderr: string): boolean {
  return /JavaScript heap out of memory|Reached heap limit/.test(stderr);
}
