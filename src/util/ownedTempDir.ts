import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { processAlive } from './processAlive.js';

/**
 * Temp folders owned by this process (Chromium profiles, the sample runner's folder, redline pages) that
 * must not outlive it. Each is named `<prefix><pid>-XXXXXX`:
 * - a normal end removes it (`release`);
 * - Ctrl-C, SIGTERM and any `process.exit` remove it in a synchronous 'exit' hook, after running its `onExit`
 *   (which kills the Chromium writing into it, and may hand the removal to a helper that waits for it);
 * - a process killed outright (SIGKILL, OOM) leaves it behind, and the next process to create a folder with
 *   the same prefix removes it: its pid is dead and it has not been touched for an hour. The age matters where
 *   another pid namespace shares the temp folder, whose live pids this process cannot see.
 */
export interface OwnedTempDir {
  readonly path: string;
  /** Removes the folder now and forgets it. */
  release(): void;
}

const owned = new Map<string, (() => 'removed later' | undefined) | undefined>();
let exitHookInstalled = false;
const abandonedAfterMs = 60 * 60 * 1000;

/**
 * `onExit` runs in the exit hook before the folder is removed; it returns 'removed later' when it has handed
 * the removal to something that outlives this process.
 */
export function createOwnedTempDir(prefix: string, options: { onExit?: () => 'removed later' | undefined } = {}): OwnedTempDir {
  installExitHook();
  sweepAbandoned(prefix);
  const dir = mkdtempSync(path.join(os.tmpdir(), `${prefix}${process.pid}-`));
  owned.set(dir, options.onExit);
  return {
    path: dir,
    release() {
      owned.delete(dir);
      removeQuietly(dir);
    },
  };
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [dir, onExit] of owned) {
      let handedOver = false;
      try {
        handedOver = onExit?.() === 'removed later';
      } catch {
        // The folder goes even if its owner could not be stopped.
      }
      if (!handedOver) removeQuietly(dir);
    }
    owned.clear();
  });
}

function removeQuietly(dir: string): void {
  // A process still closing files in it (a Chromium just killed) can make one attempt fail: retry briefly.
  rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
}

/** Removes `<prefix><pid>-*` folders of processes that no longer run. */
export function sweepAbandoned(prefix: string, now = Date.now()): void {
  const base = os.tmpdir();
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (!pid || pid === process.pid || processAlive(pid)) continue;
    const dir = path.join(base, name);
    try {
      if (now - statSync(dir).mtimeMs < abandonedAfterMs) continue;
      removeQuietly(dir);
    } catch {
      // Gone already, or not ours to remove: either way nothing to do.
    }
  }
}
