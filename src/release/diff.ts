import { sampleLanguages } from '../samples/extract.js';
import { diffHashes, pairBlocks } from './blockDiff.js';
import { plural } from './changeSentence.js';
import type { BlockChange, BookDiff, Bump, ChapterDiff, DiffOptions, DiffSummary, SectionDiff } from './diffModel.js';
import { matchItems, movedByOrder, shingles } from './similarity.js';
import { type Block, type BlockStore, blockWords, type Snapshot, type SnapshotChapter, type SnapshotSection } from './snapshot.js';

/**
 * The reader's diff between two versions of a book, in three levels:
 *  1. structure: chapters and sections matched by stable ids, then by content similarity (Dice coefficient
 *     on word shingles ≥ 0.5), so a renamed or moved chapter/section is reported as such;
 *  2. blocks: normalized blocks diffed by hash (jsdiff's diffArrays); a removed and an added block of the
 *     same kind that are similar are one modified block; the same block removed here and added there moved;
 *  3. inline: word-level changes in prose, line-level changes in code.
 * Work is bounded: every text diff has a time budget and falls back to "replaced".
 */
export type { BlockChange, BookDiff, Bump, ChapterDiff, ChapterStatus, DiffOptions, DiffSummary, InlinePart, SectionDiff, SectionStatus } from './diffModel.js';
export { inlineDiff } from './blockDiff.js';
export { plural };

export const wordsPerMinute = 230;

