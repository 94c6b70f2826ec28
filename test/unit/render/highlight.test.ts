import type { Element } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { createHighlighter, createJavaScriptRegexEngine } from 'shiki';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { CodePresentation } from '../../../src/book/codePresentation.js';
import { codeThemes, colorReplacements, grammarFor, highlightCacheName, highlightToHast, prepareHighlighter } from '../../../src/render/shared/highlight.js';

const blocks: [string, string][] = [
  ['ts', 'interface Box<T> {\n  contents: T;\n}\nconst b: Box<string> = { contents: `hi ${1 + 2}` };\n// a comment\nexport default b;'],
  ['js', 'const re = /a(?<name>b+)c/giu;\nasync function* gen() { yield await fetch("x"); }'],
  ['bash', 'npm install --save-dev evergreen-book\nfor f in *.md; do echo "$f"; done'],
  ['json', '{ "name": "x", "version": "1.0.0", "private": true, "n": [1, 2.5e3, null] }'],
  ['yaml', 'title: Book\nchapters:\n  - intro.md # first\n'],
  ['css', ':root { --accent: #8a3ffc; }\n.box > p::before { content: "»"; margin: 0 auto !important; }'],
  ['tsx', 'export const App = () => <div className="x">{items.map((i) => <Item key={i} />)}</div>;'],
];

const presentation = (lang: string, code: string, extra: Partial<CodePresentation> = {}): CodePresentation => ({
  lang,
  code,
  highlightLines: [],
  kind: 'code',
  typeAnnotations: [],
  errorAnnotations: [],
  ...extra,
});

