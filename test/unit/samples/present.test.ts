import type { Code } from 'mdast';
import { visit } from 'unist-util-visit';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBook } from '../../../src/book/loadBook.js';
import type { Book, Chapter } from '../../../src/book/model.js';
import type { CodePresentation, CodePresenter } from '../../../src/book/codePresentation.js';
import { createSamplePresenter } from '../../../src/samples/index.js';
import { copyFixture } from '../../e2e/checkHelpers.js';

describe('createSamplePresenter', () => {
  let book: Book;
  let present: CodePresenter;
  const shown = (chapterPath: string): CodePresentation[] => {
    const chapter = book.chapters.find((c) => c.relPath === chapterPath) as Chapter;
    const out: CodePresentation[] = [];
    visit(chapter.tree(), 'code', (node: Code) => {
      const p = present(chapter, node);
      if (p) out.push(p);
    });
    return out;
  };

  beforeAll(async () => {
    book = await loadBook(copyFixture('passing'));
    present = await createSamplePresenter(book);
  }, 60_000);

  it('keeps plain samples as written, with title and highlighted lines', () => {
    const [hello, output] = shown('features.md');
    expect(hello).toMatchObject({
      kind: 'sample',
      lang: 'ts',
      title: 'hello.ts',
      highlightLines: [2],
      code: "const greeting: string = 'hello';\nconsole.log(greeting.toUpperCase());",
    });
    expect(output).toMatchObject({ kind: 'output', code: 'HELLO' });
  });

  it('hides the setup above ---cut--- and the ^? line, and fills in the type from the type-check', () => {
    const cut = shown('features.md')[2]!;
    expect(cut.code).toBe("const doubled = data.map((n) => n * 2);\nconsole.log(doubled.join(','));");
    expect(cut.typeAnnotations).toEqual([{ line: 1, column: 7, text: 'const doubled: number[]' }]);
  });

  it('hides @filename and @errors lines and shows the expected errors under their line', () => {
    const all = shown('features.md').filter((p) => p.kind === 'sample');
    const multi = all.find((p) => p.code.includes('import { add }'))!;
    expect(multi.code).not.toContain('@filename');
    expect(multi.title).toBe('math.ts, main.ts');
    const errors = all.find((p) => p.code.includes("'three'"))!;
    expect(errors.code).toBe("const count: number = 'three';");
    expect(errors.errorAnnotations).toMatchObject([{ line: 1, column: 7, text: expect.stringContaining("'string' is not assignable") }]);
    const span = all.find((p) => p.code.includes("'ten'"))!;
    expect(span.code).toBe("const total: number = 'ten';");
    expect(span.errorAnnotations).toHaveLength(1);
  });

  it("says what a chapter's presentation depends on, for render caches", () => {
    const chapter = book.chapters[0]!;
    expect(present.cacheKey?.(chapter)).toMatch(/^[0-9a-f]{64}$/);
    expect(present.cacheKey?.(chapter)).not.toBe(present.cacheKey?.(book.chapters[1]!));
  });

  it('shows the region of an included file', () => {
    const include = shown('more.md').find((p) => p.code.includes('export function digest'))!;
    expect(include.code).toBe("export function digest(text: string): string {\n  return short(createHash('sha256').update(text).digest('hex'));\n}");
    expect(include.kind).toBe('sample');
  });
});