export function diffSnapshots(from: { label: string; snapshot: Snapshot }, to: { label: string; snapshot: Snapshot }, store: BlockStore, options: DiffOptions = {}): BookDiff {
  const deadline = performance.now() + (options.totalBudgetMs ?? 5000);
  const blockBudget = options.blockBudgetMs ?? 100;
  const block = (hash: string): Block => store.get(hash) ?? { kind: 'other', text: '' };
  const oldChapters = from.snapshot.chapters;
  const newChapters = to.snapshot.chapters;

  // 1. Chapters: by key (front matter id, else file path), then by content similarity.
  const chapterPairs = matchItems(
    oldChapters,
    newChapters,
    (c) => c.key,
    (c) => shingles(c.sections.flatMap((s) => [s.title, ...s.blocks.map((h) => block(h).text)]).join(' ')),
  );
  const movedChapters = movedByOrder(chapterPairs.pairs.map(([o, n]) => [oldChapters.indexOf(o), newChapters.indexOf(n)]));

  // 2. Sections within each matched chapter: by id, then similarity; leftovers across chapters.
  interface SectionPair {
    old: SnapshotSection;
    new: SnapshotSection;
    oldChapter: SnapshotChapter;
    newChapter: SnapshotChapter;
    moved: boolean;
    /** Matched across chapters (the section moved to another chapter). */
    across: boolean;
  }
  const sectionPairs: SectionPair[] = [];
  const unpairedOld: { section: SnapshotSection; chapter: SnapshotChapter }[] = [];
  const unpairedNew: { section: SnapshotSection; chapter: SnapshotChapter }[] = [];
  const sectionText = (s: SnapshotSection) => shingles([s.title, ...s.blocks.map((h) => block(h).text)].join(' '));
  for (const [o, n] of chapterPairs.pairs) {
    const m = matchItems(o.sections, n.sections, (s) => `#${s.id}`, sectionText);
    const moved = movedByOrder(m.pairs.map(([a, b]) => [o.sections.indexOf(a), n.sections.indexOf(b)]));
    m.pairs.forEach(([a, b], i) => sectionPairs.push({ old: a, new: b, oldChapter: o, newChapter: n, moved: moved.has(i), across: false }));
    unpairedOld.push(...m.removed.map((section) => ({ section, chapter: o })));
    unpairedNew.push(...m.added.map((section) => ({ section, chapter: n })));
  }
  const across = matchItems(
    unpairedOld,
    unpairedNew,
    (x) => (x.section.explicitId ? `#${x.section.id}` : undefined),
    (x) => sectionText(x.section),
  );
  for (const [a, b] of across.pairs) sectionPairs.push({ old: a.section, new: b.section, oldChapter: a.chapter, newChapter: b.chapter, moved: true, across: true });

  // 3. Blocks: hashes removed somewhere and added elsewhere are moves.
  const removedHashes = new Set<string>();
  const addedHashes = new Set<string>();
  const rawDiffs = new Map<SectionPair, { op: 'same' | 'added' | 'removed'; hash: string }[]>();
  for (const pair of sectionPairs) {
    const ops = diffHashes(pair.old.blocks, pair.new.blocks, deadline);
    rawDiffs.set(pair, ops);
    for (const op of ops) {
      if (op.op === 'removed') removedHashes.add(op.hash);
      if (op.op === 'added') addedHashes.add(op.hash);
    }
  }
  for (const x of across.removed) for (const h of x.section.blocks) removedHashes.add(h);
  for (const x of across.added) for (const h of x.section.blocks) addedHashes.add(h);
  for (const c of chapterPairs.removed) for (const s of c.sections) for (const h of s.blocks) removedHashes.add(h);
  for (const c of chapterPairs.added) for (const s of c.sections) for (const h of s.blocks) addedHashes.add(h);
  const movedHashes = new Set([...removedHashes].filter((h) => addedHashes.has(h)));

  let replacedBlocks = 0;
  const sectionDiffs = new Map<SectionPair, SectionDiff>();
  for (const pair of sectionPairs) {
    const ops = rawDiffs.get(pair)!;
    const changes: BlockChange[] = [];
    // Pair each run of removed blocks with the run of added blocks next to it.
    for (let i = 0; i < ops.length; ) {
      if (ops[i].op === 'same') {
        changes.push({ op: 'same', block: block(ops[i].hash) });
        i++;
        continue;
      }
      const removed: string[] = [];
      const added: string[] = [];
      while (i < ops.length && ops[i].op !== 'same') {
        (ops[i].op === 'removed' ? removed : added).push(ops[i].hash);
        i++;
      }
      changes.push(...pairBlocks(removed, added, block, movedHashes, blockBudget, deadline, () => replacedBlocks++));
    }
    sectionDiffs.set(pair, sectionDiff(pair.new, pair.old, changes, pair.moved, pair.across ? pair.oldChapter : undefined));
  }

  // 4. Assemble per chapter, in the new reading order; removed chapters after.
  const chapters: ChapterDiff[] = [];
  const pairOfSection = new Map(sectionPairs.map((p) => [p.new, p]));
  const pairOfNew = new Map(chapterPairs.pairs.map(([o, n], i) => [n, { old: o, moved: movedChapters.has(i) }]));
  for (const chapter of newChapters) {
    const matched = pairOfNew.get(chapter);
    if (!matched) {
      chapters.push({
        status: 'added',
        key: chapter.key,
        title: chapter.title,
        slug: chapter.slug,
        renamed: false,
        moved: false,
        sections: chapter.sections.map((s) => wholeSection('added', s, block, movedHashes)),
      });
      continue;
    }
    const sections: SectionDiff[] = [];
    for (const section of chapter.sections) {
      const pair = pairOfSection.get(section);
      if (!pair) {
        sections.push(wholeSection('added', section, block, movedHashes));
        continue;
      }
      const d = sectionDiffs.get(pair)!;
      if (d.contentChanged || d.renamed || d.moved) sections.push(d);
    }
    for (const x of across.removed.filter((r) => r.chapter === matched.old)) sections.push(wholeSection('removed', x.section, block, movedHashes));
    const renamed = normalizeTitle(matched.old.title) !== normalizeTitle(chapter.title);
    if (sections.length === 0 && !renamed && !matched.moved) continue;
    chapters.push({
      status: 'changed',
      key: chapter.key,
      title: chapter.title,
      oldTitle: renamed ? matched.old.title : undefined,
      slug: chapter.slug,
      oldSlug: matched.old.slug !== chapter.slug ? matched.old.slug : undefined,
      renamed,
      moved: matched.moved,
      sections,
    });
  }
  for (const chapter of chapterPairs.removed) {
    chapters.push({
      status: 'removed',
      key: chapter.key,
      title: chapter.title,
      slug: chapter.slug,
      renamed: false,
      moved: false,
      sections: chapter.sections.map((s) => wholeSection('removed', s, block, movedHashes)),
    });
  }

  const summary = summarize(chapters, replacedBlocks);
  const { bump, reasons } = suggestBump(chapters, summary);
  return { from: from.label, to: to.label, chapters, summary, bump, bumpReasons: reasons };
}

