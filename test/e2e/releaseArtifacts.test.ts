import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject, release as releaseApi } from '../../src/index.js';
import { openHistory } from '../../src/release/history/index.js';
import { copyFixture, repoRoot, runCli, tempDir } from '../helpers/cli.js';
import { serveFolder } from '../helpers/staticServer.js';
import { git, releaseRecord } from '../helpers/git.js';

/**
 * Artifacts live in a content-addressed store outside git (.evergreen/artifacts/<sha256>); the history in git
 * keeps snapshots, records and hashes. With the real CLI and real git: a patch release adds kilobytes to what
 * git tracks; a fresh clone says which artifact is missing and how to fetch it; `evergreen artifacts fetch`
 * (from a reader site over loopback HTTP, a folder or a URL template) accepts only the published sha256; a
 * tampered store object is refused; and the format-1 history of this repository stays readable.
 */
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const record = releaseRecord;
const release = (root: string, ...args: string[]) => runCli(['release', ...args, '--root', root, '--format', 'html', '--yes']);
const cli = (root: string, ...args: string[]) => runCli([...args, '--root', root]);
const store = (root: string) => path.join(root, '.evergreen', 'artifacts');

/** Bytes git tracks under a path at HEAD (blob sizes). */
function trackedBytes(root: string, under: string): number {
  return git(root, 'ls-tree', '-r', '-l', 'HEAD', under)
    .split('\n')
    .filter(Boolean)
    .reduce((n, line) => n + Number(line.split(/\s+/)[3]), 0);
}

let origin: string;
let server: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  origin = copyFixture('release/book');
  writeFileSync(path.join(origin, '.gitignore'), 'dist/\n.evergreen/\n');
  git(origin, 'init', '-q', '-b', 'main');
  git(origin, 'add', '-A');
  git(origin, 'commit', '-qm', 'book');
  const first = await release(origin, '1.0.0');
  expect(first.code, first.stderr).toBe(0);
  git(origin, 'add', '-A');
  git(origin, 'commit', '-qm', 'release 1.0.0');
  // A one-word patch.
  const intro = path.join(origin, 'manuscript', 'intro.md');
  const text = readFileSync(intro, 'utf8');
  const word = /\b([a-z]{5,})\b/.exec(text.split('\n').find((l) => /^[A-Z]/.test(l) && !l.startsWith('#')) ?? text)![1];
  writeFileSync(intro, text.replace(word, `${word}s`));
  git(origin, 'commit', '-qam', 'one word');
  const patch = await release(origin, 'patch');
  expect(patch.code, patch.stderr).toBe(0);
  git(origin, 'add', '-A');
  git(origin, 'commit', '-qm', 'release 1.0.1');
  server = await serveFolder(path.join(origin, 'dist', 'site'));
});

afterAll(async () => {
  await server?.close();
});

