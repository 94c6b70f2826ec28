import { cpSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { loadBook } from '../../src/book/loadBook.js';
import { type BookDiff, diffSnapshots } from '../../src/release/diff.js';
import { type BlockStore, snapshotBook } from '../../src/release/snapshot.js';
import { tempDir } from './cli.js';

/** The diff corpus: test/fixtures/diff-corpus/<case>/{before,after}/ are manuscripts, expected.json the structural report. */
export const corpusDir = path.resolve(import.meta.dirname, '../fixtures/diff-corpus');

export function corpusCases(): string[] {
  return readdirSync(corpusDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** `typescript`: the TypeScript versions each side's release recorded (as release.json's `verification` does). */
export async function diffCase(name: string, typescript: { before?: string[]; after?: string[] } = {}): Promise<BookDiff> {
  const store: BlockStore = new Map();
  const snap = async (side: string) => {
    const root = tempDir();
    cpSync(path.join(corpusDir, name, side), path.join(root, 'manuscript'), { recursive: true });
    return snapshotBook(await loadBook(root, { noCache: true }), store).snapshot;
  };
  return diffSnapshots(
    { label: 'before', snapshot: await snap('before'), ...(typescript.before ? { typescript: typescript.before } : {}) },
    { label: 'after', snapshot: await snap('after'), ...(typescript.after ? { typescript: typescript.after } : {}) },
    store,
  );
}

/** What expected.json pins down: structure and counts, not the block-level detail. */
export function structuralReport(diff: BookDiff) {
  const nonzero = Object.fromEntries(Object.entries(diff.summary).filter(([k, v]) => v !== 0 && k !== 'wordsToReread' && k !== 'rereadMinutes'));
  return {
    bump: diff.bump,
    summary: nonzero,
    chapters: diff.chapters.map((c) => ({
      status: c.status,
      title: c.title,
      ...(c.oldTitle ? { oldTitle: c.oldTitle } : {}),
      renamed: c.renamed,
      moved: c.moved,
      ...(c.matchedBy ? { matchedBy: c.matchedBy } : {}),
      ...(c.similarity !== undefined ? { similarity: c.similarity } : {}),
      sections: c.sections.map((s) => ({
        status: s.status,
        title: s.title,
        ...(s.oldTitle ? { oldTitle: s.oldTitle } : {}),
        ...(s.levelChanged ? { depth: s.depth, oldDepth: s.oldDepth } : {}),
        renamed: s.renamed,
        moved: s.moved,
        correction: s.correction,
        wordsAdded: s.wordsAdded,
        wordsRemoved: s.wordsRemoved,
        samplesChanged: s.samplesChanged,
        blocks: s.blocks
          .filter((b) => b.op !== 'same')
          .map(
            (b) =>
              `${b.op}${b.op === 'modified' && b.movedCode ? ' (code moved in)' : ''}${b.op === 'moved' && b.fromQuote ? ' (out of a quote)' : ''}${b.op === 'modified' && b.correction ? ' (correction)' : ''} ${b.block.kind}`,
          ),
      })),
    })),
  };
}
