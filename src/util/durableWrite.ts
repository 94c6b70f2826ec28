import { randomBytes } from 'node:crypto';
import { mkdir, open, rename } from 'node:fs/promises';
import path from 'node:path';

/** Creates a new file (never replacing one) and flushes it to disk before returning. */
export async function writeNewFileDurably(file: string, data: Uint8Array | string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a folder's entries (a rename into it survives a power cut); a no-op where folders cannot be synced. */
export async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* some platforms cannot fsync a directory */
  }
}

/** Flushes a file's bytes to disk. */
export async function syncFile(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes a whole file by temporary file + fsync + rename: readers see the old or the new content, never a mix. */
export async function replaceFileDurably(file: string, data: string | Uint8Array): Promise<void> {
  const temp = `${file}.tmp-${randomBytes(4).toString('hex')}`;
  await writeNewFileDurably(temp, data);
  await rename(temp, file);
  await syncDir(path.dirname(file));
}
