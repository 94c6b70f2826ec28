import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, copyFixture, runCli, tempDir } from '../helpers/cli.js';
import { editsForMinor } from '../fixtures/release/edits.mjs';
import { serveSite, type SiteServer } from '../fixtures/get/siteServer.js';

/**
 * `evergreen get` end to end: the release fixture is released as 1.0.0 and 1.1.0 with the real CLI (signed,
 * HTML only for speed), its `dist/site/` served over real HTTP on 127.0.0.1, and a reader's folder taken
 * through first download, tampering, interrupted connections, update, no-op, rollback and key changes.
 */
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const keyEnv = 'EVERGREEN_GET_TEST_KEY';
const { privateKey } = generateKeyPairSync('ed25519');
const signingKey = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

let site1: string; // the site as published at 1.0.0
let site2: string; // the site as published at 1.1.0
let server: SiteServer;
let reader: string;
const zip1 = 'fixture-1.0.0-html.zip';
const zip2 = 'fixture-1.1.0-html.zip';

function notes(text: string): string {
  const file = path.join(tempDir('evergreen-get-notes-'), 'notes.md');
  writeFileSync(file, text);
  return file;
}

async function release(root: string, version: string, date: string, text: string) {
  const r = await runCli(['release', version, '--root', root, '--format', 'html', '--yes', '--date', date, '--notes', notes(text)], { env: { [keyEnv]: signingKey } });
  expect(r.code, r.stderr).toBe(0);
}

/** A copy of a site to damage in one test, served in place of the real one. */
function variant(from: string, damage: (dir: string) => void): string {
  const dir = tempDir('evergreen-get-site-');
  cpSync(from, dir, { recursive: true });
  damage(dir);
  return dir;
}

function get(...args: string[]) {
  return runCli(['get', ...args, '--retry-delay', '10'], { cwd: reader });
}

const readerFiles = () => readdirSync(path.join(reader, 'fixture')).sort();
const readerState = () => JSON.parse(readFileSync(path.join(reader, 'fixture', '.evergreen-get.json'), 'utf8')) as { version: string; highestSeen: string; publicKey?: string };

beforeAll(async () => {
  const root = copyFixture('release/book');
  const yaml = path.join(root, 'manuscript', 'book.yaml');
  writeFileSync(yaml, `${readFileSync(yaml, 'utf8')}release:\n  signingKeyEnv: ${keyEnv}\n`);
  await release(root, '1.0.0', '2026-01-10', 'First edition.\n');
  site1 = variant(path.join(root, 'dist', 'site'), () => {});
  editsForMinor(root);
  await release(root, '1.1.0', '2026-03-01', 'Reworded *Why versions matter*; new chapter on advanced topics.\n');
  // Regenerate the site from the history, as any later build does (what a host serves).
  const built = await runCli(['build', '--root', root, '--format', 'html'], { env: { [keyEnv]: signingKey } });
  expect(built.code, built.stderr).toBe(0);
  site2 = variant(path.join(root, 'dist', 'site'), () => {});
  server = await serveSite(site1);
  reader = tempDir('evergreen-get-reader-');
}, 300_000);

afterAll(async () => {
  await server?.close();
});

