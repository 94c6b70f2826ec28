import { sampleLanguages } from '../samples/extract.js';
import { plural } from './changeSentence.js';
import type { BlockChange, Bump, ChapterDiff, DiffSummary, SectionDiff } from './diffModel.js';
import { blockWords } from './snapshot.js';

/**
 * Every count of a diff comes from here: a section's own counts, then the summary as their sum, then the bump
 * from the summary. The CLI, the site, the feed, the manifest's change summaries and `evergreen get` all show
 * these numbers, so they cannot disagree.
 */

export const wordsPerMinute = 230;

/** Changed words; a code span of symbols alone (`+`, `?.`) counts as one word, so deleting it is not "+0/-0 words". */
const words = (text: string) => blockWords({ kind: 'paragraph', text: text.replace(/(`+)[^\p{L}\p{N}`]+\1/gu, ' symbol ') });

/** What kind of code a block is, for counting: a runnable sample, its printed output, or an example to read. */
export function codeRole(b: BlockChange): 'sample' | 'output' | 'example' | undefined {
  if (b.block.kind !== 'code') return undefined;
  if (b.block.lang === 'output') return 'output';
  return sampleLanguages.has(b.block.lang ?? '') ? 'sample' : 'example';
}

const codeChanged = (b: BlockChange) => (b.op === 'removed' || (b.op === 'modified' && !b.langChanged)) && codeRole(b) !== undefined;

export function countChanges(blocks: BlockChange[]) {
  let wordsAdded = 0;
  let wordsRemoved = 0;
  let samplesChanged = 0;
  let outputsChanged = 0;
  let examplesChanged = 0;
  let movedBlocks = 0;
  blocks.forEach((b, i) => {
    if (b.op === 'added') wordsAdded += blockWords(b.block);
    else if (b.op === 'removed') wordsRemoved += blockWords(b.block);
    else if (b.op === 'moved') movedBlocks++;
    else if (b.op === 'modified') {
      if (b.movedCode) movedBlocks++;
      for (const p of b.parts) {
        if (p.op === 'ins') wordsAdded += words(p.text);
        if (p.op === 'del') wordsRemoved += words(p.text);
      }
    }
    if (!codeChanged(b)) return;
    const role = codeRole(b);
    if (role === 'sample') samplesChanged++;
    else if (role === 'example') examplesChanged++;
    // Output belongs to the sample before it: a changed sample and its output are one change; output that
    // changed under an unchanged sample is what a new compiler prints, told apart from an edit.
    else if (!(blocks[i - 1] && codeRole(blocks[i - 1]) === 'sample' && codeChanged(blocks[i - 1]))) {
      if (b.op === 'modified' && blocks[i - 1]?.op === 'same' && codeRole(blocks[i - 1]) === 'sample') outputsChanged++;
      else samplesChanged++;
    }
  });
  return { wordsAdded, wordsRemoved, samplesChanged, outputsChanged, examplesChanged, movedBlocks };
}

/** Typo-level edits: punctuation, or at most two words each way in one place of an existing paragraph. */
function smallEdit(b: BlockChange): boolean {
  if (b.op === 'same') return true;
  if (b.op === 'modified' && b.langChanged) return true;
  if (b.op !== 'modified' || b.block.kind === 'code' || b.replaced || b.movedCode) return false;
  if (b.correction) return true;
  const changed = b.parts.filter((p) => p.op !== 'same');
  // A code span added or removed changes what a reader types, however short.
  if (changed.some((p) => p.text.includes('`'))) return false;
  const ins = changed.filter((p) => p.op === 'ins').reduce((n, p) => n + words(p.text), 0);
  const del = changed.filter((p) => p.op === 'del').reduce((n, p) => n + words(p.text), 0);
  return changed.length <= 2 && ins <= 2 && del <= 2;
}

export function isCorrection(s: Pick<SectionDiff, 'status' | 'renamed' | 'moved' | 'levelChanged' | 'blocks'>): boolean {
  if (s.status === 'added' || s.status === 'removed' || s.renamed || s.moved || s.levelChanged) return false;
  return s.blocks.some((b) => b.op !== 'same') && s.blocks.every(smallEdit);
}

/** Words a reader re-reads: the whole new text of every added or modified block. */
export function rereadWords(blocks: BlockChange[]): number {
  let n = 0;
  for (const b of blocks) if (b.op === 'added' || (b.op === 'modified' && !b.correction)) n += blockWords(b.block);
  return n;
}

