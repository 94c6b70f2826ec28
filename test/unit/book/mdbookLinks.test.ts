import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Code } from 'mdast';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { loadBook } from '../../../src/book/loadBook.js';
import { expandMdBookLinks } from '../../../src/book/mdbookLinks.js';
import { applyExpansions, expandedBlockLines } from '../../../src/parse/sourceExpansion.js';
import { writeBook } from '../../helpers/cli.js';

const listing = [
  '/* ANCHOR: all */',
  '// ANCHOR: component',
  'struct Paddle {',
  '    hello: f32,',
  '}',
  '// ANCHOR_END: component',
  '////////// ANCHOR: system',
  'impl System for MySystem {}',
  '////////// ANCHOR_END: system',
  '/* ANCHOR_END: all */',
].join('\n');

/** The chapter text with its directives expanded, as mdBook's links preprocessor writes it. */
function expand(chapter: string, files: Record<string, string> = {}) {
  const root = writeBook({ 'src/chapter.md': chapter, 'src/file.rs': `${listing}\n`, ...files });
  const file = path.join(root, 'src', 'chapter.md');
  const links = expandMdBookLinks(chapter, file);
  return { ...links, text: applyExpansions(chapter, links.expansions).text, file, root };
}

describe("mdBook's {{#include}} (dialect: mdbook)", () => {
  it('takes line ranges as mdBook does: :N, ::M, :N:, :N:M (1-based, M inclusive)', () => {
    expect(expand('{{#include file.rs:3}}').text).toBe('struct Paddle {');
    expect(expand('{{#include file.rs::2}}').text).toBe('/* ANCHOR: all */\n// ANCHOR: component');
    expect(expand('{{#include file.rs:9:}}').text).toBe('////////// ANCHOR_END: system\n/* ANCHOR_END: all */');
    expect(expand('{{#include file.rs:3:5}}').text).toBe('struct Paddle {\n    hello: f32,\n}');
    // The whole file: without its final line end, markers kept (mdBook drops them only inside an anchor).
    expect(expand('{{#include file.rs}}').text).toBe(listing);
  });

  it('takes the lines between ANCHOR and ANCHOR_END, leaving out the markers of anchors inside', () => {
    expect(expand('{{#include file.rs:component}}').text).toBe('struct Paddle {\n    hello: f32,\n}');
    expect(expand('{{#include file.rs:system}}').text).toBe('impl System for MySystem {}');
    expect(expand('{{#include file.rs:all}}').text).toBe('struct Paddle {\n    hello: f32,\n}\nimpl System for MySystem {}');
  });

  it('shows an escaped directive without its backslash, and leaves helpers of other preprocessors alone', () => {
    expect(expand('Write `\\{{#include file.rs}}`.').text).toBe('Write `{{#include file.rs}}`.');
    expect(expand('{{#template x.md}} and {{#include}}').text).toBe('{{#template x.md}} and {{#include}}');
    expect(expand('{{#title Another Title}}\n# Chapter').text).toBe('\n# Chapter');
  });

  it('indents every included line like the directive, and expands includes of included files from their own folder', () => {
    const { text, files } = expand('- item\n\n  {{#include parts/note.md}}\n', {
      'src/parts/note.md': 'First line.\n\n{{#include ../file.rs:3}}\n',
    });
    expect(text).toBe('- item\n\n  First line.\n  \n  struct Paddle {\n');
    expect(files.map((f) => path.basename(f))).toEqual(['note.md', 'file.rs']);
  });

  it('writes {{#playground}} as a rust block with its attributes, and reads {{#rustdoc_include}} as include', () => {
    expect(expand('{{#playground file.rs editable}}').text).toBe(`\`\`\`rust,editable\n${listing}\n\`\`\``);
    expect(expand('{{#rustdoc_include file.rs:system}}').text).toBe('impl System for MySystem {}');
  });

  it('reports a missing file, an unknown anchor (with did-you-mean) and lines past the end at the directive', () => {
    const { diagnostics, file } = expand('# T\n\nText {{#include nope.rs}}\n\n{{#include file.rs:sytem}}\n\n{{#include file.rs:40:41}}\n');
    expect(diagnostics.map((d) => [d.file, d.line, d.column, d.severity])).toEqual([
      [file, 3, 6, 'error'],
      [file, 5, 1, 'error'],
      [file, 7, 1, 'error'],
    ]);
    expect(diagnostics[0]!.message).toContain('cannot read nope.rs');
    expect(diagnostics[1]!.message).toContain('has no "ANCHOR: sytem"; did you mean "system"?');
    expect(diagnostics[1]!.hint).toContain('all, component, system');
    expect(diagnostics[2]!.message).toContain('has 10 lines, so line 40 is past its end');
  });

  it('reports an include that includes itself instead of looping', () => {
    const { diagnostics } = expand('{{#include loop.md}}\n', { 'src/loop.md': 'again {{#include loop.md}}\n' });
    expect(diagnostics[0]!.message).toContain('includes itself');
  });
});

