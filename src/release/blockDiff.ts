import { diffArrays, diffLines } from 'diff';
import type { BlockChange, InlinePart } from './diffModel.js';
import { dice, shingles } from './similarity.js';
import type { Block } from './snapshot.js';

/** Blocks of the same kind at least this similar (Dice on word shingles) are one modified block. */
export const similarityThreshold = 0.5;

/** Pairs removed with added blocks of one hunk: moves first, then similar blocks of the same kind as modified. */
export function pairBlocks(
  removed: string[],
  added: string[],
  block: (h: string) => Block,
  moved: Set<string>,
  budgetMs: number,
  deadline: number,
  onReplaced: () => void,
): BlockChange[] {
  const out: BlockChange[] = [];
  const pairedWith = new Map<number, number>(); // added index → removed index
  const usedRemoved = new Set<number>();
  let lastRemoved = -1;
  for (let a = 0; a < added.length; a++) {
    if (moved.has(added[a])) continue;
    const nb = block(added[a]);
    let best = -1;
    let bestScore = similarityThreshold;
    const nbShingles = shingles(nb.text);
    for (let r = lastRemoved + 1; r < removed.length; r++) {
      if (moved.has(removed[r])) continue;
      const ob = block(removed[r]);
      if (ob.kind !== nb.kind) continue;
      const sameSample = nb.kind === 'code' && ob.sample !== undefined && ob.sample === nb.sample;
      const score = sameSample ? 1 : dice(shingles(ob.text), nbShingles);
      if (score >= bestScore) {
        best = r;
        bestScore = score;
        if (score === 1) break;
      }
    }
    if (best >= 0) {
      pairedWith.set(a, best);
      usedRemoved.add(best);
      lastRemoved = best;
    }
  }
  // Emit in order: removed blocks up to each pair's removed index, then the pair, then trailing ones.
  let r = 0;
  const emitRemovedUntil = (limit: number) => {
    for (; r < limit; r++) {
      if (usedRemoved.has(r)) continue;
      if (moved.has(removed[r])) continue; // shown where it moved to
      out.push({ op: 'removed', block: block(removed[r]) });
    }
  };
  for (let a = 0; a < added.length; a++) {
    const pr = pairedWith.get(a);
    const nb = block(added[a]);
    if (pr === undefined) {
      out.push(moved.has(added[a]) ? { op: 'moved', block: nb } : { op: 'added', block: nb });
      continue;
    }
    emitRemovedUntil(pr);
    r = pr + 1;
    const ob = block(removed[pr]);
    // Whitespace alone ("a / b" → "a/b", re-indented code) is not a change a reader can see or must re-read.
    if (withoutSpace(ob.text) === withoutSpace(nb.text) && ob.lang === nb.lang) {
      out.push({ op: 'same', block: nb });
      continue;
    }
    // Only the fence's language changed ("```" → "```ts"): the reader's code is the same, now highlighted.
    if (nb.kind === 'code' && withoutSpace(ob.text) === withoutSpace(nb.text)) {
      out.push({ op: 'modified', old: ob, block: nb, parts: [{ op: 'same', text: nb.text }], correction: true, langChanged: true });
      continue;
    }
    const parts = inlineDiff(ob, nb, Math.min(budgetMs, Math.max(0, deadline - performance.now())));
    if (!parts) onReplaced();
    out.push({
      op: 'modified',
      old: ob,
      block: nb,
      parts: parts ?? [
        { op: 'del', text: ob.text },
        { op: 'ins', text: nb.text },
      ],
      ...(parts ? {} : { replaced: true }),
      ...(parts && nb.kind !== 'code' && parts.every((p) => p.op === 'same' || !wordChar.test(p.text)) ? { correction: true } : {}),
    });
  }
  emitRemovedUntil(removed.length);
  return out;
}

/** What makes a change more than punctuation: a letter, a digit or a code span. */
const wordChar = /[\p{L}\p{N}`]/u;

function withoutSpace(text: string): string {
  return text.replace(/\s+/g, '');
}

/**
 * Prose is compared word by word, with whitespace as tokens and with code spans (CommonMark: a run of N
 * backticks closes only at the next run of exactly N, so "`` ` ``" is one span), links and images as single
 * tokens: a change never cuts one in half, and the page can render them.
 */
const proseToken = /(`+)(?:(?!\1)[\s\S])*?(?<!`)\1(?!`)|`+|!?\[[^\]]*\]\([^)\s]*\)(?:\{sha256:[0-9a-f]+\})?|\[\^[^\]]+\]|\*\*|~~|\s+|[\p{L}\p{N}_'’-]+|[^\s]/gu;

function diffProse(a: string, b: string, budgetMs: number): { value: string; added?: boolean; removed?: boolean }[] | undefined {
  const changes = diffArrays(a.match(proseToken) ?? [], b.match(proseToken) ?? [], { timeout: budgetMs });
  if (!changes) return undefined;
  // A run of changes separated only by spaces reads as one change: "type again" → "retype and", not four pieces.
  const out: { value: string; added?: boolean; removed?: boolean }[] = [];
  let removed = '';
  let added = '';
  const flush = () => {
    if (removed) out.push({ value: removed, removed: true });
    if (added) out.push({ value: added, added: true });
    removed = added = '';
  };
  changes.forEach((c, i) => {
    const value = c.value.join('');
    const between = !c.added && !c.removed && /^\s+$/.test(value) && (removed || added) && (changes[i + 1]?.added || changes[i + 1]?.removed);
    if (c.removed || between) removed += value;
    if (c.added || between) added += value;
    if (!c.added && !c.removed && !between) {
      flush();
      out.push({ value });
    }
  });
  flush();
  return out;
}

/** Word diff for prose, line diff for code; undefined when the budget ran out. */
export function inlineDiff(a: Block, b: Block, budgetMs: number): InlinePart[] | undefined {
  if (budgetMs <= 0) return undefined;
  const changes = a.kind === 'code' ? diffLines(`${a.text}\n`, `${b.text}\n`, { timeout: budgetMs }) : diffProse(a.text, b.text, budgetMs);
  if (!changes) return undefined;
  const parts: InlinePart[] = [];
  for (const c of changes) {
    const op = c.added ? 'ins' : c.removed ? 'del' : 'same';
    const text = a.kind === 'code' ? c.value.replace(/\n$/, '') : c.value;
    const last = parts[parts.length - 1];
    if (last && last.op === op && a.kind !== 'code') last.text += text;
    else parts.push({ op, text });
  }
  return parts;
}

export function diffHashes(a: string[], b: string[], deadline: number): { op: 'same' | 'added' | 'removed'; hash: string }[] {
  const out: { op: 'same' | 'added' | 'removed'; hash: string }[] = [];
  if (a.length === b.length && a.every((h, i) => h === b[i])) return a.map((hash) => ({ op: 'same', hash }));
  const budget = Math.max(50, deadline - performance.now());
  const changes = diffArrays(a, b, { timeout: budget });
  if (!changes) {
    // Out of time: the whole section is replaced.
    return [...a.map((hash) => ({ op: 'removed' as const, hash })), ...b.map((hash) => ({ op: 'added' as const, hash }))];
  }
  for (const c of changes) for (const hash of c.value) out.push({ op: c.added ? 'added' : c.removed ? 'removed' : 'same', hash });
  return out;
}