export function summarize(chapters: ChapterDiff[], replacedBlocks: number): DiffSummary {
  const s: DiffSummary = {
    chaptersAdded: 0,
    chaptersRemoved: 0,
    chaptersRenamed: 0,
    chaptersMoved: 0,
    chaptersChanged: 0,
    sectionsAdded: 0,
    sectionsRemoved: 0,
    sectionsChanged: 0,
    sectionsMoved: 0,
    sectionsRenamed: 0,
    sectionsLevelChanged: 0,
    sectionsCorrected: 0,
    samplesChanged: 0,
    outputsChanged: 0,
    examplesChanged: 0,
    wordsAdded: 0,
    wordsRemoved: 0,
    wordsToReread: 0,
    rereadMinutes: 0,
    replacedBlocks,
  };
  for (const c of chapters) {
    if (c.status === 'added') s.chaptersAdded++;
    else if (c.status === 'removed') s.chaptersRemoved++;
    else {
      if (c.renamed) s.chaptersRenamed++;
      if (c.moved) s.chaptersMoved++;
      if (c.sections.some((sec) => !sec.correction)) s.chaptersChanged++;
    }
    for (const sec of c.sections) {
      s.wordsAdded += sec.wordsAdded;
      s.wordsRemoved += sec.wordsRemoved;
      s.samplesChanged += sec.samplesChanged;
      s.outputsChanged += sec.outputsChanged;
      s.examplesChanged += sec.examplesChanged;
      if (c.status !== 'removed' && !sec.correction) s.wordsToReread += rereadWords(sec.blocks);
      if (c.status !== 'changed') continue;
      if (sec.status === 'added') s.sectionsAdded++;
      else if (sec.status === 'removed') s.sectionsRemoved++;
      else if (sec.correction) s.sectionsCorrected++;
      else {
        if (sec.contentChanged) s.sectionsChanged++;
        if (sec.moved) s.sectionsMoved++;
        if (sec.renamed) s.sectionsRenamed++;
        if (sec.levelChanged) s.sectionsLevelChanged++;
      }
    }
  }
  s.rereadMinutes = s.wordsToReread === 0 ? 0 : Math.ceil(s.wordsToReread / wordsPerMinute);
  return s;
}

/**
 * Semantic versioning for books, by what a reader must do: patch = nobody must re-learn anything (fixes,
 * rewording, moves, renames); minor = only additions; major = something a reader learned is gone or the code
 * they typed in changed (chapters or sections removed, samples changed or removed).
 */
export function suggestBump(chapters: ChapterDiff[], summary: DiffSummary, typescript?: string[]): { bump: Bump; reasons: string[] } {
  const major: string[] = [];
  const minor: string[] = [];
  if (summary.chaptersRemoved) major.push(`${plural(summary.chaptersRemoved, 'chapter')} removed`);
  if (summary.sectionsRemoved) major.push(`${plural(summary.sectionsRemoved, 'section')} removed`);
  if (summary.samplesChanged) major.push(`${plural(summary.samplesChanged, 'code sample')} changed`);
  const byTypeScript = summary.outputsByTypeScript ?? 0;
  if (byTypeScript) minor.push(`${plural(byTypeScript, 'sample output')} changed: TypeScript ${typescript?.join(', ')} prints otherwise (the code did not change)`);
  if (summary.outputsChanged > byTypeScript) minor.push(`${plural(summary.outputsChanged - byTypeScript, 'sample output')} changed (the code did not)`);
  if (summary.examplesChanged) minor.push(`${plural(summary.examplesChanged, 'code example')} changed (not runnable samples)`);
  if (summary.chaptersAdded) minor.push(`${plural(summary.chaptersAdded, 'chapter')} added`);
  if (summary.sectionsAdded) minor.push(`${plural(summary.sectionsAdded, 'section')} added`);
  const blocksAdded = chapters
    .filter((c) => c.status === 'changed')
    .flatMap((c) => c.sections.filter((s) => s.status !== 'added').flatMap((s) => s.blocks))
    .filter((b) => b.op === 'added').length;
  if (blocksAdded) minor.push(`${plural(blocksAdded, 'block')} added`);
  if (major.length) return { bump: 'major', reasons: major };
  if (minor.length) return { bump: 'minor', reasons: minor };
  if (chapters.length > 0) return { bump: 'patch', reasons: ['only changes to existing text (no additions or removals)'] };
  return { bump: 'none', reasons: ['no changes'] };
}
