import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import semver from 'semver';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { EvergreenError } from '../diagnostics/diagnostic.js';
import { type Block, type BlockStore, blockHash, type Snapshot } from './snapshot.js';

/**
 * The release history: `releases/` at the book root, committed with the book (never under dist/).
 *
 *     releases/history.json            the index: every published version with the sha256 of its release.json (and of each yank record)
 *     releases/<version>/release.json  date, notes, previous release, files and artifacts with size and sha256
 *     releases/<version>/snapshot.json normalized content (chapters → sections → block hashes)
 *     releases/<version>/blocks.json   the blocks first seen in this release (content-addressed, shared)
 *     releases/<version>/notes.md      the human release notes
 *     releases/<version>/artifacts/    the published PDF and HTML zip, byte for byte
 *     releases/yanked/<version>.json   a withdrawn version's reason (the version stays listed)
 *
 * Nothing here is ever overwritten or deleted: a release is staged in `releases/.staging-*`, verified,
 * renamed into place, and only then listed in history.json (written to a temporary file and renamed).
 * A kill at any point leaves the previous history intact; the half-published leftovers are recognized by
 * their `.publishing` marker and removed by the next command.
 */
export const historyFormat = 1;

export interface FileRecord {
  /** Path relative to the release folder, with forward slashes. */
  path: string;
  size: number;
  sha256: string;
}

export type ArtifactKind = 'pdf' | 'html-zip';

export interface ArtifactRecord extends FileRecord {
  kind: ArtifactKind;
}

export interface ReleaseRecord {
  format: number;
  version: string;
  /** YYYY-MM-DD */
  date: string;
  notes: string;
  previous: { version: string; sha256: string } | null;
  /** `Book.contentHash` of the released manuscript: a build compares it to show "+ unreleased changes". */
  bookContentHash: string;
  /** Every file of the release folder except release.json itself. */
  files: FileRecord[];
  artifacts: ArtifactRecord[];
}

export interface HistoryIndex {
  format: number;
  releases: { version: string; date: string; sha256: string }[];
  /** Yanked versions → sha256 of their `yanked/<version>.json`. */
  yanked?: Record<string, string>;
}

export interface YankRecord {
  version: string;
  reason: string;
  date: string;
}

export interface PublishedRelease extends ReleaseRecord {
  /** Absolute path of the release folder. */
  dir: string;
  snapshot: Snapshot;
  yanked?: YankRecord;
}

export interface History {
  root: string;
  dir: string;
  /** Oldest first. */
  releases: PublishedRelease[];
  latest?: PublishedRelease;
  /** Every block of every release, by hash. */
  store: BlockStore;
  get(version: string): PublishedRelease | undefined;
}

export function releasesDir(root: string): string {
  return path.join(path.resolve(root), 'releases');
}

const marker = '.publishing';

function damaged(file: string, message: string, hint?: string): Diagnostic {
  return {
    severity: 'error',
    file,
    message,
    hint: hint ?? 'The release history must not be edited by hand. Restore the file from version control (e.g. `git checkout -- releases/`).',
    ruleId: 'release/damaged-history',
  };
}

