// Storage scenario: a book in a fresh git repository released as 1.0.0, then N one-word patch releases, each
// committed; after every release it measures what git tracks (releases/ and `git count-objects -v`) and the
// reader site (dist/site, hard-linked files counted once, as `du` does). Any Evergreen can run it (`--cli`),
// so the same book is measured with an older checkout and this one.
//
//   node scripts/storage-scenario.mjs --book <dir> [--releases 10] [--formats html,pdf] [--cli bin/evergreen.js] [--json]
//
// The book is copied (never edited in place); its book.yaml gets `samples: none`, since what is measured is
// storage, not samples.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** Bytes under a folder: `unique` counts a hard-linked file once (what the disk holds), `apparent` every path. */
export function folderBytes(dir) {
  const seen = new Set();
  let unique = 0;
  let apparent = 0;
  let files = 0;
  const walk = (d) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const s = lstatSync(p);
        files++;
        apparent += s.size;
        if (!seen.has(s.ino)) {
          seen.add(s.ino);
          unique += s.size;
        }
      }
    }
  };
  walk(dir);
  return { unique, apparent, files };
}

const git = (cwd, ...args) =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.com' },
  }).trim();

/** `git count-objects -v`: loose objects plus packs, in bytes. */
function gitObjectBytes(root) {
  const fields = Object.fromEntries(
    git(root, 'count-objects', '-v')
      .split('\n')
      .map((l) => l.split(': '))
      .map(([k, v]) => [k, Number(v)]),
  );
  return (fields.size + fields['size-pack']) * 1024;
}

/** One word of prose changed: the `n`-th long word outside code fences, front matter and headings, gets an "s". */
function editOneWord(file, n) {
  const lines = readFileSync(file, 'utf8').split('\n');
  let inFence = false;
  let inFront = lines[0] === '---';
  const candidates = [];
  for (const [i, line] of lines.entries()) {
    if (inFront) {
      if (i > 0 && line === '---') inFront = false;
      continue;
    }
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (inFence || /^\s*(#|\||<|```|~~~|>|-|\*|\d+\.)/.test(line)) continue;
    for (const m of line.matchAll(/\b[a-z]{7,}\b/g)) candidates.push({ i, index: m.index, word: m[0] });
  }
  if (candidates.length === 0) return false;
  const c = candidates[n % candidates.length];
  lines[c.i] = `${lines[c.i].slice(0, c.index)}${c.word}s${lines[c.i].slice(c.index + c.word.length)}`;
  writeFileSync(file, lines.join('\n'));
  return true;
}

/** @param {{ book: string, releases?: number, formats?: string, cli?: string, log?: (message: string) => void }} options */
export function runScenario({ book, releases = 10, formats = 'html', cli = path.join(here, '..', 'bin', 'evergreen.js'), log = () => {} }) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'evergreen-storage-'));
  cpSync(book, root, { recursive: true, filter: (src) => !/[\\/](dist|\.evergreen|releases|\.git)$/.test(src) });
  const yaml = path.join(root, 'manuscript', 'book.yaml');
  const config = readFileSync(yaml, 'utf8').replace(/^samples:.*\n/m, '');
  writeFileSync(yaml, `${config.trimEnd()}\nsamples: none\n`);
  writeFileSync(path.join(root, '.gitignore'), 'dist/\n.evergreen/\nnode_modules/\n');
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'book');
  const chapters = readdirSync(path.join(root, 'manuscript'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.md'))
    .sort();
  const release = (version) => {
    const started = performance.now();
    const r = spawnSync(process.execPath, [cli, 'release', version, '--root', root, '--format', formats, '--yes'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    if (r.status !== 0) throw new Error(`release ${version} failed:\n${r.stderr}`);
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', `release ${version}`);
    return performance.now() - started;
  };
  const measure = () => ({
    releases: folderBytes(path.join(root, 'releases')).apparent,
    gitObjects: gitObjectBytes(root),
    site: folderBytes(path.join(root, 'dist', 'site')),
    store: folderBytes(path.join(root, '.evergreen', 'artifacts')).apparent,
  });
  const start = measure();
  const ms = [release('1.0.0')];
  const afterFirst = measure();
  log(`1.0.0: releases/ ${afterFirst.releases} B, git objects ${afterFirst.gitObjects} B, site ${afterFirst.site.unique} B`);
  const record = JSON.parse(readFileSync(path.join(root, 'releases', '1.0.0', 'release.json'), 'utf8'));
  const artifactBytes = record.artifacts.reduce((n, a) => n + a.size, 0);
  for (let i = 0; i < releases; i++) {
    let chapter = i;
    while (!editOneWord(path.join(root, 'manuscript', chapters[chapter % chapters.length]), i)) chapter++;
    git(root, 'commit', '-qam', `one word (${i + 1})`);
    ms.push(release('patch'));
    log(`patch ${i + 1}: ${JSON.stringify(measure())}`);
  }
  const end = measure();
  git(root, 'gc', '-q');
  const packed = gitObjectBytes(root);
  rmSync(root, { recursive: true, force: true });
  const per = (k) => (end[k] - afterFirst[k]) / releases;
  return {
    formats,
    releases,
    chapters: chapters.length,
    artifactBytes,
    firstRelease: {
      releases: afterFirst.releases - start.releases,
      store: afterFirst.store - start.store,
      gitObjects: afterFirst.gitObjects - start.gitObjects,
      site: afterFirst.site.unique,
    },
    // A whole release, wherever its bytes went: its records plus its artifacts (in releases/ before the store).
    fullRelease: afterFirst.releases - start.releases + (afterFirst.store - start.store),
    perPatch: {
      releases: per('releases'),
      gitObjects: per('gitObjects'),
      siteUnique: (end.site.unique - afterFirst.site.unique) / releases,
      siteApparent: (end.site.apparent - afterFirst.site.apparent) / releases,
      store: per('store'),
    },
    total: { releases: end.releases, gitObjectsLoose: end.gitObjects, gitObjectsAfterGc: packed, siteUnique: end.site.unique, siteApparent: end.site.apparent, store: end.store },
    releaseMs: ms,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const book = option('book');
  if (!book) throw new Error('--book <dir> is required');
  const result = runScenario({
    book: path.resolve(book),
    releases: Number(option('releases', '10')),
    formats: option('formats', 'html'),
    cli: path.resolve(option('cli', path.join(here, '..', 'bin', 'evergreen.js'))),
    log: (m) => process.stderr.write(`${m}\n`),
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