describe('evergreen get', () => {
  it('first get: follows a redirect, downloads the latest version verified, pins the key', async () => {
    server.dir = site1;
    const r = await get(`${server.url}moved/`);
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests.some((q) => q.path === '/moved/manifest.json')).toBe(true);
    expect(r.stdout).toContain('Downloaded Release Fixture 1.0.0 (2026-01-10)');
    expect(r.stdout).toContain('Manifest signature verified (key sha256 ');
    expect(r.stderr).toContain('Pinned the book');
    expect(r.stderr).not.toMatch(/\r|\x1b\[/); // piped: no progress bar
    expect(readerFiles()).toEqual(['.evergreen-get.json', zip1]);
    expect(readFileSync(path.join(reader, 'fixture', zip1))).toEqual(readFileSync(path.join(site1, 'downloads', zip1)));
    expect(readerState()).toMatchObject({ version: '1.0.0', highestSeen: '1.0.0' });
    expect(readerState().publicKey).toContain('BEGIN PUBLIC KEY');
  });

  it('--check reports an update with exit code 3 and downloads nothing', async () => {
    server.dir = site2;
    server.requests.length = 0;
    const r = await get('--check', '--into', 'fixture');
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toContain('Update available: Release Fixture 1.0.0 → 1.1.0 (2026-03-01)');
    expect(server.requests.filter((q) => q.path.includes('/downloads/'))).toEqual([]);
    expect(readerFiles()).toEqual(['.evergreen-get.json', zip1]);
  });

  it('a tampered file is rejected: nothing placed, nothing replaced, state unchanged', async () => {
    server.dir = variant(site2, (dir) => {
      const file = path.join(dir, 'downloads', zip2);
      const data = readFileSync(file);
      data[data.length >> 1] ^= 0xff; // same size, different bytes
      writeFileSync(file, data);
    });
    const r = await get('--into', 'fixture');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`downloads/${zip2}: sha256 mismatch`);
    expect(r.stderr).toContain('nothing was replaced');
    expect(readerFiles()).toEqual(['.evergreen-get.json', zip1]);
    const partial = path.join(reader, 'fixture', '.evergreen-partial');
    expect(existsSync(partial) ? readdirSync(partial) : []).toEqual([]);
    expect(readerState().version).toBe('1.0.0');
  });

  it('a connection that always drops mid-body ends in a clean error after the retries, no file under the final name', async () => {
    server.dir = site2;
    server.noRanges = true;
    server.truncate.set(`downloads/${zip2}`, 100);
    try {
      const r = await get('--into', 'fixture', '--retries', '2');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('retrying (2/2)');
      expect(r.stderr).toMatch(/error: .*fixture-1\.1\.0-html\.zip/);
      expect(existsSync(path.join(reader, 'fixture', zip2))).toBe(false);
      expect(readerState().version).toBe('1.0.0');
    } finally {
      server.truncate.clear();
      server.noRanges = false;
    }
  });

  it('update: an interrupted download resumes with a range, the old version is kept, and the changes are printed', async () => {
    server.dir = site2;
    server.requests.length = 0;
    server.truncate.set(`downloads/${zip2}`, 1);
    const r = await get('--into', 'fixture');
    expect(r.code, r.stderr).toBe(0);
    const zipRequests = server.requests.filter((q) => q.path === `/book/downloads/${zip2}`);
    expect(zipRequests.length).toBe(2);
    expect(zipRequests[1].range).toMatch(/^bytes=[1-9]\d*-$/);
    expect(r.stderr).toContain('retrying (1/3)');
    expect(readerFiles()).toEqual(['.evergreen-get.json', zip1, zip2]);
    expect(sha256(readFileSync(path.join(reader, 'fixture', zip2)))).toBe(sha256(readFileSync(path.join(site2, 'downloads', zip2))));
    expect(readerState()).toMatchObject({ version: '1.1.0', highestSeen: '1.1.0' });
    const out = r.stdout;
    expect(out).toContain('Updated Release Fixture from 1.0.0 to 1.1.0 (2026-03-01)');
    expect(out).toContain('Version 1.0.0 is kept beside it.');
    expect(out).toContain('What changed from 1.0.0 to 1.1.0');
    expect(out).toContain('~ Introduction');
    expect(out).toMatch(/~ Why versions matter .*words/);
    expect(out).toContain('~ First Steps  (renamed from “Basics”)');
    expect(out).toContain('+ Advanced topics  (new chapter)');
    expect(out).toContain('1 chapter added');
    expect(out).toContain('Reworded *Why versions matter*; new chapter on advanced topics.');
    expect(out).toContain(`In full: ${server.url}book/changes-since-1.0.0.html`);
    expect(out).not.toContain('How to use this book'); // only reflowed: not a change
    expect(out).not.toContain('no change summary');
  });

  it('no-op: run again in the folder, nothing new is downloaded', async () => {
    server.requests.length = 0;
    const r = await runCli(['get'], { cwd: path.join(reader, 'fixture') });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Up to date: Release Fixture 1.1.0');
    expect(server.requests.filter((q) => q.path.includes('/downloads/'))).toEqual([]);
    const check = await runCli(['get', '--check'], { cwd: path.join(reader, 'fixture') });
    expect(check.code).toBe(0);
  });

  it('--html on a version without a PDF has nothing more to fetch; the files stay as they are', async () => {
    const r = await get('--into', 'fixture', '--html');
    expect(r.code, r.stderr).toBe(0);
    expect(readerFiles()).toEqual(['.evergreen-get.json', zip1, zip2]);
  });

  it('refuses a rollback: a manifest whose newest version is older than what the reader has', async () => {
    server.dir = site1;
    const r = await get('--into', 'fixture');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Refused: the manifest's newest version is 1.0.0, but you have already seen 1.1.0 (rollback)");
    expect(readerFiles()).toEqual(['.evergreen-get.json', zip1, zip2]);
    expect(readerState().version).toBe('1.1.0');
  });

  it('refuses an unsigned manifest after a signed one', async () => {
    server.dir = variant(site2, (dir) => rmSync(path.join(dir, 'manifest.json.sig')));
    const r = await get('--into', 'fixture', '--check');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the manifest is not signed, but this book was signed before');
  });

  it('refuses a manifest signed by another key, and an altered manifest', async () => {
    const other = generateKeyPairSync('ed25519');
    server.dir = variant(site2, (dir) => {
      const manifest = readFileSync(path.join(dir, 'manifest.json'));
      writeFileSync(path.join(dir, 'manifest.json.sig'), `${sign(null, manifest, other.privateKey).toString('base64')}\n`);
      writeFileSync(path.join(dir, 'public-key.pem'), other.publicKey.export({ type: 'spki', format: 'pem' }));
    });
    const r = await get('--into', 'fixture');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('signed by a different key than the one pinned');

    server.dir = variant(site2, (dir) => {
      const file = path.join(dir, 'manifest.json');
      writeFileSync(file, readFileSync(file, 'utf8').replace('"latest": "1.1.0"', '"latest": "1.0.0"'));
    });
    const altered = await get('--into', 'fixture');
    expect(altered.code).toBe(1);
    expect(altered.stderr).toContain('the signature of manifest.json does not match');
    expect(readerState().version).toBe('1.1.0');
  });

  it('gives up on a stalled server after --timeout', async () => {
    server.dir = site2;
    server.stall.add('manifest.json');
    try {
      const started = Date.now();
      const r = await get(`${server.url}book/`, '--into', tempDir('evergreen-get-slow-'), '--timeout', '1');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('timed out');
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      server.stall.clear();
    }
  });

  it('a local folder works as a site, and a second reader gets 1.1.0 directly', async () => {
    const dir = tempDir('evergreen-get-local-');
    const r = await runCli(['get', site2, '--into', 'book'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(path.join(dir, 'book')).sort()).toEqual(['.evergreen-get.json', zip2]);
    expect(r.stdout).not.toContain('What changed');
  });

  it('without a site and without a downloaded book here, it is a usage error (exit 2)', async () => {
    const r = await runCli(['get'], { cwd: tempDir('evergreen-get-empty-') });
    expect(r.code).toBe(2);
  });

  it('a reader killed mid-download leaves no file under the final name; the next run resumes', async () => {
    server.dir = site2;
    server.slow.add(`downloads/${zip2}`);
    server.requests.length = 0;
    const home = tempDir('evergreen-get-killed-');
    try {
      const child = spawn(process.execPath, [cliPath, 'get', `${server.url}book/`, '--into', 'book'], { cwd: home, stdio: 'ignore' });
      const part = path.join(home, 'book', '.evergreen-partial');
      const deadline = Date.now() + 30_000;
      // Kill it (as hard as a power cut) once part of the file is on disk.
      while (!(existsSync(part) && readdirSync(part).some((f) => statSync(path.join(part, f)).size > 100_000))) {
        if (Date.now() > deadline) throw new Error('the download never started');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      expect(existsSync(path.join(home, 'book', zip2))).toBe(false);
      expect(existsSync(path.join(home, 'book', '.evergreen-get.json'))).toBe(false);
      server.slow.clear();
      const again = await runCli(['get', `${server.url}book/`, '--into', 'book'], { cwd: home });
      expect(again.code, again.stderr).toBe(0);
      const ranges = server.requests.filter((q) => q.path === `/book/downloads/${zip2}`).map((q) => q.range);
      expect(ranges).toEqual([undefined, expect.stringMatching(/^bytes=[1-9]\d*-$/)]);
      expect(sha256(readFileSync(path.join(home, 'book', zip2)))).toBe(sha256(readFileSync(path.join(site2, 'downloads', zip2))));
      expect(readdirSync(path.join(home, 'book')).sort()).toEqual(['.evergreen-get.json', zip2]);
    } finally {
      server.slow.clear();
    }
  });
});
