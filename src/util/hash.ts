import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** A cache key over several parts (each ended by a NUL, so `['ab','c']` and `['a','bc']` differ). */
export function sha256(...parts: (string | Uint8Array)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    hash.update(part);
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** The plain sha256 of some bytes (what manifests and release records publish). */
export function sha256Bytes(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Feeds a file into a running hash, streamed. */
export async function hashFileInto(file: string, hash: Hash): Promise<number> {
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return size;
}

/** sha256 and size of a file on disk, streamed. */
export async function sha256File(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  const size = await hashFileInto(file, hash);
  return { sha256: hash.digest('hex'), size };
}