describe('the artifact store', () => {
  it('keeps artifact bytes out of git: a one-word patch release adds under 5 % of a full release to what git tracks', () => {
    expect(
      git(origin, 'ls-files', 'releases')
        .split('\n')
        .filter((f) => f.includes('/artifacts/')),
    ).toEqual([]);
    const rec = record(origin, '1.0.1');
    expect(rec.format).toBe(2);
    expect(rec.artifacts.map((a: { storage: string }) => a.storage)).toEqual(['store']);
    const artifactBytes = rec.artifacts.reduce((n: number, a: { size: number }) => n + a.size, 0);
    const added = trackedBytes(origin, 'releases/1.0.1') + trackedBytes(origin, 'releases/history.json');
    expect(added).toBeGreaterThan(0);
    expect(added / (added + artifactBytes)).toBeLessThan(0.05);
    for (const a of rec.artifacts) expect(sha256(path.join(store(origin), a.sha256))).toBe(a.sha256);
  });

  it('shares identical files between versions on the reader site, and every manifest sha256 still verifies', () => {
    const site = path.join(origin, 'dist', 'site');
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]));
    const older = files(path.join(site, 'v', '1.0.0'));
    const shared = older.filter((f) => {
      const other = path.join(site, 'v', '1.0.1', f);
      return existsSync(other) && statSync(other).ino === statSync(path.join(site, 'v', '1.0.0', f)).ino;
    });
    expect(shared.some((f) => f.endsWith('.woff2'))).toBe(true);
    // A shared file is identical, an HTML page of the newer version (its banner differs) is not shared.
    for (const f of shared) expect(sha256(path.join(site, 'v', '1.0.1', f))).toBe(sha256(path.join(site, 'v', '1.0.0', f)));
    expect(shared).not.toContain('index.html');
    const manifest = JSON.parse(readFileSync(path.join(site, 'manifest.json'), 'utf8'));
    for (const v of manifest.versions) for (const a of v.artifacts) expect(sha256(path.join(site, a.path))).toBe(a.sha256);
  });

  it('a fresh clone says which artifacts are missing and how to fetch them; diff still works; fetch verifies every past artifact', async () => {
    const clone = path.join(tempDir('evergreen-clone-'), 'book');
    git(path.dirname(clone), 'clone', '-q', origin, clone);
    expect(existsSync(store(clone))).toBe(false);

    const diff = await cli(clone, 'diff', '1.0.0', '1.0.1');
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain('Suggested bump: patch');
    expect(diff.stderr).toContain('2 artifacts are not in the artifact store, so they were not verified: fixture-1.0.0-html.zip (1.0.0), fixture-1.0.1-html.zip (1.0.1)');

    const build = await cli(clone, 'build', '--format', 'html');
    expect(build.code).toBe(1);
    expect(build.stderr).toContain('fixture-1.0.1-html.zip of release 1.0.1');
    expect(build.stderr).toContain('is not in the artifact store .evergreen/artifacts');
    expect(build.stderr).toContain('Run `evergreen artifacts fetch`');
    expect(build.stderr, 'no knock-on damage reported').not.toContain('follows');

    const verify = await cli(clone, 'artifacts', 'verify');
    expect(verify.code).toBe(1);
    expect(verify.stdout.match(/missing/g)).toHaveLength(2);

    // The documented step: fetch from the reader site (here over loopback HTTP).
    const fetched = await cli(clone, 'artifacts', 'fetch', '--from', server.url);
    expect(fetched.code, fetched.stderr).toBe(0);
    expect(fetched.stderr).toMatch(/2 artifacts in \S*\.evergreen\/artifacts, every one verified by sha256 \(2 fetched, 0 already there\)/);
    for (const version of ['1.0.0', '1.0.1']) {
      for (const a of record(clone, version).artifacts) expect(sha256(path.join(store(clone), a.sha256))).toBe(a.sha256);
    }
    expect((await cli(clone, 'artifacts', 'verify')).code).toBe(0);
    const again = await cli(clone, 'artifacts', 'fetch', '--from', server.url);
    expect(again.stderr).toContain('(0 fetched, 2 already there)');
    const rebuilt = await cli(clone, 'build', '--format', 'html');
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(readFileSync(path.join(clone, 'dist', 'site', 'downloads', 'fixture-1.0.0-html.zip'))).toEqual(
      readFileSync(path.join(origin, 'dist', 'site', 'downloads', 'fixture-1.0.0-html.zip')),
    );
  });

  it('refuses a tampered artifact in the store, and fetch replaces it with a verified copy', async () => {
    const clone = path.join(tempDir('evergreen-clone-'), 'book');
    git(path.dirname(clone), 'clone', '-q', origin, clone);
    cpSync(store(origin), store(clone), { recursive: true });
    const artifact = record(clone, '1.0.0').artifacts[0];
    const file = path.join(store(clone), artifact.sha256);
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(file, bytes);

    const verify = await cli(clone, 'artifacts', 'verify');
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain('fixture-1.0.0-html.zip');
    expect(verify.stdout).toContain('damaged (sha256 mismatch)');
    for (const command of [
      ['build', '--format', 'html'],
      ['diff', '1.0.0'],
      ['release', 'patch', '--format', 'html', '--yes', '--allow-dirty'],
    ]) {
      const r = await cli(clone, ...command);
      expect(r.code, command.join(' ')).toBe(1);
      expect(r.stderr).toContain(`.evergreen/artifacts/${artifact.sha256} (fixture-1.0.0-html.zip of release 1.0.0) does not match the sha256 it was published with`);
    }
    expect(existsSync(path.join(clone, 'releases', '1.0.2'))).toBe(false);

    const fetched = await cli(clone, 'artifacts', 'fetch', '--from', path.join(origin, 'dist', 'site'));
    expect(fetched.code, fetched.stderr).toBe(0);
    expect(fetched.stderr).toContain('(1 fetched, 1 already there)');
    expect(sha256(file)).toBe(artifact.sha256);
  });

  it('fetch refuses bytes that are not the published ones, and follows release.artifactSource (a URL template)', async () => {
    const clone = path.join(tempDir('evergreen-clone-'), 'book');
    git(path.dirname(clone), 'clone', '-q', origin, clone);
    // A source that serves a different 1.0.0 zip.
    const bad = tempDir('evergreen-bad-source-');
    cpSync(path.join(origin, 'dist', 'site', 'downloads'), path.join(bad, 'downloads'), { recursive: true });
    const zip = path.join(bad, 'downloads', 'fixture-1.0.0-html.zip');
    const bytes = readFileSync(zip);
    bytes[100] ^= 0xff;
    writeFileSync(zip, bytes);
    const refused = await cli(clone, 'artifacts', 'fetch', '--from', bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/fixture-1\.0\.0-html\.zip: refused, sha256 [0-9a-f]{12}… \(\d+ bytes\) is not the published/);
    expect(refused.stderr).toContain('1 of 2 artifacts could not be fetched');
    expect(existsSync(path.join(store(clone), record(clone, '1.0.0').artifacts[0].sha256))).toBe(false);

    const yaml = path.join(clone, 'manuscript', 'book.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('formats: [html]', `release:\n  artifactSource: ${server.url}downloads/{name}\nformats: [html]`));
    const configured = await cli(clone, 'artifacts', 'fetch');
    expect(configured.code, configured.stderr).toBe(0);
    expect(configured.stderr).toContain(`from ${server.url}downloads/fixture-1.0.0-html.zip`);

    const exported = tempDir('evergreen-export-');
    const ex = await cli(clone, 'artifacts', 'export', exported, '--release', '1.0.1', '--names');
    expect(ex.code, ex.stderr).toBe(0);
    expect(readdirSync(exported)).toEqual(['fixture-1.0.1-html.zip']);
    expect(sha256(path.join(exported, 'fixture-1.0.1-html.zip'))).toBe(record(clone, '1.0.1').artifacts[0].sha256);
  });
});

