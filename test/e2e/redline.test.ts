import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { redlinePdf } from '../../src/release/redline.js';
import { findBrowser } from '../../src/util/browser.js';
import { tempDir } from '../helpers/cli.js';
import { diffCase } from '../helpers/diffCorpus.js';

const hasPdftotext = (() => {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('the redline PDF', () => {
  it.skipIf(!findBrowser() || !hasPdftotext)('shows the changed sections with the inserted and the deleted words, and page numbers (needs Chromium, pdftotext)', async () => {
    const file = path.join(tempDir('evergreen-redline-'), 'since.pdf');
    await redlinePdf(await diffCase('renamed-section'), { title: 'Corpus', file });
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('Corpus: changes from before to after');
    expect(text).toContain('Interface Extension vs. Intersection');
    expect(text).toContain('renamed from “Interfaces vs. Intersections”');
    // The one-word change: the deleted word and the inserted one are both there, side by side.
    expect(text).toMatch(/subtly\s+different\s*distinct/);
    expect(text).toContain('The principal difference between the two is how conflicts are handled');
    expect(text).toMatch(/1 \/ 1/);
  });
});
