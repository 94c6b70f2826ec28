import { open, readFile, rm } from 'node:fs/promises';
import { processAlive } from './processAlive.js';

/** Thrown when a live process holds the lock; the caller turns it into its own message. */
export class LockHeld extends Error {
  override name = 'LockHeld';
  constructor(
    readonly file: string,
    readonly owner: number,
  ) {
    super(`${file} is held by process ${owner}`);
  }
}

/**
 * An exclusive lock file holding the owner's pid (created with O_EXCL). A lock left by a process that no
 * longer runs (killed, crashed) is taken over. Returns the release function.
 */
export async function acquirePidLock(file: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, 'wx');
      try {
        await handle.writeFile(String(process.pid));
      } finally {
        await handle.close();
      }
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = await lockOwner(file);
      if (owner !== undefined && owner !== process.pid && processAlive(owner)) throw new LockHeld(file, owner);
      await rm(file, { force: true }); // stale: its owner is gone
    }
  }
  throw new Error(`Cannot take the lock ${file}: it keeps coming back`);
}

/** The pid recorded in a lock file, if the file exists and holds one. */
export async function lockOwner(file: string): Promise<number | undefined> {
  const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
  return Number.isInteger(owner) && owner > 0 ? owner : undefined;
}

/** Whether a live process other than this one holds the lock. */
export async function lockHeldByOther(file: string): Promise<boolean> {
  const owner = await lockOwner(file);
  return owner !== undefined && owner !== process.pid && processAlive(owner);
}
