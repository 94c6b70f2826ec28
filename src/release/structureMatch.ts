import { dice, type PairJudge, shingles, titleWords } from './similarity.js';
import { type Block, blockWords, normalizeSpace, type SnapshotChapter, type SnapshotSection } from './snapshot.js';

/**
 * When a chapter or section has no stable id and its text changed a lot, whole-text similarity alone
 * misses it: a chapter that moved and kept a quarter of its text scores ~0.25. A person also looks at the
 * title, the section titles, the paragraphs kept word for word and where it sits. These judges weigh those
 * signals: strong text similarity is enough on its own; weaker similarity needs corroboration.
 */

/** Blocks this short ("---", one-word lines) prove nothing when shared; code counts by its lines. */
const evidenceWords = 8;

function telling(b: Block): boolean {
  return blockWords(b) >= evidenceWords || (b.kind === 'code' && b.text.split('\n').length >= 3);
}

function sharedBlocks(a: string[], b: string[], block: (h: string) => Block): number {
  const mine = new Set(a);
  let n = 0;
  for (const h of new Set(b)) if (mine.has(h) && telling(block(h))) n++;
  return n;
}

function sameTitle(a: string, b: string): boolean {
  return normalizeSpace(a).toLowerCase() === normalizeSpace(b).toLowerCase();
}

export function similarTitles(a: string, b: string): boolean {
  if (!a || !b) return false;
  return sameTitle(a, b) || dice(titleWords(a), titleWords(b)) >= 0.6;
}

/** Ranks a corroborated pair: strong text similarity first, then by evidence, then by closeness in position. */
function judged(textDice: number, evidence: number, distance: number): number | undefined {
  const accepted = textDice >= 0.5 || (textDice >= 0.2 && evidence >= 1) || (textDice >= 0.1 && evidence >= 2) || evidence >= 3;
  if (!accepted) return undefined;
  return (textDice >= 0.5 ? 1 : 0) + textDice + 0.1 * evidence - 0.01 * Math.min(distance, 10);
}

export function chapterJudge(olds: SnapshotChapter[], news: SnapshotChapter[], block: (h: string) => Block): PairJudge<SnapshotChapter> {
  const oldIndex = new Map(olds.map((c, i) => [c, i]));
  const newIndex = new Map(news.map((c, i) => [c, i]));
  return (o, n, textDice) => {
    const oldTitles = new Set(o.sections.filter((s) => s.title).map((s) => normalizeSpace(s.title).toLowerCase()));
    const sharedTitles = n.sections.filter((s) => s.title && oldTitles.has(normalizeSpace(s.title).toLowerCase())).length;
    const shared = sharedBlocks(
      o.sections.flatMap((s) => s.blocks),
      n.sections.flatMap((s) => s.blocks),
      block,
    );
    const evidence = Number(sameTitle(o.title, n.title)) + Number(sharedTitles >= 1) + Number(shared >= 2);
    return judged(textDice, evidence, Math.abs((oldIndex.get(o) ?? 0) - (newIndex.get(n) ?? 0)));
  };
}

export function sectionJudge(olds: SnapshotSection[], news: SnapshotSection[], block: (h: string) => Block): PairJudge<SnapshotSection> {
  const oldIndex = new Map(olds.map((s, i) => [s, i]));
  const newIndex = new Map(news.map((s, i) => [s, i]));
  // The opening paragraph is what a reader recognises a section by; a short one ("For example:") proves nothing.
  const first = (s: SnapshotSection) => (s.blocks.length ? block(s.blocks[0]) : undefined);
  return (o, n, textDice) => {
    const a = first(o);
    const b = first(n);
    const firstKept = !!a && !!b && blockWords(a) >= evidenceWords && dice(shingles(a.text), shingles(b.text)) >= 0.7;
    const evidence = Number(similarTitles(o.title, n.title)) + Number(firstKept) + Number(sharedBlocks(o.blocks, n.blocks, block) >= 1);
    return judged(textDice, evidence, Math.abs((oldIndex.get(o) ?? 0) - (newIndex.get(n) ?? 0)));
  };
}
