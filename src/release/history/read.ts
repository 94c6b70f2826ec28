import { existsSync } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import type { Book } from '../../book/model.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { EvergreenError } from '../../diagnostics/diagnostic.js';
import { sha256Bytes, sha256File } from '../../util/hash.js';
import { lockHeldByOther } from '../../util/pidLock.js';
import { blockHash, type Snapshot } from '../snapshot.js';
import { artifactStoreDir, checkStored, type StoredState, storedArtifactPath } from './artifactStore.js';
import {
  type ArtifactRecord,
  artifactName,
  blockFromStorage,
  fetchCommand,
  historyFormat,
  readableHistoryFormats,
  damaged,
  type StoredBlock,
  type History,
  type HistoryIndex,
  type PublishedRelease,
  publishingMarker,
  releasesDir,
  type ReleaseRecord,
  type YankRecord,
} from './format.js';

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
export interface OpenHistoryOptions {
  /** false: artifacts are checked by size only (right after publishing them); default: by sha256. */
  verifyArtifacts?: boolean;
  /** Remove the leftovers of an interrupted release. */
  cleanup?: boolean;
  /** The artifact store folder (book.yaml's `release.artifactStore`), relative to the root; default .evergreen/artifacts. */
  artifactStore?: string;
  /**
   * `allow`: an artifact absent from the store is listed in `history.missingArtifacts` (for commands that do
   * not need the bytes, such as diff); default `error`. A damaged artifact is an error either way.
   * `unchecked`: the store is not looked at (the artifacts commands check each artifact themselves).
   */
  missingArtifacts?: 'error' | 'allow' | 'unchecked';
}

/** A book's history, with its artifacts in the store its book.yaml names (`release.artifactStore`). */
export function openBookHistory(book: Pick<Book, 'root' | 'config'>, options: Omit<OpenHistoryOptions, 'artifactStore'> = {}): Promise<History> {
  return openHistory(book.root, { ...options, artifactStore: book.config.release?.artifactStore });
}

export async function openHistory(root: string, options: OpenHistoryOptions = {}): Promise<History> {
  const absRoot = path.resolve(root);
  const dir = releasesDir(absRoot);
  const history: History = {
    root: absRoot,
    dir,
    releases: [],
    store: new Map(),
    artifactStore: artifactStoreDir(absRoot, options.artifactStore),
    missingArtifacts: [],
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
    if (read && (!readableHistoryFormats.includes(read.format) || !Array.isArray(read.releases))) {
      problems.push(damaged(indexPath, `releases/history.json has an unknown format (${String(read.format)})`, 'Upgrade Evergreen, or restore the file from version control.'));
      index = { format: historyFormat, releases: [] };
    }
  }
  const listed = new Set(index.releases.map((r) => r.version));
  // Never clean up under a publisher that is still running: its staging folder is not a leftover.
  if (options.cleanup) {
    if (await lockHeldByOther(path.join(dir, '.lock'))) options = { ...options, cleanup: false };
  }

  // Leftovers of an interrupted release (never listed, still marked) are removed; anything else unlisted is damage.
  for (const name of versionDirs) {
    const versionDir = path.join(dir, name);
    const publishing = existsSync(path.join(versionDir, publishingMarker));
    if (listed.has(name)) {
      if (publishing && options.cleanup) await rm(path.join(versionDir, publishingMarker), { force: true });
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
    if (!readableHistoryFormats.includes(record.format)) {
      problems.push(damaged(releasePath, `Release ${entry.version} has record format ${String(record.format)}, which this Evergreen cannot read`, 'Upgrade Evergreen.'));
      continue;
    }
    if (record.version !== entry.version) problems.push(damaged(releasePath, `release.json says version ${record.version}, the index says ${entry.version}`));
    if ((previous?.version ?? null) !== (record.previous?.version ?? null)) {
      problems.push(
        damaged(releasePath, `Release ${entry.version} follows ${record.previous?.version ?? 'nothing'}, but the index lists it after ${previous?.version ?? 'nothing'}`),
      );
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
    // A problem with a stored artifact is reported, but the release is still read (its snapshot is intact),
    // so that one missing artifact is not also reported as a broken chain of releases.
    for (const artifact of record.artifacts) {
      if (artifact.storage !== 'store' || options.missingArtifacts === 'unchecked') continue;
      await checkStoreArtifact(history, entry.version, artifact, options, problems);
    }
    if (!ok) continue;
    const stored = JSON.parse(await readFile(path.join(versionDir, 'blocks.json'), 'utf8')) as Record<string, StoredBlock>;
    for (const [hash, storedBlock] of Object.entries(stored)) {
      const block = blockFromStorage(storedBlock);
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

/** Checks one artifact of the store against its record; a problem when it is damaged (or missing, unless allowed). */
async function checkStoreArtifact(history: History, version: string, artifact: ArtifactRecord, options: OpenHistoryOptions, problems: Diagnostic[]): Promise<void> {
  const file = storedArtifactPath(history.artifactStore, artifact.sha256);
  const shown = path.relative(history.root, file) || file;
  const name = artifactName(artifact);
  let state: StoredState;
  if (options.verifyArtifacts === false) {
    const size = existsSync(file) ? (await stat(file)).size : undefined;
    state = size === undefined ? { state: 'missing' } : size === artifact.size ? { state: 'ok' } : { state: 'damaged', actual: '', size };
  } else {
    state = await checkStored(history.artifactStore, artifact);
  }
  if (state.state === 'ok') return;
  if (state.state === 'missing') {
    if (options.missingArtifacts === 'allow') {
      history.missingArtifacts.push({ version, name, sha256: artifact.sha256, size: artifact.size, file });
      return;
    }
    problems.push({
      severity: 'error',
      file,
      message: `${name} of release ${version} (sha256 ${artifact.sha256.slice(0, 12)}…, ${artifact.size} bytes) is not in the artifact store ${path.relative(history.root, history.artifactStore) || history.artifactStore}`,
      hint: `The release history in git records the artifacts' hashes, not their bytes (a fresh clone has none). Run \`${fetchCommand}\` to fetch and verify them (from the reader site at the book's url, release.artifactSource, or --from <folder|url>).`,
      ruleId: 'release/artifact-missing',
    });
    return;
  }
  problems.push({
    severity: 'error',
    file,
    message: `${shown} (${name} of release ${version}) does not match the sha256 it was published with (the artifact store is content-addressed: the file must hash to its name)`,
    hint: `Delete it and run \`${fetchCommand}\` to fetch a verified copy.`,
    ruleId: 'release/damaged-history',
  });
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