describe('syntax highlighting', () => {
  it('colours exactly as Shiki’s JavaScript regex engine did before the switch to Oniguruma', async () => {
    const h = await prepareHighlighter([{ blocks: blocks.map(([lang, code]) => presentation(lang, code)) }]);
    const reference = await createHighlighter({
      themes: [codeThemes.light, codeThemes.dark],
      langs: blocks.map(([lang]) => grammarFor(lang)!),
      engine: createJavaScriptRegexEngine({ forgiving: true }),
    });
    for (const [lang, code] of blocks) {
      const ours = highlightToHast(h, presentation(lang, code));
      const theirs = reference.codeToHast(code, { lang: grammarFor(lang)!, themes: codeThemes, defaultColor: false, colorReplacements, tokenizeTimeLimit: 10_000 });
      const tokens = (tree: Parameters<typeof toHtml>[0]) => toHtml(tree).match(/<span style="[^"]*">[^<]*<\/span>/g) ?? [];
      expect(tokens(ours).length, lang).toBeGreaterThan(3);
      expect(tokens(ours), lang).toEqual(tokens(theirs));
    }
  });

  it('highlights a repeated block once but gives every caller its own tree', async () => {
    const code = 'const x = 1;\nconst y = x + 1;';
    const h = await prepareHighlighter([{ blocks: [presentation('ts', code)] }]);
    const annotated = highlightToHast(h, presentation('ts', code, { typeAnnotations: [{ line: 1, column: 7, text: 'const x: 1' }] }));
    const plain = highlightToHast(h, presentation('ts', code));
    const again = highlightToHast(h, presentation('ts', code));
    expect(toHtml(annotated)).toContain('const x: 1');
    // The annotation added to the first tree must not leak into the shared, memoised one.
    expect(toHtml(plain)).not.toContain('const x: 1');
    expect(toHtml(again)).toBe(toHtml(plain));
    const pre = (plain.children as Element[]).find((c) => c.tagName === 'pre')!;
    pre.children = [];
    expect(toHtml(highlightToHast(h, presentation('ts', code)))).toBe(toHtml(again));
  });

  it('keys emphasised lines into the memo (same code, other highlighted lines, other output)', async () => {
    const code = 'let a = 1;\nlet b = 2;';
    const h = await prepareHighlighter([{ blocks: [presentation('ts', code, { highlightLines: [1] }), presentation('ts', code, { highlightLines: [2] })] }]);
    const first = toHtml(highlightToHast(h, presentation('ts', code, { highlightLines: [1] })));
    const second = toHtml(highlightToHast(h, presentation('ts', code, { highlightLines: [2] })));
    expect(first).not.toBe(second);
    const emphasised = (html: string) => html.split('<span class="line').flatMap((line, i) => (line.startsWith(' highlighted') ? [i] : []));
    expect(emphasised(first)).toEqual([1]);
    expect(emphasised(second)).toEqual([2]);
  });

  it('refuses to show a block it was not prepared for, rather than showing it uncoloured', async () => {
    const h = await prepareHighlighter([{ blocks: [presentation('ts', 'let prepared = 1;')] }]);
    expect(() => highlightToHast(h, presentation('ts', 'let other = 2;'))).toThrow(/not prepared/);
    // Plain text needs no preparation.
    expect(toHtml(highlightToHast(h, presentation('text', 'just words')))).toContain('just words');
  });

  it("keeps a chapter's highlighted blocks in one file on disk, and serves them from there in a later run", async () => {
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'evergreen-highlight-'));
    const chapter = path.join(cacheDir, '..', 'manuscript', 'a.md');
    const code = `const stored${Date.now()} = { ok: true };`;
    const first = toHtml(highlightToHast(await prepareHighlighter([{ chapter, blocks: [presentation('ts', code)] }], cacheDir), presentation('ts', code)));
    const files = readdirSync(path.join(cacheDir, highlightCacheName));
    expect(files).toHaveLength(1);
    // A different process would find only the file: make its content recognisable to prove it is read.
    const file = path.join(cacheDir, highlightCacheName, files[0]!);
    writeFileSync(file, readFileSync(file, 'utf8').replace('stored', 'fromDisk'));
    vi.resetModules();
    const fresh = await import('../../../src/render/shared/highlight.js');
    const second = toHtml(fresh.highlightToHast(await fresh.prepareHighlighter([{ chapter, blocks: [presentation('ts', code)] }], cacheDir), presentation('ts', code)));
    expect(second).toBe(first.replace('stored', 'fromDisk'));
  });

  it("rewrites a chapter's file only when its blocks change, and keeps just the blocks it has now", async () => {
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'evergreen-highlight-'));
    const [a, b] = ['a.md', 'b.md'].map((name) => path.join(cacheDir, '..', 'manuscript', name));
    const stamp = Date.now();
    const one = presentation('ts', `let one${stamp} = 1;`);
    const two = presentation('ts', `let two${stamp} = 2;`);
    const shared = presentation('ts', `let shared${stamp} = 3;`);
    await prepareHighlighter(
      [
        { chapter: a!, blocks: [one, shared] },
        { chapter: b!, blocks: [two, shared] },
      ],
      cacheDir,
    );
    const dir = path.join(cacheDir, highlightCacheName);
    const contents = () => new Map(readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
    const before = contents();
    // One file per chapter, each with all of its blocks (a block two chapters share is in both).
    expect(before.size).toBe(2);
    expect([...before.values()].map((text) => Object.keys(JSON.parse(text) as object).length)).toEqual([2, 2]);
    // A later run with the same blocks, in a fresh process, writes nothing.
    vi.resetModules();
    const fresh = await import('../../../src/render/shared/highlight.js');
    const mtimes = () => readdirSync(dir).map((f) => statSync(path.join(dir, f)).mtimeMs);
    const unchanged = mtimes();
    await fresh.prepareHighlighter(
      [
        { chapter: a!, blocks: [one, shared] },
        { chapter: b!, blocks: [two, shared] },
      ],
      cacheDir,
    );
    expect(mtimes()).toEqual(unchanged);
    // Chapter a loses a block: its file now holds only the one left, and b's is untouched.
    await fresh.prepareHighlighter([{ chapter: a!, blocks: [shared] }], cacheDir);
    const after = contents();
    expect(after.size).toBe(2);
    const changed = [...after].filter(([f, text]) => before.get(f) !== text);
    expect(changed).toHaveLength(1);
    const kept = JSON.parse(changed[0]![1]) as Record<string, unknown>;
    expect(Object.keys(kept)).toHaveLength(1);
    expect(JSON.stringify(kept)).toContain(`shared${stamp}`);
  });

  it('keeps every block of a render prepared, even more than the process-wide memo holds', async () => {
    // The memo is bounded (4000 blocks) for long `evergreen dev` sessions; a larger book must still render.
    const many = Array.from({ length: 4100 }, (_, i) => presentation('ts', `let v${i} = ${i};`));
    const h = await prepareHighlighter([{ blocks: many }]);
    for (const p of [many[0]!, many[2050]!, many[4099]!]) expect(toHtml(highlightToHast(h, p))).toContain('let');
  });
});