function normalizeTitle(title: string): string {
  return title.replace(/\s+/g, ' ').trim();
}

function sectionDiff(section: SnapshotSection, old: SnapshotSection, blocks: BlockChange[], moved: boolean, fromChapter?: SnapshotChapter): SectionDiff {
  const counts = countChanges(blocks);
  const renamed = normalizeTitle(old.title) !== normalizeTitle(section.title);
  const contentChanged = blocks.some((b) => b.op !== 'same' && b.op !== 'moved') || counts.movedBlocks > 0;
  return {
    status: contentChanged ? 'changed' : moved ? 'moved' : renamed ? 'renamed' : 'changed',
    id: section.id,
    oldId: old.id !== section.id ? old.id : undefined,
    title: section.title,
    oldTitle: renamed ? old.title : undefined,
    renamed,
    moved,
    movedFrom: fromChapter ? { chapterKey: fromChapter.key, chapterTitle: fromChapter.title } : undefined,
    contentChanged,
    wordsAdded: counts.wordsAdded,
    wordsRemoved: counts.wordsRemoved,
    samplesChanged: counts.samplesChanged,
    blocks,
  };
}

function wholeSection(status: 'added' | 'removed', section: SnapshotSection, block: (h: string) => Block, moved: Set<string>): SectionDiff {
  const blocks: BlockChange[] = section.blocks.map((h) => (moved.has(h) ? { op: 'moved', block: block(h) } : { op: status, block: block(h) }));
  const counts = countChanges(blocks);
  return {
    status,
    id: section.id,
    title: section.title,
    renamed: false,
    moved: false,
    contentChanged: true,
    wordsAdded: counts.wordsAdded + (status === 'added' ? countTitle(section.title) : 0),
    wordsRemoved: counts.wordsRemoved + (status === 'removed' ? countTitle(section.title) : 0),
    samplesChanged: counts.samplesChanged,
    blocks,
  };
}

function countTitle(title: string): number {
  return blockWords({ kind: 'paragraph', text: title });
}

function countChanges(blocks: BlockChange[]) {
  let wordsAdded = 0;
  let wordsRemoved = 0;
  let samplesChanged = 0;
  let movedBlocks = 0;
  for (const b of blocks) {
    if (b.op === 'added') wordsAdded += blockWords(b.block);
    else if (b.op === 'removed') wordsRemoved += blockWords(b.block);
    else if (b.op === 'moved') movedBlocks++;
    else if (b.op === 'modified') {
      for (const p of b.parts) {
        if (p.op === 'ins') wordsAdded += blockWords({ kind: 'paragraph', text: p.text });
        if (p.op === 'del') wordsRemoved += blockWords({ kind: 'paragraph', text: p.text });
      }
    }
    // "Code changed" is what matters to a reader who typed the code in: existing samples modified or removed.
    // A sample's printed output block is part of that sample: a changed sample and its output are one change.
    if (b.block.kind === 'code' && b.block.lang !== 'output' && (b.op === 'removed' || b.op === 'modified')) samplesChanged++;
  }
  return { wordsAdded, wordsRemoved, samplesChanged, movedBlocks };
}

