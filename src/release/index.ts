/**
 * The release stage's public API (re-exported by the package entry point): publish immutable versions,
 * diff them, and generate the reader site.
 */
export { release, diffVersions, resolveVersion, requestedBump, checkSamplesForRelease, ReleaseRefused, type ReleaseOptions, type ReleaseResult, type VersionRequest } from './release.js';
export {
  openHistory,
  publishRelease,
  yankRelease,
  artifactPath,
  releasesDir,
  type History,
  type PublishedRelease,
  type ReleaseRecord,
  type HistoryIndex,
  type ArtifactRecord,
  type ArtifactKind,
  type FileRecord,
  type YankRecord,
} from './history.js';
export { snapshotBook, blockHash, type Snapshot, type SnapshotChapter, type SnapshotSection, type Block, type BlockKind, type BlockStore } from './snapshot.js';
export { diffSnapshots, suggestBump, wordsPerMinute, type BookDiff, type ChapterDiff, type SectionDiff, type BlockChange, type InlinePart, type DiffSummary, type Bump, type DiffOptions } from './diff.js';
export { formatDiff } from './format.js';
export { siteRenderer, changeSummary, atomFeed, stableId, manifestFormat, changesFormat } from './site.js';
export { bookVersionFromHistory } from './version.js';
