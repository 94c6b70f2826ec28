import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isBookSource } from '../../../src/dev/watchTargets.js';

describe('isBookSource', () => {
  const root = path.resolve('/books/imported');

  it("watches a manuscript: folder other than manuscript/ (an imported book's src/)", () => {
    const src = path.join(root, 'src');
    expect(isBookSource(root, path.join(src, 'intro.md'))).toBe(false);
    expect(isBookSource(root, path.join(src, 'intro.md'), src)).toBe(true);
    expect(isBookSource(root, path.join(root, 'manuscript', 'book.yaml'), src)).toBe(true);
    expect(isBookSource(root, path.join(root, 'other', 'x.md'), src)).toBe(false);
  });

  it('never watches the build output, even when the chapters are the project folder itself', () => {
    expect(isBookSource(root, path.join(root, 'README.md'), root)).toBe(true);
    expect(isBookSource(root, path.join(root, 'dist', 'html', 'index.html'), root)).toBe(false);
    expect(isBookSource(root, path.join(root, 'dist'), root)).toBe(false);
  });
});
