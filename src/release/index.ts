/**
 * The release stage's public API (re-exported by the package entry point): publish immutable versions,
 * diff them, withdraw them, and generate the reader site.
 */
export { ReleaseRefused } from './errors.js';
export { release, diffVersions, resolveVersion, requestedBump, type ReleaseOptions, type ReleaseResult, type VersionRequest } from './release.js';
export { yank } from './yank.js';
export {
  openHistory,
  publishRelease,
  yankRelease,
  artifactPath,
  artifactName,
  artifactStoreDir,
  type MissingArtifact,
  releasesDir,
  type History,
  type PublishedRelease,
  type ReleaseRecord,
  type HistoryIndex,
  type ArtifactRecord,
  type ArtifactKind,
  type FileRecord,
  type YankRecord,
} from './history/index.js';
export { snapshotBook, blockHash, type Snapshot, type SnapshotChapter, type SnapshotSection, type Block, type BlockKind, type BlockStore } from './snapshot.js';
export {
  diffSnapshots,
  suggestBump,
  wordsPerMinute,
  type BookDiff,
  type ChapterDiff,
  type SectionDiff,
  type BlockChange,
  type InlinePart,
  type DiffSummary,
  type Bump,
  type DiffOptions,
} from './diff.js';
export { formatDiff } from './format.js';
export { changeSentence } from './changeSentence.js';
export { refreshSite, changeSummary, atomFeed, stableId, manifestFormat, changesFormat, type SiteOptions, type SiteResult } from './site/index.js';
export { bookVersionFromHistory } from './version.js';
