import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadBook } from '../../../src/book/loadBook.js';
import { makeDevBook, writeBookYaml } from './devBook.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('loadBook with a previous book (kept warm by evergreen dev)', () => {
  it('takes over unchanged chapters and reads the changed ones', async () => {
    const root = makeDevBook();
    roots.push(root);
    const first = await loadBook(root);
    const basics = path.join(root, 'manuscript', 'basics.md');
    writeFileSync(basics, '# Basics, revised\n\nNew text.\n');
    const second = await loadBook(root, { previous: { book: first, changed: new Set([basics]) } });
    expect(second.chapters.map((c) => c.title)).toEqual(['Introduction', 'Basics, revised', 'Advanced']);
    expect(second.chapters[0]!.analysis).toBe(first.chapters[0]!.analysis);
    expect(second.chapters[1]!.analysis).not.toBe(first.chapters[1]!.analysis);
    expect(second.chapters.map((c) => c.index)).toEqual([0, 1, 2]);
  });

  it('follows a new order and new chapters from book.yaml, and gives the same book as a cold load', async () => {
    const root = makeDevBook();
    roots.push(root);
    const first = await loadBook(root);
    const extra = path.join(root, 'manuscript', 'extra.md');
    writeFileSync(extra, '# Extra\n\nMore.\n');
    writeBookYaml(root, ['advanced.md', 'extra.md', 'intro.md']);
    const changed = new Set([extra, path.join(root, 'manuscript', 'book.yaml')]);
    const warm = await loadBook(root, { previous: { book: first, changed } });
    const cold = await loadBook(root);
    const shape = (b: typeof warm) => b.chapters.map((c) => ({ index: c.index, slug: c.slug, title: c.title, hash: c.hash, relPath: c.relPath }));
    expect(shape(warm)).toEqual(shape(cold));
    expect(warm.diagnostics).toEqual(cold.diagnostics);
    expect(warm.contentHash).toBe(cold.contentHash);
  });
});