export async function sha256File(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

export function sha256Bytes(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function readJson<T>(file: string, problems: Diagnostic[]): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (error) {
    problems.push(damaged(file, `Cannot read ${path.basename(file)}: ${(error as Error).message}`));
    return undefined;
  }
}

function isVersionDir(name: string): boolean {
  return semver.valid(name) === name;
}

/** Reads and verifies the whole history. Damage (a missing file, a hash mismatch) is an EvergreenError naming the file. */
export async function openHistory(root: string, options: { verifyArtifacts?: boolean; cleanup?: boolean } = {}): Promise<History> {
  const absRoot = path.resolve(root);
  const dir = releasesDir(absRoot);
  const history: History = {
    root: absRoot,
    dir,
    releases: [],
    store: new Map(),
    get(version) {
      return this.releases.find((r) => r.version === version);
    },
  };
  if (!existsSync(dir)) return history;
  const problems: Diagnostic[] = [];
  const indexPath = path.join(dir, 'history.json');
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory());
  const versionDirs = entries.map((e) => e.name).filter(isVersionDir);
  let index: HistoryIndex = { format: historyFormat, releases: [] };
  if (existsSync(indexPath)) {
    const read = await readJson<HistoryIndex>(indexPath, problems);
    if (read) index = read;
    if (read && (read.format !== historyFormat || !Array.isArray(read.releases))) {
      problems.push(damaged(indexPath, `releases/history.json has an unknown format (${String(read.format)})`, 'Upgrade Evergreen, or restore the file from version control.'));
      index = { format: historyFormat, releases: [] };
    }
  }
  const listed = new Set(index.releases.map((r) => r.version));
  // Never clean up under a publisher that is still running: its staging folder is not a leftover.
  if (options.cleanup) {
    const owner = Number((await readFile(path.join(dir, '.lock'), 'utf8').catch(() => '')).trim());
    if (owner && owner !== process.pid && processAlive(owner)) options = { ...options, cleanup: false };
  }

  // Leftovers of an interrupted release (never listed, still marked) are removed; anything else unlisted is damage.
  for (const name of versionDirs) {
    const versionDir = path.join(dir, name);
    const publishing = existsSync(path.join(versionDir, marker));
    if (listed.has(name)) {
      if (publishing && options.cleanup) await rm(path.join(versionDir, marker), { force: true });
      continue;
    }
    if (publishing) {
      if (options.cleanup) await rm(versionDir, { recursive: true, force: true });
      continue;
    }
    problems.push(
      damaged(
        existsSync(indexPath) ? indexPath : versionDir,
        existsSync(indexPath)
          ? `releases/${name}/ is a published release but is not listed in releases/history.json`
          : `releases/history.json is missing, but releases/${name}/ exists`,
      ),
    );
  }
  if (options.cleanup) {
    for (const e of entries) if (e.name.startsWith('.staging-')) await rm(path.join(dir, e.name), { recursive: true, force: true });
  }

  let previous: PublishedRelease | undefined;
  for (const entry of index.releases) {
    const versionDir = path.join(dir, entry.version);
    const releasePath = path.join(versionDir, 'release.json');
    if (!existsSync(releasePath)) {
      problems.push(damaged(releasePath, `Release ${entry.version} is listed in releases/history.json but ${path.relative(absRoot, releasePath)} is missing`));
      continue;
    }
    const bytes = await readFile(releasePath);
    if (sha256Bytes(bytes) !== entry.sha256) {
      problems.push(damaged(releasePath, `${path.relative(absRoot, releasePath)} was modified after it was published (sha256 mismatch)`));
      continue;
    }
    const record = JSON.parse(bytes.toString('utf8')) as ReleaseRecord;
    if (record.version !== entry.version) problems.push(damaged(releasePath, `release.json says version ${record.version}, the index says ${entry.version}`));
    if ((previous?.version ?? null) !== (record.previous?.version ?? null)) {
      problems.push(damaged(releasePath, `Release ${entry.version} follows ${record.previous?.version ?? 'nothing'}, but the index lists it after ${previous?.version ?? 'nothing'}`));
    }
    let ok = true;
    for (const file of record.files) {
      const abs = path.join(versionDir, ...file.path.split('/'));
      if (!existsSync(abs)) {
        problems.push(damaged(abs, `${path.relative(absRoot, abs)} is missing (published in ${entry.version})`));
        ok = false;
        continue;
      }
      const isArtifact = file.path.startsWith('artifacts/');
      if (isArtifact && options.verifyArtifacts === false) {
        if ((await stat(abs)).size !== file.size) {
          problems.push(damaged(abs, `${path.relative(absRoot, abs)} was modified after it was published (size mismatch)`));
          ok = false;
        }
        continue;
      }
      const actual = await sha256File(abs);
      if (actual.sha256 !== file.sha256) {
        problems.push(damaged(abs, `${path.relative(absRoot, abs)} was modified after it was published (sha256 mismatch)`));
        ok = false;
      }
    }
    if (!ok) continue;
    const blocks = JSON.parse(await readFile(path.join(versionDir, 'blocks.json'), 'utf8')) as Record<string, Block>;
    for (const [hash, block] of Object.entries(blocks)) {
      if (blockHash(block) !== hash) problems.push(damaged(path.join(versionDir, 'blocks.json'), `Block ${hash} does not match its content`));
      history.store.set(hash, block);
    }
    const snapshot = JSON.parse(await readFile(path.join(versionDir, 'snapshot.json'), 'utf8')) as Snapshot;
    const published: PublishedRelease = { ...record, dir: versionDir, snapshot };
    const yankPath = path.join(dir, 'yanked', `${entry.version}.json`);
    const yankHash = index.yanked?.[entry.version];
    if (existsSync(yankPath)) {
      const bytes = await readFile(yankPath);
      if (!yankHash) problems.push(damaged(yankPath, `${path.relative(absRoot, yankPath)} is not recorded in releases/history.json`));
      else if (sha256Bytes(bytes) !== yankHash) problems.push(damaged(yankPath, `${path.relative(absRoot, yankPath)} was modified after it was written (sha256 mismatch)`));
      else published.yanked = JSON.parse(bytes.toString('utf8')) as YankRecord;
    } else if (yankHash) {
      problems.push(damaged(yankPath, `${path.relative(absRoot, yankPath)} is missing (version ${entry.version} was yanked)`));
    }
    history.releases.push(published);
    previous = published;
  }
  for (const release of history.releases) {
    for (const chapter of release.snapshot.chapters)
      for (const section of chapter.sections)
        for (const hash of section.blocks)
          if (!history.store.has(hash)) {
            problems.push(damaged(path.join(release.dir, 'snapshot.json'), `Release ${release.version} refers to block ${hash}, which no release stores`));
          }
  }
  if (problems.length > 0) {
    throw new EvergreenError(`The release history in ${path.relative(process.cwd(), dir) || dir} is damaged`, dedupe(problems));
  }
  history.latest = history.releases[history.releases.length - 1];
  return history;
}