describe('histories written before the store (format 1)', () => {
  it("reads this repository's own releases, artifacts in releases/<version>/artifacts/, verified by sha256", async () => {
    const history = await openHistory(repoRoot);
    expect(history.releases.length).toBeGreaterThanOrEqual(3);
    const verify = await cli(repoRoot, 'artifacts', 'verify');
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toContain('releases/1.2.0/artifacts/');
    expect(verify.stdout).not.toContain('missing');
  });

  it('a new release on a format-1 history goes to the store; the site serves old and new artifacts', async () => {
    const root = tempDir('evergreen-legacy-');
    cpSync(path.join(repoRoot, 'manuscript'), path.join(root, 'manuscript'), { recursive: true });
    cpSync(path.join(repoRoot, 'releases'), path.join(root, 'releases'), { recursive: true });
    const latest = (await openHistory(root)).latest!;
    const project = await openProject({ root, workers: false });
    try {
      const r = await releaseApi(project, { version: 'patch', checkSamples: false, formats: ['html'], date: '2026-12-02' });
      expect(r.ok, JSON.stringify(r.diagnostics.filter((d) => d.severity === 'error'))).toBe(true);
    } finally {
      await project.close();
    }
    const history = await openHistory(root);
    const added = history.latest!;
    expect(added.previous?.version).toBe(latest.version);
    expect(added.artifacts.every((a) => a.storage === 'store')).toBe(true);
    expect(history.releases.slice(0, -1).every((r) => r.artifacts.every((a) => a.storage === undefined))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(root, 'releases', 'history.json'), 'utf8')).format).toBe(2);
    const manifest = JSON.parse(readFileSync(path.join(root, 'dist', 'site', 'manifest.json'), 'utf8'));
    expect(manifest.versions.length).toBe(history.releases.length);
    for (const v of manifest.versions) for (const a of v.artifacts) expect(sha256(path.join(root, 'dist', 'site', a.path))).toBe(a.sha256);
    rmSync(root, { recursive: true, force: true });
  });
});

describe("the re-release check asks the reader site at the book's url", () => {
  it('refuses a version the published manifest lists, and says so when the site cannot be reached', async () => {
    const setUrl = (root: string, url: string) => {
      const yaml = path.join(root, 'manuscript', 'book.yaml');
      writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^url: .*$/m, `url: ${url}`));
    };
    // A new copy of the book (no releases/, no tags, no dist/): only the site knows 1.0.0 and 1.0.1.
    const root = copyFixture('release/book');
    setUrl(root, server.url);
    const refused = await release(root, '1.0.1');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`Version 1.0.1 was already published (the reader site's manifest at ${server.url}manifest.json lists it)`);
    expect(existsSync(path.join(root, 'releases'))).toBe(false);
    const fresh = await release(root, '2.0.0');
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stderr).not.toContain('Could not check');

    // Offline (nothing listens on the port): a note, not a failure.
    const closed = await serveFolder(tempDir('evergreen-empty-'));
    const closedUrl = closed.url;
    await closed.close();
    const offline = copyFixture('release/book');
    setUrl(offline, closedUrl);
    const r = await release(offline, '1.0.0');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `note: Could not check the published manifest at ${closedUrl}manifest.json (ECONNREFUSED); whether 1.0.0 was published was checked against git, releases/ and dist/site only.`,
    );
  });
});