describe('loading a book with dialect: mdbook', () => {
  const book = (chapter: string) =>
    writeBook({
      'manuscript/book.yaml': 'title: T\nmanuscript: src\ndialect: mdbook\nchapters:\n  - file: intro.md\n    numbered: false\n  - one.md\n',
      'src/intro.md': '# Preface\n',
      'src/one.md': chapter,
      'src/file.rs': `${listing}\n`,
    });

  it('parses the included text in place, and keeps the positions of everything else in the chapter', async () => {
    const root = book('# One\n\n```rust\n{{#include file.rs:all}}\n```\n\n## After {#after}\n\nSee [nowhere](missing.md).\n');
    const loaded = await loadBook(root, { noCache: true });
    const one = loaded.chapters[1]!;
    const codes: string[] = [];
    visit(one.tree(), 'code', (node: Code) => void codes.push(node.value));
    expect(codes).toEqual(['struct Paddle {\n    hello: f32,\n}\nimpl System for MySystem {}']);
    // Line 7 of the file the author edits, not of the expanded text (which is 4 lines longer).
    expect(one.analysis.headings.find((h) => h.id === 'after')).toMatchObject({ line: 7, column: 1 });
    const broken = loaded.diagnostics.find((d) => d.ruleId?.includes('link'));
    expect(broken).toMatchObject({ file: one.path, line: 9 });
  });

  it('changes the chapter hash when an included file changes, so every cache sees the change', async () => {
    const root = book('# One\n\n```rust\n{{#include file.rs:system}}\n```\n');
    const first = await loadBook(root);
    writeFileSync(path.join(root, 'src', 'file.rs'), listing.replace('MySystem', 'YourSystem'));
    const second = await loadBook(root);
    expect(second.chapters[1]!.hash).not.toBe(first.chapters[1]!.hash);
    expect(second.contentHash).not.toBe(first.contentHash);
    let code = '';
    visit(second.chapters[1]!.tree(), 'code', (node: Code) => void (code = node.value));
    expect(code).toBe('impl System for YourSystem {}');
    expect(second.chapters[1]!.includedFiles).toEqual([path.join(root, 'src', 'file.rs')]);
    // dev's reload with the included file among the changes takes the chapter again, not the one it had.
    writeFileSync(path.join(root, 'src', 'file.rs'), listing.replace('MySystem', 'TheirSystem'));
    const third = await loadBook(root, { previous: { book: second, changed: new Set([path.join(root, 'src', 'file.rs')]) } });
    visit(third.chapters[1]!.tree(), 'code', (node: Code) => void (code = node.value));
    expect(code).toBe('impl System for TheirSystem {}');
  });

  it('numbers the chapters after an unnumbered one from 1', async () => {
    const loaded = await loadBook(book('# One {.unnumbered}\n'), { noCache: true });
    expect(loaded.chapters.map((c) => c.number)).toEqual([undefined, undefined]);
    const numbered = await loadBook(book('# One\n'), { noCache: true });
    expect(numbered.chapters.map((c) => c.number)).toEqual([undefined, 1]);
  });

  it('stops the build at an include it cannot resolve', async () => {
    const loaded = await loadBook(book('# One\n\n{{#include file.rs:nope}}\n'), { noCache: true });
    expect(loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.line, d.column, d.ruleId])).toEqual([[3, 1, 'chapter/mdbook-include']]);
  });
});

describe('code blocks with included lines', () => {
  it('maps each line of the block to the chapter line it comes from (included lines: the directive)', () => {
    const source = '# T\n\n```ts\nconst a = 1;\n{{#include x.ts}}\nconst z = 2;\n```\n';
    const start = source.indexOf('{{');
    const expansions = [{ start, end: source.indexOf('}}') + 2, text: 'const b = 1;\nconst c = 2;\nconst d = 3;' }];
    expect(expandedBlockLines(source, expansions, 4, 5)).toEqual([4, 5, 5, 5, 6]);
    expect(expandedBlockLines(source, [], 4, 3)).toBeUndefined();
  });
});
