import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { downloadVerified, partialDirName, sha256OfFile as sha256File } from '../../../src/get/download.js';
import { GetError } from '../../../src/get/errors.js';
import type { OpenedArtifact, SiteSource } from '../../../src/get/siteSource.js';
import { tempDir as makeTempDir } from '../../helpers/cli.js';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const data = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7) % 251));

/** Partial files of the downloads under test (a fake connection drops once its bytes are on disk). */
const partFiles: string[] = [];

/** An in-memory site: `serve` decides, per request, what the "server" sends. */
function fakeSource(serve: (start: number, call: number) => { start: number; bytes: Buffer; fail?: boolean }): SiteSource & { calls: number[] } {
  const calls: number[] = [];
  return {
    location: 'memory:',
    remote: true,
    calls,
    readText: async () => undefined,
    readBytes: async () => undefined,
    link: (p) => p,
    async open(_p: string, start: number): Promise<OpenedArtifact> {
      calls.push(start);
      const answer = serve(start, calls.length);
      const body = new Readable({ read() {} });
      body.push(answer.bytes);
      if (answer.fail) {
        // The connection drops once the bytes sent have reached the partial file (as over a real network).
        const want = answer.start + answer.bytes.length;
        const dropWhenWritten = () => {
          const part = partFiles[partFiles.length - 1]; // the current test's
          if (existsSync(part) && statSync(part).size >= want) body.destroy(new GetError('network', 'connection reset'));
          else setTimeout(dropWhenWritten, 5);
        };
        dropWhenWritten();
      } else body.push(null);
      return { start: answer.start, body };
    },
  };
}

const expected = { path: 'downloads/book.pdf', size: data.length, sha256: sha256(data) };

function tempDir(): string {
  const dir = makeTempDir();
  partFiles.push(path.join(dir, partialDirName, `${expected.sha256}.part`));
  return dir;
}
const options = { retries: 3, retryDelayMs: 1 };

describe('downloadVerified', () => {
  it('resumes an interrupted download from the partial file with a range', async () => {
    const dir = tempDir();
    const source = fakeSource((start, call) => (call === 1 ? { start: 0, bytes: data.subarray(0, 50_000), fail: true } : { start, bytes: data.subarray(start) }));
    await downloadVerified(source, expected, path.join(dir, 'book.pdf'), options);
    expect(source.calls).toEqual([0, 50_000]);
    expect(readFileSync(path.join(dir, 'book.pdf'))).toEqual(data);
    expect(readdirSync(path.join(dir, partialDirName))).toEqual([]);
  });

  it('starts over when the server ignores the range and sends the whole file', async () => {
    const dir = tempDir();
    const source = fakeSource((_start, call) => (call === 1 ? { start: 0, bytes: data.subarray(0, 1000), fail: true } : { start: 0, bytes: data }));
    await downloadVerified(source, expected, path.join(dir, 'book.pdf'), options);
    expect(readFileSync(path.join(dir, 'book.pdf'))).toEqual(data);
  });

  it('restarts from zero once when a resumed file does not verify (the file changed between attempts)', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, partialDirName));
    writeFileSync(path.join(dir, partialDirName, `${expected.sha256}.part`), Buffer.alloc(1000, 1)); // stale bytes
    const source = fakeSource((start) => ({ start, bytes: data.subarray(start) }));
    await downloadVerified(source, expected, path.join(dir, 'book.pdf'), options);
    expect(source.calls).toEqual([1000, 0]);
    expect(readFileSync(path.join(dir, 'book.pdf'))).toEqual(data);
  });

  it('rejects a file whose sha256 does not match: nothing under the final name, no partial kept', async () => {
    const dir = tempDir();
    const tampered = Buffer.from(data);
    tampered[123] ^= 1;
    const source = fakeSource(() => ({ start: 0, bytes: tampered }));
    const error = await downloadVerified(source, expected, path.join(dir, 'book.pdf'), options).catch((e: GetError) => e);
    expect(error).toBeInstanceOf(GetError);
    expect((error as GetError).kind).toBe('verification');
    expect(source.calls).toEqual([0]); // not retried: the server is not trusted to do better
    expect(existsSync(path.join(dir, 'book.pdf'))).toBe(false);
    expect(readdirSync(path.join(dir, partialDirName))).toEqual([]);
  });

  it('stops a server that sends more than the manifest announced', async () => {
    const dir = tempDir();
    const source = fakeSource(() => ({ start: 0, bytes: Buffer.concat([data, Buffer.alloc(10)]) }));
    const error = await downloadVerified(source, expected, path.join(dir, 'book.pdf'), options).catch((e: GetError) => e);
    expect((error as GetError).message).toContain('more than the');
    expect(existsSync(path.join(dir, 'book.pdf'))).toBe(false);
  });

  it('gives up after the retries with a network error and keeps the partial file to resume later', async () => {
    const dir = tempDir();
    const source = fakeSource((start) => ({ start, bytes: data.subarray(start, start + 10), fail: true }));
    const error = await downloadVerified(source, expected, path.join(dir, 'book.pdf'), { retries: 2, retryDelayMs: 1 }).catch((e: GetError) => e);
    expect((error as GetError).kind).toBe('network');
    expect(source.calls).toEqual([0, 10, 20]);
    expect(existsSync(path.join(dir, 'book.pdf'))).toBe(false);
    expect(readFileSync(path.join(dir, partialDirName, `${expected.sha256}.part`)).length).toBe(30);
  });

  it('never replaces an existing file', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'book.pdf'), 'the reader’s own file');
    const source = fakeSource(() => ({ start: 0, bytes: data }));
    const error = await downloadVerified(source, expected, path.join(dir, 'book.pdf'), options).catch((e: GetError) => e);
    expect((error as GetError).kind).toBe('folder');
    expect(readFileSync(path.join(dir, 'book.pdf'), 'utf8')).toBe('the reader’s own file');
  });

  it('streams a file larger than any buffer it uses, hashing as it goes', async () => {
    const dir = tempDir();
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const chunks = 64;
    const hash = createHash('sha256');
    for (let i = 0; i < chunks; i++) hash.update(chunk);
    const big = { path: 'downloads/big.pdf', size: chunk.length * chunks, sha256: hash.digest('hex') };
    const source: SiteSource = {
      location: 'memory:',
      remote: true,
      readText: async () => undefined,
      readBytes: async () => undefined,
      link: (p) => p,
      open: async () => ({
        start: 0,
        body: Readable.from(
          (function* () {
            for (let i = 0; i < chunks; i++) yield chunk;
          })(),
        ),
      }),
    };
    await downloadVerified(source, big, path.join(dir, 'big.pdf'), options);
    expect(await sha256File(path.join(dir, 'big.pdf'))).toBe(big.sha256);
  });
});
