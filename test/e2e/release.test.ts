import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, runCli, tempDir } from '../helpers/cli.js';
import { editsForMajor, editsForMinor } from '../fixtures/release/edits.mjs';
import { findBrowser } from '../../src/util/browser.js';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

interface JsonDiff {
  from: string;
  to: string;
  bump: string;
  summary: Record<string, number>;
  chapters: {
    status: string;
    key: string;
    title: string;
    oldTitle?: string;
    renamed: boolean;
    moved: boolean;
    sections: { status: string; id: string; contentChanged: boolean; moved: boolean; samplesChanged: number; blocks: { op: string; parts?: { op: string; text: string }[] }[] }[];
  }[];
}

async function release(root: string, version: string, extra: string[] = [], env?: NodeJS.ProcessEnv) {
  return runCli(['release', version, '--root', root, '--format', 'html', '--yes', ...extra], { env });
}

async function diffJson(root: string, ...versions: string[]): Promise<JsonDiff> {
  const r = await runCli(['diff', ...versions, '--root', root, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as JsonDiff;
}

function notes(text: string): string {
  const file = path.join(tempDir('evergreen-notes-'), 'notes.md');
  writeFileSync(file, text);
  return file;
}

/** One book released three times: 1.0.0, then edits (1.1.0), then more edits (2.0.0). */
let root: string;
let afterFirst: string;

beforeAll(async () => {
  root = path.join(copyFixture('release/book'));
  const r1 = await release(root, '1.0.0', ['--date', '2026-01-10', '--notes', notes('First edition.\n')]);
  expect(r1.code, r1.stderr).toBe(0);
  afterFirst = tempDir('evergreen-release-first-');
  cpSync(root, afterFirst, { recursive: true });
  editsForMinor(root);
  const r2 = await release(root, 'minor', ['--date', '2026-03-01', '--notes', notes('Reworded *Why versions matter*; new chapter on advanced topics.\n')]);
  expect(r2.code, r2.stderr).toBe(0);
  editsForMajor(root);
  const r3 = await release(root, 'major', ['--date', '2026-06-01', '--notes', notes('The greeting sample prints in capitals; the legacy chapter is gone.\n')]);
  expect(r3.code, r3.stderr).toBe(0);
}, 300_000);

describe('evergreen diff', () => {
  it('reports exactly the edits of 1.1.0, and not the reflowed paragraph', async () => {
    const d = await diffJson(root, '1.0.0', '1.1.0');
    expect(d.chapters.map((c) => [c.key, c.status])).toEqual([
      ['intro', 'changed'],
      ['basics', 'changed'],
      ['advanced', 'added'],
    ]);
    const intro = d.chapters[0];
    expect(intro.renamed).toBe(false);
    // Only "why" changed; "how" was only reflowed.
    expect(intro.sections.map((s) => s.id)).toEqual(['why']);
    const modified = intro.sections[0].blocks.find((b) => b.op === 'modified')!;
    expect(modified.parts!.filter((p) => p.op !== 'same').map((p) => [p.op, p.text.trim()])).toEqual([
      ['del', 'type again'],
      ['ins', 'retype and why'],
    ]);
    const basics = d.chapters[1];
    expect(basics).toMatchObject({ title: 'First Steps', oldTitle: 'Basics', renamed: true });
    expect(basics.sections.map((s) => [s.id, s.status, s.moved, s.contentChanged])).toEqual([['setup', 'moved', true, false]]);
    expect(d.bump).toBe('minor');
    expect(d.summary).toMatchObject({ chaptersAdded: 1, chaptersRemoved: 0, chaptersRenamed: 1, sectionsChanged: 1, sectionsMoved: 1, samplesChanged: 0, sectionsRemoved: 0 });
  });

  it('reports the changed sample and the removed chapter in 2.0.0', async () => {
    const d = await diffJson(root, '1.1.0', '2.0.0');
    expect(d.chapters.map((c) => [c.key, c.status])).toEqual([
      ['basics', 'changed'],
      ['legacy', 'removed'],
    ]);
    expect(d.chapters[0].sections.map((s) => [s.id, s.samplesChanged])).toEqual([['variables', 1]]);
    expect(d.bump).toBe('major');
    expect(d.summary).toMatchObject({ chaptersRemoved: 1, samplesChanged: 1, chaptersAdded: 0 });
  });

  it('diffs directly from 1.0.0 to 2.0.0 (not chained)', async () => {
    const d = await diffJson(root, '1.0.0', '2.0.0');
    expect(d.chapters.map((c) => [c.key, c.status])).toEqual([
      ['intro', 'changed'],
      ['basics', 'changed'],
      ['advanced', 'added'],
      ['legacy', 'removed'],
    ]);
    expect(d.chapters[0].sections.map((s) => s.id)).toEqual(['why']);
    expect(d.chapters[1].sections.map((s) => s.id).sort()).toEqual(['setup', 'variables']);
    expect(d.summary.rereadMinutes).toBeGreaterThanOrEqual(1);
  });

  it('compares a release with the current manuscript, in the terminal', async () => {
    writeFileSync(
      path.join(root, 'manuscript', 'advanced.md'),
      `${readFileSync(path.join(root, 'manuscript', 'advanced.md'), 'utf8')}\n## Decorators {#decorators}\n\nDecorators annotate classes.\n`,
    );
    try {
      const r = await runCli(['diff', '2.0.0', '--root', root]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('Changes from 2.0.0 to current manuscript');
      expect(r.stdout).toContain('~ Advanced topics');
      expect(r.stdout).toContain('+ Decorators  (new section');
      expect(r.stdout).not.toContain('Introduction');
      expect(r.stdout).toContain('Suggested bump: minor');
    } finally {
      const file = path.join(root, 'manuscript', 'advanced.md');
      writeFileSync(file, readFileSync(file, 'utf8').replace('\n## Decorators {#decorators}\n\nDecorators annotate classes.\n', ''));
    }
  });
});

describe('the reader site', () => {
  const site = () => path.join(root, 'dist', 'site');

  it('has every page', () => {
    for (const page of [
      'index.html',
      'versions.html',
      'changes-since-1.0.0.html',
      'changes-since-1.1.0.html',
      'changes/1.0.0..1.1.0.json',
      'changes/1.0.0..2.0.0.json',
      'changes/1.1.0..2.0.0.json',
      'v/1.0.0/index.html',
      'v/1.0.0/legacy.html',
      'v/1.1.0/advanced.html',
      'v/2.0.0/basics.html',
      'downloads/fixture-1.0.0-html.zip',
      'downloads/fixture-2.0.0-html.zip',
      'feed.xml',
      'manifest.json',
      'assets/site.css',
    ]) {
      expect(existsSync(path.join(site(), page)), page).toBe(true);
    }
    expect(existsSync(path.join(site(), 'v/2.0.0/legacy.html'))).toBe(false);
  });

  it('shows what changed since each version, with the notes in between', () => {
    const html = readFileSync(path.join(site(), 'changes-since-1.0.0.html'), 'utf8');
    expect(html).toContain('What changed since 1.0.0');
    expect(html).toContain('<del>type again</del><ins>retype and why</ins>');
    expect(html).toContain('Reworded <em>Why versions matter</em>');
    expect(html).toContain('The greeting sample prints in capitals');
    expect(html).not.toContain('First edition.');
    expect(html).toContain('code changed');
    expect(html).toContain('href="v/2.0.0/basics.html#variables"');
    expect(html).not.toContain('How to read this book');
    const since11 = readFileSync(path.join(site(), 'changes-since-1.1.0.html'), 'utf8');
    expect(since11).not.toContain('retype');
    expect(since11).not.toContain('Reworded');
  });

  it('every section of the latest version knows the release it last changed in; older markers wait, hidden, for ?since=', () => {
    const intro = cheerio.load(readFileSync(path.join(site(), 'v/2.0.0/intro.html'), 'utf8'));
    const why = intro('.evergreen-updated[data-changed-in="1.1.0"]');
    expect(why.length).toBe(1);
    expect(why.attr('hidden')).toBeDefined();
    expect(why.prev().attr('id')).toBe('why');
    expect(why.find('a').attr('href')).toBe('../../changes-since-1.0.0.html#c-intro--why');
    const advanced = cheerio.load(readFileSync(path.join(site(), 'v/2.0.0/advanced.html'), 'utf8'));
    expect(advanced('.evergreen-updated').first().text()).toBe('New in 1.1.0');
    expect(advanced('script[src$="change-markers.js"]').attr('data-versions')).toBe('["1.0.0","1.1.0","2.0.0"]');
  });

  it.skipIf(!findBrowser())('?since=1.0.0 shows every section changed since 1.0.0, and the choice is remembered (needs Chromium)', async () => {
    const { launchBrowser } = await import('../../src/util/browser.js');
    const { serveFolder } = await import('../helpers/staticServer.js');
    const server = await serveFolder(site());
    const browser = await launchBrowser();
    try {
      const page = await browser.browser.newPage();
      const visible = async () =>
        page.$$eval('.evergreen-updated', (els) =>
          els.filter((e) => !(e as HTMLElement).hidden).map((e) => [e.getAttribute('data-changed-in'), e.querySelector('a')!.getAttribute('href')]),
        );
      await page.goto(`${server.url}v/2.0.0/intro.html`, { waitUntil: 'load' });
      expect(await visible()).toEqual([]);
      await page.goto(`${server.url}v/2.0.0/intro.html?since=1.0.0`, { waitUntil: 'load' });
      expect(await visible()).toEqual([['1.1.0', '../../changes-since-1.0.0.html#c-intro--why']]);
      expect(await page.$eval('.evergreen-my-version select', (s) => (s as HTMLSelectElement).value)).toBe('1.0.0');
      // Remembered: the same page without the parameter still marks changes since 1.0.0.
      await page.goto(`${server.url}v/2.0.0/basics.html`, { waitUntil: 'load' });
      expect((await visible()).map((m) => m[0])).toContain('2.0.0');
      await page.goto(`${server.url}v/2.0.0/intro.html`, { waitUntil: 'load' });
      expect(await visible()).toEqual([['1.1.0', '../../changes-since-1.0.0.html#c-intro--why']]);
    } finally {
      await browser.close();
      await server.close();
    }
  });

  it('marks sections updated in the latest release, and tells readers of older versions', () => {
    const latest = readFileSync(path.join(site(), 'v/2.0.0/basics.html'), 'utf8');
    expect(latest).toMatch(
      /id="variables"[\s\S]*?<\/h2><p class="evergreen-updated" data-changed-in="2.0.0" data-anchor="c-basics--variables"><a href="..\/..\/changes-since-1.1.0.html#c-basics--variables">Updated in 2.0.0<\/a>/,
    );
    expect(latest).not.toContain('evergreen-newer');
    // The marker's anchor exists on the diff page.
    expect(readFileSync(path.join(site(), 'changes-since-1.1.0.html'), 'utf8')).toContain('id="c-basics--variables"');
    const old = readFileSync(path.join(site(), 'v/1.0.0/index.html'), 'utf8');
    expect(old).toContain('class="evergreen-newer"');
    expect(old).toContain('href="../../changes-since-1.0.0.html"');
    expect(old).toContain('assets/update-check.js');
    // The published version is what readers got: its own footer says 1.0.0.
    expect(old).toMatch(/book-version">1\.0\.0</);
  });

  it('publishes an Atom feed with one entry per release', () => {
    const xml = readFileSync(path.join(site(), 'feed.xml'), 'utf8');
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(xml);
    const feed = parsed.feed;
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.id).toMatch(/^urn:uuid:/);
    const entries = feed.entry as { id: string; title: string; updated: string; link: { '@rel': string; '@href': string }[] }[];
    expect(entries.map((e) => e.title)).toEqual(['Release Fixture 2.0.0', 'Release Fixture 1.1.0', 'Release Fixture 1.0.0']);
    expect(new Set(entries.map((e) => e.id)).size).toBe(3);
    // The recorded release time; a release backdated with --date is put at noon UTC of that day.
    expect(entries[0].updated).toBe('2026-06-01T12:00:00Z');
    const alt = entries[0].link.find((l) => l['@rel'] === 'alternate')!;
    expect(alt['@href']).toBe('https://example.com/fixture/changes-since-1.1.0.html');
    for (const e of entries) for (const l of e.link) expect(l['@href']).toMatch(/^https:\/\/example\.com\/fixture\//);
  });

  it('lists every artifact in manifest.json with a sha256 that matches its file', () => {
    const manifest = JSON.parse(readFileSync(path.join(site(), 'manifest.json'), 'utf8'));
    expect(manifest.format).toBe('evergreen-manifest/1');
    expect(manifest.latest).toBe('2.0.0');
    expect(manifest.versions.map((v: { version: string }) => v.version)).toEqual(['2.0.0', '1.1.0', '1.0.0']);
    let checked = 0;
    for (const v of manifest.versions) {
      for (const a of v.artifacts) {
        const file = path.join(site(), a.path);
        expect(sha256(file), a.path).toBe(a.sha256);
        expect(readFileSync(file).length).toBe(a.size);
        // …and is the very file kept in the artifact store (outside git), named by its sha256.
        expect(sha256(path.join(root, '.evergreen', 'artifacts', a.sha256))).toBe(a.sha256);
        expect(existsSync(path.join(root, 'releases', v.version, 'artifacts')), 'no artifact bytes in releases/').toBe(false);
        checked++;
      }
      for (const entry of Object.values(v.changesSince) as { summary: string; sha256: string; page?: string }[]) {
        expect(sha256(path.join(site(), entry.summary)), entry.summary).toBe(entry.sha256);
        if (entry.page) expect(existsSync(path.join(site(), entry.page))).toBe(true);
      }
    }
    expect(checked).toBe(3);
    expect(Object.keys(manifest.versions[0].changesSince).sort()).toEqual(['1.0.0', '1.1.0']);
  });

  it('prints the released version in the built book', () => {
    const html = readFileSync(path.join(root, 'dist', 'html', 'index.html'), 'utf8');
    expect(html).toMatch(/book-version">2\.0\.0</);
  });

  it('regenerates the whole site from the history and the fetched artifacts (fresh clone + artifacts fetch + build)', async () => {
    const clone = tempDir('evergreen-clone-');
    cpSync(path.join(root, 'manuscript'), path.join(clone, 'manuscript'), { recursive: true });
    cpSync(path.join(root, 'releases'), path.join(clone, 'releases'), { recursive: true });
    const fetched = await runCli(['artifacts', 'fetch', '--from', path.join(root, 'dist', 'site'), '--root', clone]);
    expect(fetched.code, fetched.stderr).toBe(0);
    const r = await runCli(['build', '--root', clone, '--format', 'html']);
    expect(r.code, r.stderr).toBe(0);
    const a = readFileSync(path.join(clone, 'dist', 'site', 'manifest.json'), 'utf8');
    const b = readFileSync(path.join(root, 'dist', 'site', 'manifest.json'), 'utf8');
    expect(a).toBe(b);
    expect(readFileSync(path.join(clone, 'dist', 'site', 'changes-since-1.0.0.html'), 'utf8')).toBe(
      readFileSync(path.join(root, 'dist', 'site', 'changes-since-1.0.0.html'), 'utf8'),
    );
  });
});

const history = (dir: string) => readFileSync(path.join(dir, 'releases', 'history.json'), 'utf8');

describe('refusals', () => {
  it('refuses a version published before', async () => {
    const before = history(root);
    const r = await release(root, '2.0.0');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('2.0.0 was already published');
    expect(history(root)).toBe(before);
  });

  it('refuses a version lower than the latest', async () => {
    const r = await release(root, '1.5.0');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('1.5.0 is not greater than the latest release 2.0.0');
  });

  it('refuses when a sample fails', async () => {
    const dir = tempDir('evergreen-release-sample-');
    cpSync(afterFirst, dir, { recursive: true });
    const file = path.join(dir, 'manuscript', 'basics.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace('console.log(greeting);', 'console.log(greeting.nope());'));
    const before = history(dir);
    const r = await release(dir, '1.0.1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sample.*failed|refused until every sample passes/);
    expect(r.stderr).toContain('basics.md');
    expect(history(dir)).toBe(before);
    expect(existsSync(path.join(dir, 'releases', '1.0.1'))).toBe(false);
  });

  it('warns when the version contradicts the suggested bump', async () => {
    const dir = tempDir('evergreen-release-bump-');
    cpSync(afterFirst, dir, { recursive: true });
    const yaml = path.join(dir, 'manuscript', 'book.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('  - legacy.md\n', ''));
    const r = await release(dir, 'patch');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('The changes suggest a major release (1 chapter removed), but 1.0.1 is a patch release.');
    expect(r.stderr.split('The changes suggest').length - 1, 'each warning once').toBe(1);
  });

  it('detects a history file edited after publishing', async () => {
    const dir = tempDir('evergreen-release-edited-');
    cpSync(root, dir, { recursive: true });
    const notesFile = path.join(dir, 'releases', '1.1.0', 'notes.md');
    writeFileSync(notesFile, 'Rewritten history.\n');
    const r = await release(dir, '3.0.0');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(path.join('releases', '1.1.0', 'notes.md'));
    expect(r.stderr).toContain('sha256 mismatch');
    // Not silently used by a build either.
    const b = await runCli(['build', '--root', dir, '--format', 'html']);
    expect(b.code).toBe(1);
    expect(b.stderr).toContain('sha256 mismatch');
    const d = await runCli(['diff', '1.0.0', '--root', dir]);
    expect(d.code).toBe(1);
  });

  it('detects a history file deleted after publishing', async () => {
    const dir = tempDir('evergreen-release-deleted-');
    cpSync(root, dir, { recursive: true });
    const record = JSON.parse(readFileSync(path.join(dir, 'releases', '1.0.0', 'release.json'), 'utf8'));
    rmSync(path.join(dir, '.evergreen', 'artifacts', record.artifacts[0].sha256));
    const r = await release(dir, '3.0.0');
    expect(r.code).toBe(1);
    // Which artifact, and which command fetches it; nothing published.
    expect(r.stderr).toContain('fixture-1.0.0-html.zip of release 1.0.0');
    expect(r.stderr).toContain('is not in the artifact store .evergreen/artifacts');
    expect(r.stderr).toContain('`evergreen artifacts fetch`');
    expect(existsSync(path.join(dir, 'releases', '3.0.0'))).toBe(false);

    const dir2 = tempDir('evergreen-release-deleted-');
    cpSync(root, dir2, { recursive: true });
    rmSync(path.join(dir2, 'releases', 'history.json'));
    const r2 = await release(dir2, '3.0.0');
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('history.json is missing');
  });

  it('refuses to yank twice and keeps a yanked version listed', async () => {
    const dir = tempDir('evergreen-release-yank-');
    cpSync(root, dir, { recursive: true });
    const y = await runCli(['yank', '1.1.0', '--reason', 'Wrong sample output', '--root', dir]);
    expect(y.code, y.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'dist', 'site', 'manifest.json'), 'utf8'));
    expect(manifest.versions.find((v: { version: string }) => v.version === '1.1.0').yanked.reason).toBe('Wrong sample output');
    const again = await release(dir, '1.1.0');
    expect(again.code).toBe(1);
  });
});

describe('atomic publishing', () => {
  for (const step of ['built', 'staged', 'verified', 'renamed', 'indexed']) {
    it(`leaves the previous history intact when killed at "${step}"`, async () => {
      const dir = tempDir('evergreen-release-kill-');
      cpSync(root, dir, { recursive: true });
      const before = history(dir);
      const siteBefore = readFileSync(path.join(dir, 'dist', 'site', 'manifest.json'), 'utf8');
      writeFileSync(path.join(dir, 'manuscript', 'intro.md'), `${readFileSync(path.join(dir, 'manuscript', 'intro.md'), 'utf8')}\nOne more paragraph.\n`);
      const killed = await release(dir, '2.1.0', [], { EVERGREEN_RELEASE_CRASH_AT: step });
      expect(killed.code).not.toBe(0);
      // The site is untouched (it is regenerated only after the history is complete).
      expect(readFileSync(path.join(dir, 'dist', 'site', 'manifest.json'), 'utf8')).toBe(siteBefore);
      if (step === 'indexed') {
        // Killed after the commit point: 2.1.0 is fully published; the next build regenerates the site.
        expect(history(dir)).not.toBe(before);
        const b = await runCli(['build', '--root', dir, '--format', 'html']);
        expect(b.code, b.stderr).toBe(0);
        expect(JSON.parse(readFileSync(path.join(dir, 'dist', 'site', 'manifest.json'), 'utf8')).latest).toBe('2.1.0');
        return;
      }
      expect(history(dir)).toBe(before);
      const d = await runCli(['diff', '1.0.0', '2.0.0', '--root', dir]);
      expect(d.code, d.stderr).toBe(0);
      // Releasing again works: the leftovers of the killed run are cleaned up.
      const again = await release(dir, '2.1.0');
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(history(dir)).releases.map((r: { version: string }) => r.version)).toEqual(['1.0.0', '1.1.0', '2.0.0', '2.1.0']);
      expect(existsSync(path.join(dir, 'releases', '2.1.0', '.publishing'))).toBe(false);
    });
  }
});
