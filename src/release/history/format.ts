import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { SourceRecord } from '../gitState.js';
import type { Block, BlockKind, BlockStore, Snapshot } from '../snapshot.js';

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

/** The publishing format's artifact kind (`pdf`, `html-zip`, `epub`…; see the format registry). */
export type ArtifactKind = string;

export interface ArtifactRecord extends FileRecord {
  kind: ArtifactKind;
  /** What readers see on the download link (recorded since the format registry; older records have none). */
  label?: string;
  mediaType?: string;
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

/** The absolute path of a stored artifact. */
export function artifactPath(release: PublishedRelease, artifact: FileRecord): string {
  return path.join(release.dir, ...artifact.path.split('/'));
}

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
