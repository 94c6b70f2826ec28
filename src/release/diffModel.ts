import type { Block } from './snapshot.js';

/** What the diff engine reports (diff.ts computes it; format.ts, the site and the manifest show it). */
export interface InlinePart {
  op: 'same' | 'ins' | 'del';
  text: string;
}

export type BlockChange =
  | { op: 'same'; block: Block }
  | { op: 'added'; block: Block }
  | { op: 'removed'; block: Block }
  | { op: 'moved'; block: Block }
  | { op: 'modified'; old: Block; block: Block; parts: InlinePart[]; replaced?: boolean };

export type SectionStatus = 'added' | 'removed' | 'changed' | 'moved' | 'renamed';

export interface SectionDiff {
  status: SectionStatus;
  /** Id in the new version (or the old one, for removed sections). */
  id: string;
  oldId?: string;
  title: string;
  oldTitle?: string;
  renamed: boolean;
  /** Moved within its chapter, or from another chapter (`movedFrom`). */
  moved: boolean;
  movedFrom?: { chapterKey: string; chapterTitle: string };
  /** Content changed (some block added, removed or modified). */
  contentChanged: boolean;
  wordsAdded: number;
  wordsRemoved: number;
  samplesChanged: number;
  /** Every block of the section (unchanged ones as `same`, for context). */
  blocks: BlockChange[];
}

export type ChapterStatus = 'added' | 'removed' | 'changed';

export interface ChapterDiff {
  status: ChapterStatus;
  key: string;
  title: string;
  oldTitle?: string;
  slug: string;
  oldSlug?: string;
  renamed: boolean;
  moved: boolean;
  /** Only the sections that changed (all of them for added/removed chapters). */
  sections: SectionDiff[];
}

export type Bump = 'none' | 'patch' | 'minor' | 'major';

export interface DiffSummary {
  chaptersAdded: number;
  chaptersRemoved: number;
  chaptersRenamed: number;
  chaptersMoved: number;
  chaptersChanged: number;
  sectionsAdded: number;
  sectionsRemoved: number;
  sectionsChanged: number;
  sectionsMoved: number;
  sectionsRenamed: number;
  /** Existing code samples modified or removed (new samples are additions). */
  samplesChanged: number;
  wordsAdded: number;
  wordsRemoved: number;
  /** Words of new and changed blocks: what a reader re-reads. */
  wordsToReread: number;
  /** Estimated re-reading time at 230 words per minute, rounded up. */
  rereadMinutes: number;
  /** Blocks whose text diff ran out of time and are shown as replaced. */
  replacedBlocks: number;
}

export interface BookDiff {
  from: string;
  to: string;
  chapters: ChapterDiff[];
  summary: DiffSummary;
  bump: Bump;
  bumpReasons: string[];
}

export interface DiffOptions {
  /** Milliseconds for one block's text diff before it is shown as replaced. Default 100. */
  blockBudgetMs?: number;
  /** Milliseconds for the whole diff; after it, text diffs are skipped (blocks shown as replaced). Default 5000. */
  totalBudgetMs?: number;
}
