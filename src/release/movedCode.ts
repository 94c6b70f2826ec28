import { inlineDiff } from './blockDiff.js';
import type { BlockChange, InlinePart } from './diffModel.js';
import type { Block } from './snapshot.js';

/**
 * A code block wrapped into a quote ("> ```ts …") is one block removed and a quote added or changed, by
 * hash. To a reader the code moved: nothing in it changed. Finds removed code whose text reappears whole
 * inside a new or changed quote, drops the removal and marks the code in the quote as unchanged, so the
 * only change left is the quote's own words.
 */
export function codeMovedIntoQuotes(sections: BlockChange[][]): void {
  const removedCode: { list: BlockChange[]; change: BlockChange & { op: 'removed' } }[] = [];
  for (const list of sections) for (const b of list) if (b.op === 'removed' && b.block.kind === 'code' && b.block.text.trim()) removedCode.push({ list, change: b });
  if (removedCode.length === 0) return;
  const used = new Set<BlockChange>();
  for (const list of sections) {
    list.forEach((b, i) => {
      if ((b.op !== 'added' && b.op !== 'modified') || b.block.kind !== 'blockquote') return;
      const found = removedCode.find((r) => !used.has(r.change) && b.block.text.includes(r.change.block.text));
      if (!found) return;
      const parts = partsAround(b.op === 'modified' ? b.old : undefined, b.block, found.change.block.text);
      if (!parts) return;
      used.add(found.change);
      list[i] = { op: 'modified', old: b.op === 'modified' ? b.old : found.change.block, block: b.block, parts, movedCode: true };
    });
  }
  for (const { list, change } of removedCode) if (used.has(change)) list.splice(list.indexOf(change), 1);
}

/** The quote's own text diffed without the code, then the code put back in place as unchanged text. */
function partsAround(oldQuote: Block | undefined, quote: Block, code: string): InlinePart[] | undefined {
  const at = quote.text.indexOf(code);
  const pre = quote.text.slice(0, at);
  const post = quote.text.slice(at + code.length);
  const rest = inlineDiff(oldQuote ?? { kind: 'blockquote', text: '' }, { kind: 'blockquote', text: pre + post }, 100);
  if (!rest) return undefined;
  const out: InlinePart[] = [];
  let offset = 0; // position in the new text without the code
  let placed = false;
  const place = () => {
    out.push({ op: 'same', text: code });
    placed = true;
  };
  for (const p of rest) {
    if (p.op === 'del') {
      out.push(p);
      continue;
    }
    if (!placed && offset + p.text.length > pre.length) {
      const cut = pre.length - offset;
      if (cut > 0) out.push({ op: p.op, text: p.text.slice(0, cut) });
      place();
      out.push({ op: p.op, text: p.text.slice(cut) });
    } else out.push(p);
    offset += p.text.length;
    if (!placed && offset === pre.length) place();
  }
  if (!placed) place();
  return out.filter((p) => p.text !== '');
}

/**
 * The other way round: code taken out of a quote ("> ```ts …" becomes "```ts …") is a quote removed or
 * changed and a code block added. The code moved; what is left of the quote's change is its own words.
 */
export function codeMovedOutOfQuotes(sections: BlockChange[][]): void {
  const oldQuotes: { list: BlockChange[]; change: BlockChange & { op: 'removed' | 'modified' } }[] = [];
  for (const list of sections) {
    for (const b of list) if ((b.op === 'removed' || b.op === 'modified') && quoteOf(b)?.kind === 'blockquote') oldQuotes.push({ list, change: b });
  }
  if (oldQuotes.length === 0) return;
  for (const list of sections) {
    list.forEach((b, i) => {
      if (b.op !== 'added' || b.block.kind !== 'code' || !b.block.text.trim()) return;
      const found = oldQuotes.find((q) => quoteOf(q.change)!.text.includes(b.block.text) && !(q.change.op === 'modified' && q.change.block.text.includes(b.block.text)));
      if (!found) return;
      list[i] = { op: 'moved', block: b.block, fromQuote: true };
      const at = found.list.indexOf(found.change);
      const old = quoteOf(found.change)!;
      const rest: Block = { ...old, text: old.text.replace(b.block.text, ' ').replace(/\s+/g, ' ').trim() };
      if (found.change.op === 'removed') {
        // The quote is gone: only its own words were removed (none left: the code was all of it).
        if (rest.text) found.list[at] = found.change = { op: 'removed', block: rest };
        else found.list.splice(at, 1);
      } else {
        const parts = inlineDiff(rest, found.change.block, 100);
        if (parts) found.list[at] = found.change = { ...found.change, old: rest, parts };
      }
    });
  }
}

function quoteOf(b: BlockChange & { op: 'removed' | 'modified' }): Block | undefined {
  const block = b.op === 'removed' ? b.block : b.old;
  return block.kind === 'blockquote' ? block : undefined;
}