/** Words a reader re-reads: the whole new text of every added or modified block. */
function rereadWords(blocks: BlockChange[]): number {
  let n = 0;
  for (const b of blocks) if (b.op === 'added' || b.op === 'modified') n += blockWords(b.block);
  return n;
}

function summarize(chapters: ChapterDiff[], replacedBlocks: number): DiffSummary {
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
    samplesChanged: 0,
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
      if (c.sections.length > 0) s.chaptersChanged++;
    }
    for (const sec of c.sections) {
      s.wordsAdded += sec.wordsAdded;
      s.wordsRemoved += sec.wordsRemoved;
      s.samplesChanged += sec.samplesChanged;
      if (c.status !== 'removed') s.wordsToReread += rereadWords(sec.blocks);
      if (c.status !== 'changed') continue;
      if (sec.status === 'added') s.sectionsAdded++;
      else if (sec.status === 'removed') s.sectionsRemoved++;
      else {
        if (sec.contentChanged) s.sectionsChanged++;
        if (sec.moved) s.sectionsMoved++;
        if (sec.renamed) s.sectionsRenamed++;
      }
    }
  }
  s.rereadMinutes = s.wordsToReread === 0 ? 0 : Math.ceil(s.wordsToReread / wordsPerMinute);
  return s;
}

/**
 * Semantic versioning for books, by what a reader must do: patch = nobody must re-learn anything (fixes,
 * rewording, moves); minor = only additions; major = something a reader learned is gone or the code they
 * typed in changed (chapters or sections removed, samples changed or removed).
 */
export function suggestBump(chapters: ChapterDiff[], summary: DiffSummary): { bump: Bump; reasons: string[] } {
  const major: string[] = [];
  const minor: string[] = [];
  const patch: string[] = [];
  if (summary.chaptersRemoved) major.push(`${plural(summary.chaptersRemoved, 'chapter')} removed`);
  if (summary.sectionsRemoved) major.push(`${plural(summary.sectionsRemoved, 'section')} removed`);
  // What a reader typed in and ran: TypeScript samples and the output they print. Other code blocks
  // (shell commands, file formats, other languages) are examples to read, not programs to re-run.
  const codeChanges = chapters.flatMap((c) => c.sections.flatMap((s) => s.blocks)).filter((b) => b.block.kind === 'code' && (b.op === 'modified' || b.op === 'removed'));
  const isSample = (b: BlockChange) => b.block.lang === 'output' || sampleLanguages.has(b.block.lang ?? '');
  const samplesChanged = codeChanges.filter(isSample).length;
  const examplesChanged = codeChanges.length - samplesChanged;
  if (samplesChanged) major.push(`${plural(samplesChanged, 'code sample')} changed or removed`);
  if (examplesChanged) minor.push(`${plural(examplesChanged, 'code example')} changed or removed (not runnable samples)`);
  if (summary.chaptersAdded) minor.push(`${plural(summary.chaptersAdded, 'chapter')} added`);
  if (summary.sectionsAdded) minor.push(`${plural(summary.sectionsAdded, 'section')} added`);
  const blocksAdded = chapters
    .filter((c) => c.status === 'changed')
    .flatMap((c) => c.sections.filter((s) => s.status !== 'added').flatMap((s) => s.blocks))
    .filter((b) => b.op === 'added').length;
  if (blocksAdded) minor.push(`${plural(blocksAdded, 'block')} added`);
  if (chapters.length > 0) patch.push('text changed');
  if (major.length) return { bump: 'major', reasons: major };
  if (minor.length) return { bump: 'minor', reasons: minor };
  if (patch.length) return { bump: 'patch', reasons: ['only changes to existing text (no additions or removals)'] };
  return { bump: 'none', reasons: ['no changes'] };
}

export { dice, matchItems, movedByOrder, shingles } from './similarity.js';
