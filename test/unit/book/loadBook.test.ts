import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBook } from '../../../src/book/loadBook.js';
import { resolveLink } from '../../../src/book/links.js';
import { writeBook } from '../../helpers/cli.js';

describe('loadBook', () => {
  it('orders chapters from book.yaml, groups parts, and names pages by id or file name', async () => {
    const root = writeBook({
      'manuscript/book.yaml': 'title: T\nchapters:\n  - b.md\n  - part: P\n    chapters:\n      - "sub dir/A Chapter.md"\n',
      'manuscript/b.md': '---\nid: stable-b\n---\n# Bee\n',
      'manuscript/sub dir/A Chapter.md': '# A\n',
    });
    const book = await loadBook(root, { noCache: true });
    expect(book.diagnostics).toEqual([]);
    expect(book.chapters.map((c) => [c.relPath, c.slug, c.title, c.part])).toEqual([
      ['b.md', 'stable-b', 'Bee', undefined],
      ['sub dir/A Chapter.md', 'sub-dir-a-chapter', 'A', 'P'],
    ]);
    expect(book.toc.map((e) => e.kind)).toEqual(['chapter', 'part']);
  });

  it('without a chapters list, takes every .md in natural file-name order', async () => {
    const root = writeBook({
      'manuscript/book.yaml': 'title: T\n',
      'manuscript/10-last.md': '# Ten\n',
      'manuscript/2-second.md': '# Two\n',
      'manuscript/1-first.md': '# One\n',
    });
    const book = await loadBook(root, { noCache: true });
    expect(book.chapters.map((c) => c.title)).toEqual(['One', 'Two', 'Ten']);
  });

  it('reports a missing chapter at its line in book.yaml and keeps loading the rest', async () => {
    const root = writeBook({
      'manuscript/book.yaml': 'title: T\nchapters:\n  - here.md\n  - gone.md\n',
      'manuscript/here.md': '# Here\n',
    });
    const book = await loadBook(root, { noCache: true });
    expect(book.chapters).toHaveLength(1);
    expect(book.diagnostics).toEqual([expect.objectContaining({ file: path.join(root, 'manuscript', 'book.yaml'), line: 4, column: 5, ruleId: 'config/missing-chapter' })]);
  });

  it('reports broken links, anchors and images at file:line:col, and warns about unverifiable ones', async () => {
    const root = writeBook({
      'manuscript/book.yaml': 'title: T\nchapters: [a.md, b.md]\n',
      'manuscript/a.md': '# A\n\n[ok](b.md#install) [bad](b.md#instal) [gone](c.md)\n\n![img](nope.png) [site](/x.html)\n',
      'manuscript/b.md': '# B\n\n## Install {#install}\n',
    });
    const book = await loadBook(root, { noCache: true });
    const found = book.diagnostics.map((d) => [d.severity, d.line, d.column, d.ruleId]);
    expect(found).toEqual([
      ['error', 3, 20, 'link/missing-anchor'],
      ['error', 3, 39, 'link/missing-chapter'],
      ['error', 5, 1, 'link/missing-image'],
      ['warning', 5, 18, 'link/unchecked'],
    ]);
    expect(book.diagnostics[0].hint).toContain('#install');
  });

  it('turns unreadable chapters into errors, not crashes', async () => {
    const root = writeBook({
      'manuscript/book.yaml': 'title: T\nchapters: [bin.md, latin1.md, ok.md]\n',
      'manuscript/bin.md': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00]),
      'manuscript/latin1.md': new Uint8Array([0x23, 0x20, 0xe9, 0x74, 0xe9]),
      'manuscript/ok.md': '# OK\n',
    });
    const book = await loadBook(root, { noCache: true });
    expect(book.chapters.map((c) => c.title)).toEqual(['OK']);
    expect(book.diagnostics.map((d) => [path.basename(d.file), d.ruleId])).toEqual([
      ['bin.md', 'chapter/encoding'],
      ['latin1.md', 'chapter/encoding'],
    ]);
  });

  it('warns when a chapter has no title and derives one from the file name', async () => {
    const root = writeBook({ 'manuscript/book.yaml': 'title: T\n', 'manuscript/03_the-end.md': 'text only\n' });
    const book = await loadBook(root, { noCache: true });
    expect(book.chapters[0].title).toBe('The end');
    expect(book.diagnostics[0]).toMatchObject({ severity: 'warning', ruleId: 'chapter/no-title' });
  });

  it('gives the same content hash for the same text, and another for changed text', async () => {
    const files = { 'manuscript/book.yaml': 'title: T\n', 'manuscript/a.md': '# A\n' };
    const one = await loadBook(writeBook(files), { noCache: true });
    const two = await loadBook(writeBook(files), { noCache: true });
    const three = await loadBook(writeBook({ ...files, 'manuscript/a.md': '# A!\n' }), { noCache: true });
    expect(one.contentHash).toBe(two.contentHash);
    expect(one.contentHash).not.toBe(three.contentHash);
  });

  it('reuses the analysis cache and still reports positions in the current file', async () => {
    const root = writeBook({ 'manuscript/book.yaml': 'title: T\n', 'manuscript/a.md': '# A {#x}\n\n## B {#x}\n' });
    const first = await loadBook(root);
    const second = await loadBook(root);
    expect(second.diagnostics).toEqual(first.diagnostics);
    expect(second.diagnostics[0]).toMatchObject({ file: path.join(root, 'manuscript', 'a.md'), line: 3 });
  });
});

describe('resolveLink', () => {
  it('resolves chapters, anchors in the same chapter, assets and external links', async () => {
    const root = writeBook({
      'manuscript/book.yaml': 'title: T\nchapters: [x/a.md, b.md]\n',
      'manuscript/x/a.md': '# A\n\n## Here\n',
      'manuscript/b.md': '# B\n',
      'manuscript/x/pic.png': 'png',
    });
    const book = await loadBook(root, { noCache: true });
    const [a, b] = book.chapters;
    expect(resolveLink(book, a, '../b.md')).toMatchObject({ kind: 'chapter', chapter: b });
    expect(resolveLink(book, a, '#here')).toMatchObject({ kind: 'chapter', chapter: a, anchor: 'here' });
    expect(resolveLink(book, a, 'pic.png?v=1')).toMatchObject({ kind: 'asset', relPath: 'x/pic.png', suffix: '?v=1' });
    expect(resolveLink(book, a, 'mailto:me@example.com')).toEqual({ kind: 'external' });
    expect(resolveLink(book, a, '../../outside.md').kind).toBe('outside');
  });
});
