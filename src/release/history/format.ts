import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { SourceRecord } from '../gitState.js';
import type { Block, BlockKind, BlockStore, Snapshot } from '../snapshot.js';
import { storedArtifactPath } from './artifactStore.js';

/**
 * The release history: `releases/` at the book root, committed with the book (never under dist/).
 *
 *     releases/history.json            the index: every published version with the sha256 of its release.json (and of each yank record)
 *     releases/<version>/release.json  date, notes, previous release, files and artifacts with size and sha256
 *     releases/<version>/snapshot.json normalized content (chapters → sections → block hashes)
 *     releases/<version>/blocks.json   the blocks first seen in this release (content-addressed, shared)
 *     releases/<version>/notes.md      the human release notes
 *     releases/<version>/artifacts/    (history format 1 only) the published PDF and HTML zip, byte for byte
 *     releases/yanked/<version>.json   a withdrawn version's reason (the version stays listed)
 *
 * Since history format 2 the artifacts' bytes are not in releases/: release.json records their name, size
 * and sha256, and the bytes live in the content-addressed artifact store (artifactStore.ts), outside git.
 * Releases made before keep their artifacts in their folder and are read as they are (a record is never
 * rewritten: each release.json's hash is chained into the next and into history.json).
 *
 * Nothing here is ever overwritten or deleted: a release is staged in `releases/.staging-*`, verified,
 * renamed into place, and only then listed in history.json (written to a temporary file and renamed).
 * A kill at any point leaves the previous history intact; the half-published leftovers are recognized by
 * their `.publishing` marker and removed by the next command.
 */
export const historyFormat = 2;
/** Formats this version reads: 1 kept artifacts in releases/<version>/artifacts/, 2 keeps them in the store. */
export const readableHistoryFormats: readonly number[] = [1, 2];

export interface FileRecord {
  /** Path relative to the release folder, with forward slashes. */
  path: string;
  size: number;
  sha256: string;
}

/** The publishing format's artifact kind (`pdf`, `html-zip`, `epub`…; see the format registry). */
export type ArtifactKind = string;

export interface ArtifactRecord extends FileRecord {
  kind: ArtifactKind;
  /** What readers see on the download link (recorded since the format registry; older records have none). */
  label?: string;
  mediaType?: string;
  /**
   * `store`: the bytes are in the artifact store under `sha256` (history format 2); `path` then only names
   * the file (`artifacts/<name>`) for downloads. Absent: the file is in the release folder at `path`.
   */
  storage?: 'store';
}

/** An artifact the history records whose bytes are not in the store (a fresh clone before `evergreen artifacts fetch`). */
export interface MissingArtifact {
  version: string;
  name: string;
  sha256: string;
  size: number;
  /** Where it was looked for. */
  file: string;
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
  /** When it was released (ISO 8601); absent in records from before it was kept. */
  released?: string;
  /** The git commit released and whether the tree was clean (`{ git: false }` outside git). */
  source?: SourceRecord;
  /** What was verified before publishing: the samples' verdicts, or that they were not checked and why. */
  verification?: VerificationRecord;
  /** Every file of the release folder except release.json itself. */
  files: FileRecord[];
  artifacts: ArtifactRecord[];
}

export interface VerificationRecord {
  samples: 'checked' | 'skipped';
  /** book.yaml's `samples` setting (auto, all, marked, none). */
  policy: string;
  /** Why the samples were not checked. */
  reason?: string;
  passed?: number;
  failed?: number;
  /** Samples the policy does not check (e.g. unmarked ones under `marked`). */
  skipped?: number;
  /** Type-checked but not run (DOM samples, the run policy). */
  typeCheckedOnly?: number;
  compilers?: { name: string; version: string }[];
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
  /** The artifact store folder (absolute). */
  artifactStore: string;
  /** Artifacts absent from the store, when the history was opened with `missingArtifacts: 'allow'`. */
  missingArtifacts: MissingArtifact[];
  get(version: string): PublishedRelease | undefined;
}

export function releasesDir(root: string): string {
  return path.join(path.resolve(root), 'releases');
}

/** Marks a release folder that is still being published (removed last). */
export const publishingMarker = '.publishing';

/** A problem found in the history: the history is never edited by hand, so the fix is to restore it. */
export function damaged(file: string, message: string, hint?: string): Diagnostic {
  return {
    severity: 'error',
    file,
    message,
    hint: hint ?? 'The release history must not be edited by hand. Restore the file from version control (e.g. `git checkout -- releases/`).',
    ruleId: 'release/damaged-history',
  };
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

/** The absolute path of a published artifact's bytes: in the store, or (format 1) in its release folder. */
export function artifactPath(history: History, release: PublishedRelease, artifact: ArtifactRecord): string {
  return artifact.storage === 'store' ? storedArtifactPath(history.artifactStore, artifact.sha256) : path.join(release.dir, ...artifact.path.split('/'));
}

/** The file name readers download (`evergreen-1.2.0.pdf`). */
export function artifactName(artifact: FileRecord): string {
  return path.posix.basename(artifact.path);
}

/** What to run to fill the store, for messages. */
export const fetchCommand = 'evergreen artifacts fetch';

/**
 * A block as blocks.json stores it: one-letter keys keep a long history small. Only this module sees them;
 * everything else works with named fields.
 */
export interface StoredBlock {
  k: BlockKind;
  x: string;
  l?: string;
  s?: string;
}

export function blockFromStorage(stored: StoredBlock): Block {
  return { kind: stored.k, text: stored.x, ...(stored.l !== undefined ? { lang: stored.l } : {}), ...(stored.s !== undefined ? { sample: stored.s } : {}) };
}

export function blockToStorage(block: Block): StoredBlock {
  return { k: block.kind, x: block.text, ...(block.lang !== undefined ? { l: block.lang } : {}), ...(block.sample !== undefined ? { s: block.sample } : {}) };
}
