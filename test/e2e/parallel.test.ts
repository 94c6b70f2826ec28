import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateBook } from '../../scripts/generate-book.mjs';
import { runCli, tempDir } from '../helpers/cli.js';

describe('chapter workers', () => {
  it('produce exactly the pages the main thread produces', async () => {
    const root = tempDir();
    generateBook(root, { chapters: 10, words: 12_000, codeBlocks: 80 });
    const threaded = path.join(root, 'threaded');
    const single = path.join(root, 'single');
    const a = await runCli(['build', '--root', root, '--out', threaded, '--format', 'html', '--no-cache'], { env: { EVERGREEN_WORKERS: '2' } });
    const b = await runCli(['build', '--root', root, '--out', single, '--format', 'html', '--no-cache'], { env: { EVERGREEN_WORKERS: '0' } });
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const pages = readdirSync(path.join(single, 'html')).filter((f) => f.endsWith('.html'));
    expect(pages.length).toBe(11);
    for (const page of pages) {
      expect(readFileSync(path.join(threaded, 'html', page), 'utf8'), page).toBe(readFileSync(path.join(single, 'html', page), 'utf8'));
    }
    // Every token has matching light and dark colours (a truncated tokenization leaves plain text in one theme).
    const html = pages.map((p) => readFileSync(path.join(threaded, 'html', p), 'utf8')).join('');
    expect(html).not.toMatch(/--shiki-light:#1F2328;--shiki-dark:#D2A8FF/);
  });
});
