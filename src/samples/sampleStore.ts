import path from 'node:path';
import { cacheRoot, DiskCache } from '../util/diskCache.js';
import { sha256 } from '../util/hash.js';
import { toolchainFingerprint } from '../util/version.js';
import type { CachedOutcome, Sample } from './types.js';

/** A chapter's file: how many times it was written, and each outcome with the write that last asked for it. */
interface ChapterFile {
  writes: number;
  outcomes: Record<string, { outcome: CachedOutcome; askedAt: number }>;
}

function storeName(): string {
  return `samples-by-chapter-${toolchainFingerprint()}`;
}

/** The folder of the sample store under a book's cache folder. */
export function sampleStoreDir(cacheDir: string): string {
  return path.join(cacheDir, storeName());
}

/**
 * Samples' outcomes (types, hovers, runs) kept between commands: `check`, `build`, `release` and `dev` share
 * them, so an unchanged sample is never type-checked twice. Entries are found by sample key (its code,
 * setup, compiler and the files the compiler read: cacheKey.ts), and kept in one file per chapter: a file
 * per sample cost ~1 ms each to create on an ext4 disk, half a second of a cold build of the Handbook's 365
 * samples (docs/benchmarks.md).
 *
 * Outcomes set are written by `flush`, each changed chapter's file once, merged with what another command
 * stored in it meanwhile. An outcome no command asked for in the file's last few writes (a sample edited
 * away, a TypeScript version no longer checked) is dropped, so a file stays about the size of its chapter.
 */
export class SampleStore {
  private readonly disk: DiskCache<ChapterFile>;
  private readonly chapters = new Map<string, { outcomes: Record<string, CachedOutcome>; asked: Set<string>; changed: Set<string> }>();

  constructor(private readonly bookRoot: string) {
    this.disk = new DiskCache<ChapterFile>(cacheRoot(bookRoot), storeName());
  }

  get(sample: Sample, key: string): CachedOutcome | undefined {
    const chapter = this.chapter(sample);
    chapter.asked.add(key);
    return chapter.outcomes[key];
  }

  set(sample: Sample, key: string, outcome: CachedOutcome): void {
    const chapter = this.chapter(sample);
    chapter.asked.add(key);
    chapter.outcomes[key] = outcome;
    chapter.changed.add(key);
  }

  /** Writes the chapters whose outcomes were set since the last flush. */
  flush(): void {
    for (const [fileKey, chapter] of this.chapters) {
      if (chapter.changed.size === 0) continue;
      // Read again: another command may have written this chapter's file since.
      const stored = this.disk.get(fileKey);
      const writes = (stored?.writes ?? 0) + 1;
      const outcomes: ChapterFile['outcomes'] = {};
      for (const [key, entry] of Object.entries(stored?.outcomes ?? {})) {
        const askedAt = chapter.asked.has(key) ? writes : entry.askedAt;
        if (writes - askedAt <= keptForWrites) outcomes[key] = { outcome: entry.outcome, askedAt };
      }
      for (const key of chapter.changed) outcomes[key] = { outcome: chapter.outcomes[key]!, askedAt: writes };
      this.disk.set(fileKey, { writes, outcomes });
      chapter.outcomes = Object.fromEntries(Object.entries(outcomes).map(([key, entry]) => [key, entry.outcome]));
      chapter.changed.clear();
    }
  }

  private chapter(sample: Sample) {
    // Relative to the book, so a book moved or cloned elsewhere keeps its store.
    const fileKey = sha256('sample-outcomes', path.relative(this.bookRoot, sample.chapter.path));
    let chapter = this.chapters.get(fileKey);
    if (!chapter) {
      const stored = this.disk.get(fileKey);
      const outcomes = Object.fromEntries(Object.entries(stored?.outcomes ?? {}).map(([key, entry]) => [key, entry.outcome]));
      chapter = { outcomes, asked: new Set(), changed: new Set() };
      this.chapters.set(fileKey, chapter);
    }
    return chapter;
  }
}

/**
 * How many writes of a chapter's file an outcome survives without being asked for: enough for the outcomes
 * of `check` to outlive several builds that look at a few samples only (hovers off, a one-chapter edit).
 */
const keptForWrites = 8;
