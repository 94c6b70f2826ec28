/**
 * Matching by content: word shingles and Dice similarity (the fallback when chapters or sections have no
 * stable id), pairing lists by key then by similarity, and telling moves from reorderings.
 */
const similarityThreshold = 0.5;

/**
 * Decides whether two leftover items are one item changed, given their text similarity: returns the score
 * to rank the pair by (higher first), or undefined to keep them apart. The default is Dice ≥ 0.5.
 */
export type PairJudge<T> = (old: T, updated: T, textDice: number) => number | undefined;

/**
 * Matches two lists: first by identity key (when both sides have one), then greedily by content similarity
 * (best pairs first; by default Dice ≥ 0.5). Bounded: similarity is only tried for up to 400×400 leftovers.
 */
export function matchItems<T>(
  olds: T[],
  news: T[],
  key: (item: T) => string | undefined,
  text: (item: T) => Set<string>,
  judge: PairJudge<T> = (_o, _n, d) => (d >= similarityThreshold ? d : undefined),
): { pairs: [T, T][]; removed: T[]; added: T[] } {
  const pairs: [T, T][] = [];
  const byKey = new Map<string, T>();
  for (const o of olds) {
    const k = key(o);
    if (k !== undefined && !byKey.has(k)) byKey.set(k, o);
  }
  const pairedOld = new Set<T>();
  const pairedNew = new Set<T>();
  for (const n of news) {
    const k = key(n);
    const o = k === undefined ? undefined : byKey.get(k);
    if (o && !pairedOld.has(o)) {
      pairs.push([o, n]);
      pairedOld.add(o);
      pairedNew.add(n);
    }
  }
  const restOld = olds.filter((o) => !pairedOld.has(o));
  const restNew = news.filter((n) => !pairedNew.has(n));
  if (restOld.length > 0 && restNew.length > 0 && restOld.length * restNew.length <= 160_000) {
    const oldSets = restOld.map(text);
    const newSets = restNew.map(text);
    const candidates: { o: number; n: number; score: number }[] = [];
    for (let i = 0; i < restOld.length; i++)
      for (let j = 0; j < restNew.length; j++) {
        const score = judge(restOld[i], restNew[j], dice(oldSets[i], newSets[j]));
        if (score !== undefined) candidates.push({ o: i, n: j, score });
      }
    candidates.sort((x, y) => y.score - x.score || x.o - y.o || x.n - y.n);
    const usedO = new Set<number>();
    const usedN = new Set<number>();
    for (const c of candidates) {
      if (usedO.has(c.o) || usedN.has(c.n)) continue;
      usedO.add(c.o);
      usedN.add(c.n);
      pairs.push([restOld[c.o], restNew[c.n]]);
      pairedOld.add(restOld[c.o]);
      pairedNew.add(restNew[c.n]);
    }
  }
  // Keep pairs in the new order.
  const newIndex = new Map(news.map((n, i) => [n, i]));
  pairs.sort((x, y) => newIndex.get(x[1])! - newIndex.get(y[1])!);
  return { pairs, removed: olds.filter((o) => !pairedOld.has(o)), added: news.filter((n) => !pairedNew.has(n)) };
}

/** Indexes (into `pairs`, given as [oldIndex, newIndex] in new order) of items that changed place: not on the longest increasing run. */
export function movedByOrder(pairs: [number, number][]): Set<number> {
  const olds = pairs.map((p) => p[0]);
  // Longest increasing subsequence (patience sorting), O(n log n).
  const tails: number[] = [];
  const prev: number[] = new Array(olds.length).fill(-1);
  for (let i = 0; i < olds.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (olds[tails[mid]] < olds[i]) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1];
    tails[lo] = i;
  }
  const keep = new Set<number>();
  for (let i = tails.length ? tails[tails.length - 1] : -1; i >= 0; i = prev[i]) keep.add(i);
  const moved = new Set<number>();
  for (let i = 0; i < olds.length; i++) if (!keep.has(i)) moved.add(i);
  return moved;
}

const wordRe = /[\p{L}\p{N}_]+/gu;
const maxShingles = 4000;

/** Word 3-shingles (single words for very short texts), lowercased. */
export function shingles(text: string): Set<string> {
  const words = (text.toLowerCase().match(wordRe) ?? []).slice(0, maxShingles + 2);
  const out = new Set<string>();
  if (words.length < 3) {
    for (const w of words) out.add(w);
    return out;
  }
  for (let i = 0; i + 2 < words.length; i++) out.add(`${words[i]} ${words[i + 1]} ${words[i + 2]}`);
  return out;
}

export function dice(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  let common = 0;
  for (const x of small) if (large.has(x)) common++;
  return (2 * common) / (a.size + b.size);
}

/** Title words with a light stemming (plural "s" dropped), so "Interfaces vs. Intersections" and "Interface Extension vs. Intersection" share three. */
export function titleWords(title: string): Set<string> {
  return new Set((title.toLowerCase().match(wordRe) ?? []).map((w) => (w.length > 3 ? w.replace(/s$/, '') : w)));
}
