import { open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { GetError } from './errors.js';

/**
 * One `get` at a time per folder (a scheduled run overlapping a manual one): two writers appending to the
 * same partial file would produce bytes that fail verification, reported as a tampered download. The
 * lock file holds the owner's pid; a lock left by a process that no longer runs (killed, crashed) is
 * taken over.
 */
const lockName = '.evergreen-get.lock';

export async function lockFolder(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, lockName);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (owner && owner !== process.pid && isRunning(owner)) {
        throw new GetError('folder', `Another evergreen get (process ${owner}) is downloading into ${dir}`, `Wait for it to finish. If no such process is running, delete ${file}.`);
      }
      await rm(file, { force: true }); // stale: its owner is gone
    }
  }
  throw new GetError('folder', `Cannot lock ${dir} (${file} keeps coming back)`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}
