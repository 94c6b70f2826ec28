import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { formatDiff } from '../../../src/release/format.js';
import type { PublishedRelease } from '../../../src/release/history/index.js';
import { releaseSide } from '../../../src/release/outputCause.js';
import { changesContent } from '../../../src/release/site/changesPage.js';
import { serialize } from '../../../src/release/site/hast.js';
import { diffCase } from '../../helpers/diffCorpus.js';

/**
 * test/fixtures/diff-corpus/output-changed: the first section's sample prints something else under the
 * same code (its output block changed); the second section's prose was edited. Whether the output change is
 * what a new TypeScript prints or the author's edit is told by the TypeScript versions the releases recorded.
 */
const release = (version: string) => ({ version, date: '2026-01-01', notes: '' }) as unknown as PublishedRelease;
const pageOf = (diff: Awaited<ReturnType<typeof diffCase>>) => cheerio.load(serialize(changesContent(diff, release('1.0.0'), release('2.0.0'), [release('2.0.0')])));
const outputBlock = (diff: Awaited<ReturnType<typeof diffCase>>) => diff.chapters[0].sections[0].blocks.find((b) => b.op === 'modified');

describe('an output that changed under unchanged code', () => {
  it('is what the new TypeScript prints when the releases were verified with different versions', async () => {
    const diff = await diffCase('output-changed', { before: ['5.9.3'], after: ['6.0.2'] });
    expect(diff.typescript).toEqual({ from: ['5.9.3'], to: ['6.0.2'] });
    expect(diff.summary).toMatchObject({ outputsChanged: 1, outputsByTypeScript: 1, samplesChanged: 0 });
    expect(outputBlock(diff)).toMatchObject({ outputCause: { by: 'typescript', from: '5.9.3', to: '6.0.2' } });
    expect(diff.bumpReasons).toContain('1 sample output changed: TypeScript 6.0.2 prints otherwise (the code did not change)');
    const text = formatDiff(diff, { detail: true });
    expect(text).toContain('The typeof guard  (+2/-1 words, output changed: TypeScript 6.0.2 prints “42 (number)” (was 5.9.3; the code did not change))');
    // The prose edit next to it is only a prose edit.
    expect(text).toMatch(/Truthiness {2}\(\+3\/-0 words\)\n/);
    const $ = pageOf(diff);
    expect($('.badge').text()).toContain('output changed: TypeScript 6.0.2 prints “42 (number)”');
    expect($('.moved-note').text()).toContain('output changed: TypeScript 6.0.2 prints “42 (number)” (was 5.9.3; the code did not change)');
    expect($('article.change-section').last().find('.badge, .moved-note').text()).not.toContain('output');
  });

  it('is the author’s edit when both releases were verified with the same TypeScript', async () => {
    const diff = await diffCase('output-changed', { before: ['5.9.3'], after: ['5.9.3'] });
    expect(diff.summary).toMatchObject({ outputsChanged: 1, outputsByTypeScript: 0 });
    expect(outputBlock(diff)).toMatchObject({ outputCause: { by: 'edit', typescript: '5.9.3' } });
    expect(diff.bumpReasons).toContain('1 sample output changed (the code did not)');
    expect(formatDiff(diff)).toContain('output edited (same code, same TypeScript 5.9.3)');
    expect(pageOf(diff)('.badge').text()).not.toContain('TypeScript 5.9.3 prints');
  });

  it('has no cause told when a side did not record its TypeScript (an unchecked release, the manuscript)', async () => {
    const diff = await diffCase('output-changed', { before: ['5.9.3'] });
    expect(diff.typescript).toBeUndefined();
    expect(outputBlock(diff)).not.toHaveProperty('outputCause');
    expect(formatDiff(diff)).toContain('output changed, same code');
  });

  it('reads the TypeScript versions from what release.json verified, and none from an unchecked release', () => {
    const checked = {
      version: '2.0.0',
      snapshot: { chapters: [] },
      verification: {
        samples: 'checked',
        policy: 'all',
        compilers: [
          { name: 'TypeScript', version: '6.0.2' },
          { name: 'TypeScript', version: '5.9.3' },
          { name: 'Node.js', version: '22.1.0' },
        ],
      },
    } as unknown as PublishedRelease;
    expect(releaseSide(checked).typescript).toEqual(['6.0.2', '5.9.3']);
    const skipped = { ...checked, verification: { samples: 'skipped', policy: 'none', reason: 'book.yaml sets samples: none' } } as unknown as PublishedRelease;
    expect(releaseSide(skipped).typescript).toBeUndefined();
  });
});
