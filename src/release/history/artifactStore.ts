import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { syncDir, writeNewFileDurably } from '../../util/durableWrite.js';
import { sha256Bytes, sha256File } from '../../util/hash.js';

/**
 * The artifact store: the published PDF, HTML zip and EPUB of every release, one file per sha256, outside git.
 * The history in releases/ (committed) records each artifact's name, size and sha256; the bytes live here,
 * so a patch release adds kilobytes to the repository, not megabytes. The store is a cache of what the
 * release history vouches for: every read checks the sha256 (the file name is no proof), and a fresh clone
 * fills it with `evergreen artifacts fetch` (from the reader site, release assets, or any folder).
 *
 *     <store>/<sha256>    the artifact's bytes (no extension: the history knows its name and kind)
 */
export const defaultArtifactStore = path.join('.evergreen', 'artifacts');

/** The store folder for a book: `release.artifactStore` in book.yaml (relative to the book root), else .evergreen/artifacts. */
export function artifactStoreDir(root: string, configured?: string): string {
  return path.resolve(root, configured ?? defaultArtifactStore);
}

export function storedArtifactPath(store: string, sha256: string): string {
  return path.join(store, sha256);
}

export type StoredState = { state: 'ok' } | { state: 'missing' } | { state: 'damaged'; actual: string; size: number };

/** Whether the store holds these exact bytes. */
export async function checkStored(store: string, expected: { sha256: string; size: number }): Promise<StoredState> {
  const file = storedArtifactPath(store, expected.sha256);
  if (!existsSync(file)) return { state: 'missing' };
  const actual = await sha256File(file);
  if (actual.sha256 !== expected.sha256 || actual.size !== expected.size) return { state: 'damaged', actual: actual.sha256, size: actual.size };
  return { state: 'ok' };
}

/**
 * Puts bytes into the store under their sha256 (temporary file, fsync, rename: a kill leaves either nothing
 * or the whole file). An object already there is kept when it verifies and replaced when it does not.
 */
export async function storeArtifact(store: string, bytes: Uint8Array): Promise<string> {
  const sha256 = sha256Bytes(bytes);
  const target = storedArtifactPath(store, sha256);
  if ((await checkStored(store, { sha256, size: bytes.length })).state === 'ok') return sha256;
  const temp = path.join(store, `.incoming-${randomBytes(4).toString('hex')}`);
  try {
    await writeNewFileDurably(temp, bytes);
    await rename(temp, target);
  } finally {
    await rm(temp, { force: true });
  }
  await syncDir(store);
  return sha256;
}
