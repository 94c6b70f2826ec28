import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, repoRoot, runCli, tempDir } from '../helpers/cli.js';
import { serveFolder } from '../helpers/staticServer.js';

/**
 * A format that only a book's evergreen.config.mjs knows (plain text) goes through every stage that publishes
 * formats: `--format`, the build, the release history, the reader site, the manifest, the feed and `evergreen
 * get`, none of which names it.
 */
let root: string;

beforeAll(() => {
  root = copyFixture('plugin-format');
  // The book depends on evergreen-book, as an installed book would.
  mkdirSync(path.join(root, 'node_modules'));
  symlinkSync(repoRoot, path.join(root, 'node_modules', 'evergreen-book'), 'dir');
});

describe('a format registered by evergreen.config.mjs', () => {
  it('is accepted by --format and built', async () => {
    const r = await runCli(['build', '--root', root, '--format', 'text']);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(path.join(root, 'dist', 'plain-words.txt'), 'utf8');
    expect(text).toContain('Plain Words (unreleased)');
    expect(text).toContain('TWO\n\nThe second chapter says a little more.');
    expect(existsSync(path.join(root, 'dist', 'html'))).toBe(false);
  });

  it('is listed in the usage error for an unknown format', async () => {
    const r = await runCli(['build', '--root', root, '--format', 'txt']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown format "txt". Use one or more of: html, pdf, epub, text.');
  });

  it('is released, offered on the reader site and in the feed, and downloaded by evergreen get', async () => {
    const released = await runCli(['release', '1.0.0', '--root', root, '--yes', '--date', '2026-05-01']);
    expect(released.code, released.stderr).toBe(0);
    const record = JSON.parse(readFileSync(path.join(root, 'releases', '1.0.0', 'release.json'), 'utf8')) as { artifacts: { kind: string; sha256: string }[] };
    const stored = path.join(root, '.evergreen', 'artifacts', record.artifacts.find((a) => a.kind === 'text')!.sha256);
    expect(readFileSync(stored, 'utf8')).toContain('Plain Words (1.0.0)');

    const site = path.join(root, 'dist', 'site');
    const manifest = JSON.parse(readFileSync(path.join(site, 'manifest.json'), 'utf8')) as {
      versions: { artifacts: { kind: string; label: string; mediaType: string; path: string; download: string }[] }[];
    };
    expect(manifest.versions[0].artifacts.map((a) => [a.kind, a.label, a.mediaType, a.path, a.download])).toEqual([
      ['html-zip', 'HTML book (zip)', 'application/zip', 'downloads/plain-words-1.0.0-html.zip', 'optional'],
      ['text', 'Plain text', 'text/plain', 'downloads/plain-words-1.0.0.txt', 'default'],
    ]);
    const $ = cheerio.load(readFileSync(path.join(site, 'index.html'), 'utf8'));
    expect(
      $('ul.downloads a')
        .map((_i, a) => [[$(a).text(), $(a).attr('href')]])
        .get(),
    ).toEqual([
      ['HTML book (zip)', 'downloads/plain-words-1.0.0-html.zip'],
      ['Plain text', 'downloads/plain-words-1.0.0.txt'],
    ]);
    const feed = new XMLParser({ ignoreAttributes: false }).parse(readFileSync(path.join(site, 'feed.xml'), 'utf8')) as {
      feed: { entry: { link: { '@_rel': string; '@_type': string }[] } };
    };
    expect(feed.feed.entry.link.filter((l) => l['@_rel'] === 'enclosure').map((l) => l['@_type'])).toEqual(['application/zip', 'text/plain']);

    const server = await serveFolder(site);
    try {
      const reader = tempDir('evergreen-plugin-reader-');
      const got = await runCli(['get', server.url, '--into', 'copy'], { cwd: reader });
      expect(got.code, got.stderr).toBe(0);
      expect(readdirSync(path.join(reader, 'copy')).filter((f) => !f.startsWith('.'))).toEqual(['plain-words-1.0.0.txt']);
      expect(readFileSync(path.join(reader, 'copy', 'plain-words-1.0.0.txt'))).toEqual(readFileSync(stored));
    } finally {
      await server.close();
    }
  });
});
