import { diffHashes, pairBlocks } from './blockDiff.js';
import { plural } from './changeSentence.js';
import { countChanges, isCorrection, suggestBump, summarize } from './diffCounts.js';
import type { BlockChange, BookDiff, ChapterDiff, DiffOptions, SectionDiff } from './diffModel.js';
import { codeMovedIntoQuotes, codeMovedOutOfQuotes } from './movedCode.js';
import { attributeOutputChanges, type DiffSide } from './outputCause.js';
import { dice, matchItems, movedByOrder, shingles } from './similarity.js';
import { chapterJudge, sectionJudge } from './structureMatch.js';
import { type Block, type BlockStore, blockWords, type SnapshotChapter, type SnapshotSection } from './snapshot.js';

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
export { suggestBump, wordsPerMinute } from './diffCounts.js';
export { type DiffSide, releaseSide } from './outputCause.js';

export function diffSnapshots(from: DiffSide, to: DiffSide, store: BlockStore, options: DiffOptions = {}): BookDiff {
  const deadline = performance.now() + (options.totalBudgetMs ?? 5000);
  const blockBudget = options.blockBudgetMs ?? 100;
  const block = (hash: string): Block => store.get(hash) ?? { kind: 'other', text: '' };
  const oldChapters = from.snapshot.chapters;
  const newChapters = to.snapshot.chapters;

  // 1. Chapters: by key (front matter id, else file path), then by content, title, sections and position.
  const chapterText = (c: SnapshotChapter) => shingles(c.sections.flatMap((s) => [s.title, ...s.blocks.map((h) => block(h).text)]).join(' '));
  const chapterPairs = matchItems(oldChapters, newChapters, (c) => c.key, chapterText, chapterJudge(oldChapters, newChapters, block));
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
    const m = matchItems(o.sections, n.sections, (s) => `#${s.id}`, sectionText, sectionJudge(o.sections, n.sections, block));
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
  const changesOf = new Map<SectionPair, BlockChange[]>();
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
    changesOf.set(pair, changes);
  }
  codeMovedIntoQuotes([...changesOf.values()]);
  codeMovedOutOfQuotes([...changesOf.values()]);
  const sectionDiffs = new Map<SectionPair, SectionDiff>();
  for (const [pair, changes] of changesOf) sectionDiffs.set(pair, sectionDiff(pair.new, pair.old, changes, pair.moved, pair.across ? pair.oldChapter : undefined));

  // 4. Assemble per chapter, in the new reading order; removed chapters after.
  const chapters: ChapterDiff[] = [];
  const pairOfSection = new Map(sectionPairs.map((p) => [p.new, p]));
  const pairOfNew = new Map(chapterPairs.pairs.map(([o, n], i) => [n, { old: o, moved: movedChapters.has(i), byKey: o.key === n.key }]));
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
      if (d.contentChanged || d.renamed || d.moved || d.levelChanged) sections.push(d);
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
      matchedBy: matched.byKey ? 'key' : 'content',
      // Only where it was the evidence: comparing every changed chapter's whole text would double the diff's cost.
      ...(matched.byKey ? {} : { similarity: Math.round(dice(chapterText(matched.old), chapterText(chapter)) * 100) / 100 }),
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
  const outputs = attributeOutputChanges(chapters, from, to);
  if (outputs) summary.outputsByTypeScript = outputs.byTypeScript;
  const { bump, reasons } = suggestBump(chapters, summary, outputs?.typescript.to);
  return { from: from.label, to: to.label, chapters, summary, bump, bumpReasons: reasons, ...(outputs ? { typescript: outputs.typescript } : {}) };
}

function normalizeTitle(title: string): string {
  return title.replace(/\s+/g, ' ').trim();
}

function sectionDiff(section: SnapshotSection, old: SnapshotSection, blocks: BlockChange[], moved: boolean, fromChapter?: SnapshotChapter): SectionDiff {
  const counts = countChanges(blocks);
  const renamed = normalizeTitle(old.title) !== normalizeTitle(section.title);
  const levelChanged = old.depth !== section.depth && section.id !== '' && old.id !== '';
  const contentChanged = blocks.some((b) => b.op !== 'same' && b.op !== 'moved') || counts.movedBlocks > 0;
  const status = contentChanged ? 'changed' : moved ? 'moved' : renamed ? 'renamed' : levelChanged ? 'level-changed' : 'changed';
  const d: SectionDiff = {
    status,
    id: section.id,
    oldId: old.id !== section.id ? old.id : undefined,
    title: section.title,
    oldTitle: renamed ? old.title : undefined,
    depth: section.depth,
    ...(levelChanged ? { oldDepth: old.depth } : {}),
    levelChanged,
    renamed,
    moved,
    movedFrom: fromChapter ? { chapterKey: fromChapter.key, chapterTitle: fromChapter.title } : undefined,
    contentChanged,
    correction: false,
    ...withoutMoved(counts),
    blocks,
  };
  d.correction = contentChanged && isCorrection(d);
  return d;
}

function withoutMoved(counts: ReturnType<typeof countChanges>) {
  const { movedBlocks: _moved, ...rest } = counts;
  return rest;
}

function wholeSection(status: 'added' | 'removed', section: SnapshotSection, block: (h: string) => Block, moved: Set<string>): SectionDiff {
  const blocks: BlockChange[] = section.blocks.map((h) => (moved.has(h) ? { op: 'moved', block: block(h) } : { op: status, block: block(h) }));
  const counts = withoutMoved(countChanges(blocks));
  return {
    status,
    id: section.id,
    title: section.title,
    depth: section.depth,
    levelChanged: false,
    renamed: false,
    moved: false,
    contentChanged: true,
    correction: false,
    ...counts,
    wordsAdded: counts.wordsAdded + (status === 'added' ? countTitle(section.title) : 0),
    wordsRemoved: counts.wordsRemoved + (status === 'removed' ? countTitle(section.title) : 0),
    blocks,
  };
}

function countTitle(title: string): number {
  return blockWords({ kind: 'paragraph', text: title });
}

export { dice, matchItems, movedByOrder, shingles };
