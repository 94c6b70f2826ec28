import path from 'node:path';
import { acquirePidLock, LockHeld } from '../util/pidLock.js';
import { GetError } from './errors.js';

/**
 * One `get` at a time per folder (a scheduled run overlapping a manual one): two writers appending to the
 * same partial file would produce bytes that fail verification, reported as a tampered download.
 */
const lockName = '.evergreen-get.lock';

export async function lockFolder(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, lockName);
  try {
    return await acquirePidLock(file);
  } catch (error) {
    if (error instanceof LockHeld) {
      throw new GetError(
        'folder',
        `Another evergreen get (process ${error.owner}) is downloading into ${dir}`,
        `Wait for it to finish. If no such process is running, delete ${file}.`,
      );
    }
    throw new GetError('folder', `Cannot lock ${dir}: ${(error as Error).message}`);
  }
}
