import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { diffOutput, snapshotOutput } from '../../../src/dev/outputChanges.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function site(files: Record<string, string>) {
  dir = mkdtempSync(path.join(os.tmpdir(), 'evergreen-out-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}

describe('output changes', () => {
  it('tells changed pages, stylesheets and used assets apart, and ignores search data and fonts', async () => {
    site({
      'index.html': 'home',
      'a.html': 'A',
      'b.html': 'B',
      'assets/book.css': 'x{}',
      'assets/book.js': '1',
      'search-data.js': 's1',
      'assets/fonts/f.woff2': 'f',
      'media/old.png': 'p',
    });
    const before = await snapshotOutput(dir);
    writeFileSync(path.join(dir, 'a.html'), 'A2');
    writeFileSync(path.join(dir, 'search-data.js'), 's2');
    writeFileSync(path.join(dir, 'assets/fonts/f.woff2'), 'font changed');
    writeFileSync(path.join(dir, 'c.html'), 'new page');
    writeFileSync(path.join(dir, 'media/new.png'), 'new image');
    expect(diffOutput(before, await snapshotOutput(dir))).toEqual({ pages: ['/a.html', '/c.html'], stylesheets: [], assets: [] });
  });

  it('reports a CSS-only change as stylesheets, and a changed or removed script or image as assets', async () => {
    site({ 'index.html': 'home', 'assets/book.css': 'x{}', 'assets/book.js': '1', 'media/old.png': 'p' });
    const before = await snapshotOutput(dir);
    writeFileSync(path.join(dir, 'assets/book.css'), 'y{}');
    expect(diffOutput(before, await snapshotOutput(dir))).toEqual({ pages: [], stylesheets: ['/assets/book.css'], assets: [] });
    writeFileSync(path.join(dir, 'assets/book.js'), '2');
    unlinkSync(path.join(dir, 'media/old.png'));
    expect(diffOutput(before, await snapshotOutput(dir)).assets).toEqual(['/assets/book.js', '/media/old.png']);
  });
});
