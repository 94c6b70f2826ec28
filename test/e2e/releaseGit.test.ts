import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { copyFixture, runCli } from '../helpers/cli.js';
import { git, releaseRecord } from '../helpers/git.js';

/**
 * Releases tied to git, with the real CLI and real git: the commit and a clean tree are recorded, a dirty tree
 * is refused unless --allow-dirty (recorded), --tag creates v<version>, a version deleted by hand cannot be
 * released again, and what was verified (or that samples were skipped) is recorded and shown on the site.
 */
const record = releaseRecord;
const release = (root: string, ...args: string[]) => runCli(['release', ...args, '--root', root, '--format', 'html', '--yes']);
const chapter = (root: string) => path.join(root, 'manuscript', 'intro.md');

function gitBook(): string {
  const root = copyFixture('release/book');
  writeFileSync(path.join(root, '.gitignore'), 'dist/\n.evergreen/\n');
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'book');
  return root;
}

describe('releases tied to git', () => {
  it('records the commit, refuses a dirty tree unless --allow-dirty (recorded), tags with --tag, and never re-releases a deleted version', async () => {
    const root = gitBook();
    const first = await release(root, '1.0.0');
    expect(first.code, first.stderr).toBe(0);
    const head = git(root, 'rev-parse', 'HEAD');
    expect(record(root, '1.0.0').source).toEqual({ git: true, commit: head, dirty: false });
    // Each release warning once.
    const lines = first.stderr.split('\n').filter((l) => l.startsWith('warning') || l.includes(' warning '));
    expect(new Set(lines).size).toBe(lines.length);
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'release 1.0.0');

    writeFileSync(chapter(root), `${readFileSync(chapter(root), 'utf8')}\nA new paragraph.\n`);
    const dirty = await release(root, 'patch');
    expect(dirty.code).toBe(1);
    expect(dirty.stderr).toContain('The working tree has uncommitted changes (manuscript/intro.md)');
    expect(dirty.stderr).toContain('--allow-dirty');
    expect(dirty.stderr).toContain('Nothing was published');
    const tagDirty = await release(root, 'patch', '--tag', '--allow-dirty');
    expect(tagDirty.code).toBe(1);
    expect(tagDirty.stderr).toContain('--tag needs a clean working tree');

    const allowed = await release(root, 'patch', '--allow-dirty');
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(record(root, '1.0.1').source).toMatchObject({ git: true, commit: git(root, 'rev-parse', 'HEAD'), dirty: true, allowDirty: true, changed: ['manuscript/intro.md'] });
    const versions = cheerio.load(readFileSync(path.join(root, 'dist', 'site', 'versions.html'), 'utf8'));
    expect(versions('#v1\\.0\\.1 .provenance').text()).toContain('with uncommitted changes (--allow-dirty)');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'release 1.0.1');

    writeFileSync(chapter(root), `${readFileSync(chapter(root), 'utf8')}\nAnother paragraph.\n`);
    git(root, 'commit', '-qam', 'more');
    const tagged = await release(root, 'minor', '--tag');
    expect(tagged.code, tagged.stderr).toBe(0);
    expect(tagged.stderr).toContain('tagged v1.1.0');
    expect(git(root, 'rev-parse', 'v1.1.0^{commit}')).toBe(git(root, 'rev-parse', 'HEAD'));
    expect(record(root, '1.1.0').source).toMatchObject({ dirty: false, tag: 'v1.1.0' });
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'release 1.1.0');

    // Deleted by hand: the folder, its history entry and the generated site.
    const deleteLatest = () => {
      rmSync(path.join(root, 'releases', '1.1.0'), { recursive: true, force: true });
      const index = JSON.parse(readFileSync(path.join(root, 'releases', 'history.json'), 'utf8'));
      index.releases.pop();
      writeFileSync(path.join(root, 'releases', 'history.json'), `${JSON.stringify(index, null, 2)}\n`);
      rmSync(path.join(root, 'dist'), { recursive: true, force: true });
      git(root, 'commit', '-qam', 'oops');
    };
    deleteLatest();
    const byTag = await release(root, '1.1.0');
    expect(byTag.code).toBe(1);
    expect(byTag.stderr).toContain('Version 1.1.0 was already published (the git tag v1.1.0 exists, at commit');
    git(root, 'tag', '-d', 'v1.1.0');
    const byHistory = await release(root, '1.1.0');
    expect(byHistory.code).toBe(1);
    expect(byHistory.stderr).toMatch(/Version 1\.1\.0 was already published \(releases\/history\.json listed it in commit [0-9a-f]{12}\)/);
    expect(readFileSync(path.join(root, 'releases', 'history.json'), 'utf8')).not.toContain('"1.1.0"');
  }, 600_000);

  it('a book outside git still releases and says so; a version its generated site lists is refused after the history was deleted', async () => {
    const root = copyFixture('release/book');
    const yaml = path.join(root, 'manuscript', 'book.yaml');
    writeFileSync(yaml, `${readFileSync(yaml, 'utf8')}samples: none\n`);
    const r = await release(root, '1.0.0');
    expect(r.code, r.stderr).toBe(0);
    const rec = record(root, '1.0.0');
    expect(rec.source).toEqual({ git: false });
    expect(rec.verification).toEqual({ samples: 'skipped', policy: 'none', reason: 'book.yaml sets samples: none' });
    expect(rec.released).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const $ = cheerio.load(readFileSync(path.join(root, 'dist', 'site', 'versions.html'), 'utf8'));
    expect($('#v1\\.0\\.0 .provenance.unverified').text()).toBe(
      'Samples were not checked for this version: book.yaml sets samples: none. Released from a folder outside git (no commit recorded).',
    );
    // Every page of the downloaded HTML book (unpacked on the site from the published zip) links to the latest version.
    const pages = readdirSync(path.join(root, 'dist', 'site', 'v', '1.0.0')).filter((f) => f.endsWith('.html'));
    expect(pages.length).toBeGreaterThan(2);
    for (const page of pages) {
      const doc = cheerio.load(readFileSync(path.join(root, 'dist', 'site', 'v', '1.0.0', page), 'utf8'));
      expect(doc('.footer-latest a').attr('href'), page).toBe('https://example.com/fixture/');
    }
    const feed = cheerio.load(readFileSync(path.join(root, 'dist', 'site', 'feed.xml'), 'utf8'), { xml: true });
    expect(feed('entry > updated').text()).toBe(rec.released);
    expect(feed('feed > link[rel="self"]').attr('href')).toBe('https://example.com/fixture/feed.xml');

    // Every command that reads the history verifies it: a damaged artifact (same size) fails `diff`.
    const zip = path.join(root, '.evergreen', 'artifacts', rec.artifacts[0].sha256);
    const bytes = readFileSync(zip);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(zip, bytes);
    const diff = await runCli(['diff', '1.0.0', '--root', root]);
    expect(diff.code).toBe(1);
    expect(diff.stderr).toContain(`.evergreen/artifacts/${rec.artifacts[0].sha256} (fixture-1.0.0-html.zip of release 1.0.0) does not match the sha256 it was published with`);

    rmSync(path.join(root, 'releases'), { recursive: true, force: true });
    const again = await release(root, '1.0.0');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Version 1.0.0 was already published (dist/site/manifest.json, the reader site generated earlier, lists it)');
  }, 300_000);

  it('records the sample verdicts: counts, compilers and policy', async () => {
    const root = gitBook();
    const r = await release(root, '1.0.0');
    expect(r.code, r.stderr).toBe(0);
    const v = record(root, '1.0.0').verification;
    expect(v).toMatchObject({ samples: 'checked', policy: 'auto', failed: 0 });
    expect(v.passed).toBeGreaterThan(0);
    expect(v.compilers[0]).toMatchObject({ name: expect.stringMatching(/TypeScript/i), version: expect.stringMatching(/^\d+\.\d+/) });
    const $ = cheerio.load(readFileSync(path.join(root, 'dist', 'site', 'index.html'), 'utf8'));
    expect($('.provenance').text()).toMatch(/^Verified before release: \d+ samples? passed.* with TypeScript \d/);
  }, 300_000);
});
