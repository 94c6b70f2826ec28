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
  /** `fromQuote`: code that was inside a quote in the old version (the quote's other words are their own change). */
  | { op: 'moved'; block: Block; fromQuote?: boolean }
  | {
      op: 'modified';
      old: Block;
      block: Block;
      parts: InlinePart[];
      replaced?: boolean;
      /** Only punctuation changed (no word added or removed): a correction, not a change to re-read. */
      correction?: boolean;
      /** Only a code block's fence language changed (`old.lang` → `block.lang`); its text did not. */
      langChanged?: boolean;
      /** A code block that moved into this quote (its text is `same` in `parts`): moved, not changed. */
      movedCode?: boolean;
      /** Printed output that changed under an unchanged sample: a new TypeScript, or the author's edit. */
      outputCause?: OutputCause;
    };

/** Why an output changed while its sample's code did not (told from the TypeScript versions the releases recorded). */
export type OutputCause = { by: 'typescript'; from: string; to: string } | { by: 'edit'; typescript: string };

export type SectionStatus = 'added' | 'removed' | 'changed' | 'moved' | 'renamed' | 'level-changed';

export interface SectionDiff {
  status: SectionStatus;
  /** Id in the new version (or the old one, for removed sections). */
  id: string;
  oldId?: string;
  title: string;
  oldTitle?: string;
  /** Heading depth (0 for a chapter's opening text); `oldDepth` when the heading was promoted or demoted. */
  depth: number;
  oldDepth?: number;
  levelChanged: boolean;
  renamed: boolean;
  /** Moved within its chapter, or from another chapter (`movedFrom`). */
  moved: boolean;
  movedFrom?: { chapterKey: string; chapterTitle: string };
  /** Content changed (some block added, removed or modified). */
  contentChanged: boolean;
  /**
   * Typo-level: only punctuation or a word or two changed in existing paragraphs (nothing added, removed,
   * renamed or moved, no code). Counted as a correction, not as a changed section.
   */
  correction: boolean;
  wordsAdded: number;
  wordsRemoved: number;
  /** Runnable samples (and their printed output) modified or removed; a sample and its output are one change. */
  samplesChanged: number;
  /** Printed output blocks that changed while their sample's code did not (e.g. a new TypeScript version prints otherwise). */
  outputsChanged: number;
  /** Other code blocks (shell, config files, other languages) modified or removed. */
  examplesChanged: number;
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
  /** How the old chapter was found: by its id or path, or by content (its file was renamed). */
  matchedBy?: 'key' | 'content';
  /** Dice similarity (0–1) of the old and new text, word 3-shingles; for chapters matched by content. */
  similarity?: number;
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
  /** Sections whose heading was promoted or demoted (`###` → `##`). */
  sectionsLevelChanged: number;
  /** Sections with only typo-level changes (not counted in `sectionsChanged`). */
  sectionsCorrected: number;
  /** Existing runnable samples modified or removed (new samples are additions); one count everywhere. */
  samplesChanged: number;
  /** Sample output blocks that changed while the sample's code did not. */
  outputsChanged: number;
  /** Of those, the outputs a different TypeScript version explains (both releases recorded theirs). */
  outputsByTypeScript?: number;
  /** Other existing code blocks modified or removed. */
  examplesChanged: number;
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
  /** The TypeScript versions each side's samples were verified with, when both releases recorded them. */
  typescript?: { from: string[]; to: string[] };
}

export interface DiffOptions {
  /** Milliseconds for one block's text diff before it is shown as replaced. Default 100. */
  blockBudgetMs?: number;
  /** Milliseconds for the whole diff; after it, text diffs are skipped (blocks shown as replaced). Default 5000. */
  totalBudgetMs?: number;
}
