import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { link, mkdir, rename, rm, stat, truncate, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { syncFile } from '../util/durableWrite.js';
import { hashFileInto, sha256File } from '../util/hash.js';
import { GetError } from './errors.js';
import type { SiteSource } from './siteSource.js';

/**
 * One verified download: streamed to a partial file in `.evergreen-partial/` while it is hashed (a
 * file larger than memory never sits in memory), then checked against the manifest's size and sha256,
 * flushed, and only then given its final name. Nothing unverified ever carries a final name, and an
 * existing file is never replaced.
 *
 * An interrupted transfer (connection reset, server closing mid-body, a stalled server) is retried,
 * resuming from the partial file with an HTTP range request when the server supports it. The partial
 * file is named by the expected sha256, so a resume only ever continues the same file.
 */
export const partialDirName = '.evergreen-partial';

export interface Expected {
  /** Site-relative path from the manifest. */
  path: string;
  size: number;
  sha256: string;
}

export interface DownloadOptions {
  retries: number;
  /** Milliseconds before the first retry; doubled for each next one. */
  retryDelayMs: number;
  onProgress?: (received: number, total: number) => void;
  onRetry?: (attempt: number, error: Error) => void;
}

export async function downloadVerified(source: SiteSource, expected: Expected, finalPath: string, options: DownloadOptions): Promise<void> {
  const partDir = path.join(path.dirname(finalPath), partialDirName);
  await mkdir(partDir, { recursive: true });
  const part = path.join(partDir, `${expected.sha256}.part`);
  let restartedAfterMismatch = false;
  for (let attempt = 0; ; attempt++) {
    try {
      const resumed = await transfer(source, expected, part, options.onProgress);
      const actual = resumed.sha256;
      if (actual !== expected.sha256) {
        await rm(part, { force: true });
        // A resumed file may have joined two different versions of the bytes: start over once, from 0.
        if (resumed.resumedFrom > 0 && !restartedAfterMismatch) {
          restartedAfterMismatch = true;
          continue;
        }
        throw new GetError(
          'verification',
          `${expected.path}: sha256 mismatch (expected ${expected.sha256}, received ${actual}); the file was rejected and nothing was replaced`,
          'The server sent different bytes than the manifest describes (a damaged or tampered file). Try again later, or tell the author.',
        );
      }
      // The bytes are on disk before the file gets its final name (a power cut cannot leave a verified name on garbage).
      await syncFile(part);
      await placeWithoutOverwriting(part, finalPath);
      return;
    } catch (error) {
      // Only the network is worth retrying; a full disk or a verification failure will not get better.
      if (!(error instanceof GetError)) throw new GetError('folder', `${expected.path}: ${(error as Error).message}`);
      if (error.kind !== 'network' || attempt >= options.retries) throw error;
      options.onRetry?.(attempt + 1, error as Error);
      await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs * 2 ** attempt));
    }
  }
}

/** Streams the rest of the file into `part`; resolves when the body ended with exactly `size` bytes. */
async function transfer(
  source: SiteSource,
  expected: Expected,
  part: string,
  onProgress?: (received: number, total: number) => void,
): Promise<{ sha256: string; resumedFrom: number }> {
  let have = existsSync(part) ? (await stat(part)).size : 0;
  if (have > expected.size) {
    await rm(part, { force: true });
    have = 0;
  }
  const opened = have === expected.size ? undefined : await source.open(expected.path, have);
  const start = opened ? opened.start : have;
  if (start < have) await truncate(part, start); // the server sent the whole file: start over
  const hash = createHash('sha256');
  if (start > 0) await hashFileInto(part, hash); // the bytes we already have count towards the hash
  let received = start;
  if (opened) {
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        // Never write more than the manifest announced: a hostile server cannot fill the disk.
        if (received > expected.size)
          return done(new GetError('verification', `${expected.path}: the server sent more than the ${expected.size} bytes the manifest announced; rejected`));
        hash.update(chunk);
        onProgress?.(received, expected.size);
        done(null, chunk);
      },
    });
    await pipeline(opened.body, counter, createWriteStream(part, { flags: start > 0 ? 'a' : 'w' }));
  }
  if (received < expected.size) {
    throw new GetError('network', `${expected.path}: the connection ended after ${received} of ${expected.size} bytes`);
  }
  onProgress?.(received, expected.size);
  return { sha256: hash.digest('hex'), resumedFrom: start };
}

/** A hard link fails if the name exists, so a file the reader already has is never replaced. */
async function placeWithoutOverwriting(part: string, finalPath: string): Promise<void> {
  try {
    await link(part, finalPath);
    await unlink(part);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new GetError('folder', `${finalPath} already exists and differs from the download; it was left as it is`, 'Move that file away and run the command again.');
    // File systems without hard links (FAT, some network shares): check, then rename.
    if (existsSync(finalPath)) throw new GetError('folder', `${finalPath} already exists; it was left as it is`);
    await rename(part, finalPath);
  }
}

/** sha256 of a file on disk, streamed. */
export async function sha256OfFile(file: string): Promise<string> {
  return (await sha256File(file)).sha256;
}
