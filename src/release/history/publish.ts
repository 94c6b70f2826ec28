import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import { EvergreenError } from '../../diagnostics/diagnostic.js';
import { replaceFileDurably, syncDir, writeNewFileDurably } from '../../util/durableWrite.js';
import { sha256Bytes, sha256File } from '../../util/hash.js';
import { acquirePidLock, LockHeld } from '../../util/pidLock.js';
import type { BlockStore, Snapshot } from '../snapshot.js';
import {
  blockToStorage,
  type StoredBlock,
  type ArtifactKind,
  type ArtifactRecord,
  type FileRecord,
  type History,
  historyFormat,
  type HistoryIndex,
  type PublishedRelease,
  publishingMarker,
  readIndex,
  type ReleaseRecord,
  type VerificationRecord,
  type YankRecord,
} from './format.js';
import type { SourceRecord } from '../gitState.js';
import { openHistory } from './read.js';
import { checkStored, storeArtifact } from './artifactStore.js';

export interface NewRelease {
  version: string;
  date: string;
  notes: string;
  bookContentHash: string;
  snapshot: Snapshot;
  /** The whole block store of the snapshot (only blocks not already in the history are written). */
  store: BlockStore;
  artifacts: { kind: ArtifactKind; label: string; mediaType: string; name: string; bytes: Uint8Array }[];
  released?: string;
  source?: SourceRecord;
  verification?: VerificationRecord;
}

/** Test hook: `EVERGREEN_RELEASE_CRASH_AT=<step>` kills the process (SIGKILL, as a power cut would) at that step. */
export function crashPoint(step: string): void {
  if (process.env.EVERGREEN_RELEASE_CRASH_AT === step) {
    process.kill(process.pid, 'SIGKILL');
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

/** One publisher at a time: `releases/.lock` holds the publishing process id; a dead owner's lock is taken over. */
async function lockHistory(dir: string): Promise<() => Promise<void>> {
  try {
    return await acquirePidLock(path.join(dir, '.lock'));
  } catch (error) {
    if (error instanceof LockHeld) throw new EvergreenError(`Another release is being published (process ${error.owner}); try again when it has finished`, []);
    throw new EvergreenError(`Cannot lock the release history (releases/.lock): ${(error as Error).message}`, []);
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
      await writeNewFileDurably(path.join(stagedDir, ...rel.split('/')), bytes);
      files.push({ path: rel, size: bytes.length, sha256: sha256Bytes(bytes) });
    };
    const newBlocks: Record<string, StoredBlock> = {};
    const hashes = new Set<string>();
    for (const c of release.snapshot.chapters) for (const s of c.sections) for (const h of s.blocks) hashes.add(h);
    for (const hash of [...hashes].sort()) {
      if (history.store.has(hash)) continue;
      const block = release.store.get(hash);
      if (!block) throw new Error(`snapshot refers to block ${hash} missing from the store`);
      newBlocks[hash] = blockToStorage(block);
    }
    await writeNewFileDurably(path.join(stagedDir, publishingMarker), '');
    await put('snapshot.json', `${JSON.stringify(release.snapshot)}\n`);
    await put('blocks.json', `${JSON.stringify(newBlocks)}\n`);
    await put('notes.md', release.notes.endsWith('\n') || release.notes === '' ? release.notes : `${release.notes}\n`);
    // The artifacts' bytes go to the content-addressed store (outside git); the record keeps name, size and sha256.
    // Written before the record: a kill leaves at most an unreferenced object, never a record without its bytes.
    const artifacts: ArtifactRecord[] = [];
    for (const artifact of release.artifacts) {
      const sha256 = await storeArtifact(history.artifactStore, artifact.bytes);
      const stored = await checkStored(history.artifactStore, { sha256, size: artifact.bytes.length });
      if (stored.state !== 'ok') throw new Error(`the artifact store did not keep ${artifact.name} (${stored.state})`);
      artifacts.push({
        kind: artifact.kind,
        label: artifact.label,
        mediaType: artifact.mediaType,
        path: `artifacts/${artifact.name}`,
        size: artifact.bytes.length,
        sha256,
        storage: 'store',
      });
    }
    const record: ReleaseRecord = {
      format: historyFormat,
      version,
      date: release.date,
      notes: release.notes,
      previous: history.latest ? { version: history.latest.version, sha256: await releaseJsonHash(history.latest) } : null,
      bookContentHash: release.bookContentHash,
      ...(release.released ? { released: release.released } : {}),
      ...(release.source ? { source: release.source } : {}),
      ...(release.verification ? { verification: release.verification } : {}),
      files,
      artifacts,
    };
    const recordText = `${JSON.stringify(record, null, 2)}\n`;
    await writeNewFileDurably(path.join(stagedDir, 'release.json'), recordText);
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
      releases: [...history.releases.map((r) => ({ version: r.version, date: r.date, sha256: '' })), { version, date: release.date, sha256: sha256Bytes(recordText) }],
    };
    const oldIndex = await readIndex(history.root);
    for (let i = 0; i < history.releases.length; i++) index.releases[i].sha256 = oldIndex!.releases[i].sha256;
    if (oldIndex?.yanked) index.yanked = oldIndex.yanked;
    await replaceFileDurably(path.join(dir, 'history.json'), `${JSON.stringify(index, null, 2)}\n`);
    crashPoint('indexed');
    await rm(path.join(dir, version, publishingMarker), { force: true });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  const reopened = await openHistory(history.root, { verifyArtifacts: false, artifactStore: history.artifactStore });
  return reopened.get(version)!;
}

async function releaseJsonHash(release: PublishedRelease): Promise<string> {
  return sha256Bytes(await readFile(path.join(release.dir, 'release.json')));
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
    await replaceFileDurably(file, text);
    await replaceFileDurably(path.join(history.dir, 'history.json'), `${JSON.stringify({ ...index, yanked: { ...index.yanked, [version]: sha256Bytes(text) } }, null, 2)}\n`);
  } finally {
    await unlock();
  }
  return record;
}