function dedupe(items: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return items.filter((d) => {
    const key = `${d.file}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Only the history index, without verification: for showing the version in a build cheaply. */
export async function readIndex(root: string): Promise<HistoryIndex | undefined> {
  const file = path.join(releasesDir(root), 'history.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as HistoryIndex;
  } catch {
    return undefined;
  }
}

export interface NewRelease {
  version: string;
  date: string;
  notes: string;
  bookContentHash: string;
  snapshot: Snapshot;
  /** The whole block store of the snapshot (only blocks not already in the history are written). */
  store: BlockStore;
  artifacts: { kind: ArtifactKind; name: string; bytes: Uint8Array }[];
}

/** Test hook: `EVERGREEN_RELEASE_CRASH_AT=<step>` kills the process (SIGKILL, as a power cut would) at that step. */
export function crashPoint(step: string): void {
  if (process.env.EVERGREEN_RELEASE_CRASH_AT === step) {
    process.kill(process.pid, 'SIGKILL');
  }
}

async function writeDurable(file: string, data: Uint8Array | string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* some platforms cannot fsync a directory */
  }
}

/**
 * Publishes a release atomically: stage → fsync → verify hashes → rename the folder into place → list it in
 * history.json (temp file + rename). Refuses a version that is not greater than the latest or was ever published.
 */
export async function publishRelease(history: History, release: NewRelease): Promise<PublishedRelease> {
  const { version } = release;
  const dir = history.dir;
  if (history.get(version) || existsSync(path.join(dir, version))) {
    throw new EvergreenError(`Version ${version} was already published`, []);
  }
  if (history.latest && !semver.gt(version, history.latest.version)) {
    throw new EvergreenError(`Version ${version} is not greater than the latest release ${history.latest.version}`, []);
  }
  await mkdir(dir, { recursive: true });
  const unlock = await lockHistory(dir);
  try {
    return await publishLocked(history, release);
  } finally {
    await unlock();
  }
}

/**
 * One publisher at a time: `releases/.lock` holds the publishing process id. A lock left by a killed
 * process (its pid no longer runs) is taken over.
 */
async function lockHistory(dir: string): Promise<() => Promise<void>> {
  const lock = path.join(dir, '.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lock, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
      if (owner && owner !== process.pid && processAlive(owner)) {
        throw new EvergreenError(`Another release is being published (process ${owner}); try again when it has finished`, []);
      }
      await rm(lock, { force: true });
    }
  }
  throw new EvergreenError('Cannot lock the release history (releases/.lock)', []);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function publishLocked(history: History, release: NewRelease): Promise<PublishedRelease> {
  const { version } = release;
  const dir = history.dir;
  // Re-read under the lock: another process may have published since `history` was opened.
  const index = await readIndex(history.root);
  if ((index?.releases.length ?? 0) !== history.releases.length || existsSync(path.join(dir, version))) {
    throw new EvergreenError(`The release history changed while ${version} was being prepared (another release was published); run the release again`, []);
  }
  const staging = path.join(dir, `.staging-${randomBytes(4).toString('hex')}`);
  const stagedDir = path.join(staging, version);
  try {
    const files: FileRecord[] = [];
    const put = async (rel: string, data: Uint8Array | string) => {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      await writeDurable(path.join(stagedDir, ...rel.split('/')), bytes);
      files.push({ path: rel, size: bytes.length, sha256: sha256Bytes(bytes) });
    };
    const newBlocks: Record<string, Block> = {};
    const hashes = new Set<string>();
    for (const c of release.snapshot.chapters) for (const s of c.sections) for (const h of s.blocks) hashes.add(h);
    for (const hash of [...hashes].sort()) {
      if (history.store.has(hash)) continue;
      const block = release.store.get(hash);
      if (!block) throw new Error(`snapshot refers to block ${hash} missing from the store`);
      newBlocks[hash] = block;
    }
    await writeDurable(path.join(stagedDir, marker), '');
    await put('snapshot.json', `${JSON.stringify(release.snapshot)}\n`);
    await put('blocks.json', `${JSON.stringify(newBlocks)}\n`);
    await put('notes.md', release.notes.endsWith('\n') || release.notes === '' ? release.notes : `${release.notes}\n`);
    const artifacts: ArtifactRecord[] = [];
    for (const artifact of release.artifacts) {
      await put(`artifacts/${artifact.name}`, artifact.bytes);
      artifacts.push({ kind: artifact.kind, ...files[files.length - 1] });
    }
    const record: ReleaseRecord = {
      format: historyFormat,
      version,
      date: release.date,
      notes: release.notes,
      previous: history.latest ? { version: history.latest.version, sha256: await releaseJsonHash(history.latest) } : null,
      bookContentHash: release.bookContentHash,
      files,
      artifacts,
    };
    const recordText = `${JSON.stringify(record, null, 2)}\n`;
    await writeDurable(path.join(stagedDir, 'release.json'), recordText);
    await syncDir(stagedDir);
    crashPoint('staged');

    // Verify what is on disk, not what we meant to write.
    for (const file of files) {
      const actual = await sha256File(path.join(stagedDir, ...file.path.split('/')));
      if (actual.sha256 !== file.sha256 || actual.size !== file.size) throw new Error(`staged file ${file.path} does not match what was written`);
    }
    crashPoint('verified');

    await rename(stagedDir, path.join(dir, version));
    await syncDir(dir);
    crashPoint('renamed');

    const index: HistoryIndex = {
      format: historyFormat,
      releases: [
        ...history.releases.map((r) => ({ version: r.version, date: r.date, sha256: '' })),
        { version, date: release.date, sha256: sha256Bytes(recordText) },
      ],
    };
    const oldIndex = await readIndex(history.root);
    for (let i = 0; i < history.releases.length; i++) index.releases[i].sha256 = oldIndex!.releases[i].sha256;
    if (oldIndex?.yanked) index.yanked = oldIndex.yanked;
    await replaceFile(path.join(dir, 'history.json'), `${JSON.stringify(index, null, 2)}\n`);
    crashPoint('indexed');
    await rm(path.join(dir, version, marker), { force: true });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  const reopened = await openHistory(history.root, { verifyArtifacts: false });
  return reopened.get(version)!;
}

async function releaseJsonHash(release: PublishedRelease): Promise<string> {
  return sha256Bytes(await readFile(path.join(release.dir, 'release.json')));
}

/** Writes a whole file by temporary file + fsync + rename: readers see the old or the new content, never a mix. */
export async function replaceFile(file: string, data: string | Uint8Array): Promise<void> {
  const temp = `${file}.tmp-${randomBytes(4).toString('hex')}`;
  await writeDurable(temp, data);
  await rename(temp, file);
  await syncDir(path.dirname(file));
}

/** Marks a published version as withdrawn (it stays listed, with the reason). A yank is itself permanent. */
export async function yankRelease(history: History, version: string, reason: string, date: string): Promise<YankRecord> {
  const release = history.get(version);
  if (!release) throw new EvergreenError(`Version ${version} was never published`, []);
  if (release.yanked) throw new EvergreenError(`Version ${version} was already yanked on ${release.yanked.date}: ${release.yanked.reason}`, []);
  const record: YankRecord = { version, reason, date };
  const file = path.join(history.dir, 'yanked', `${version}.json`);
  const text = `${JSON.stringify(record, null, 2)}\n`;
  const unlock = await lockHistory(history.dir);
  try {
    const index = await readIndex(history.root);
    if (!index || index.releases.length !== history.releases.length) throw new EvergreenError('The release history changed meanwhile; run the command again', []);
    // The record first, then the index that vouches for it (a kill in between leaves an unlisted record,
    // which the next command reports instead of trusting).
    await mkdir(path.dirname(file), { recursive: true });
    await replaceFile(file, text);
    await replaceFile(path.join(history.dir, 'history.json'), `${JSON.stringify({ ...index, yanked: { ...index.yanked, [version]: sha256Bytes(text) } }, null, 2)}\n`);
  } finally {
    await unlock();
  }
  return record;
}

/** The absolute path of a stored artifact. */
export function artifactPath(release: PublishedRelease, artifact: FileRecord): string {
  return path.join(release.dir, ...artifact.path.split('/'));
}
