import { describe, expect, it } from 'vitest';
import { crossRefTable } from '../../../src/book/crossRefs.js';
import { loadBook } from '../../../src/book/loadBook.js';
import { tocRenderer } from '../../../src/render/html/navigation.js';
import { writeBook } from '../../helpers/cli.js';

describe('unnumbered chapters', () => {
  const book = () =>
    writeBook({
      'manuscript/book.yaml': 'title: T\nchapters:\n  - preface.md\n  - one.md\n  - file: thanks.md\n    numbered: false\n  - two.md\n',
      'manuscript/preface.md': '# Preface {.unnumbered #sec-preface}\n\n![A map](map.png){#fig:map}\n',
      'manuscript/one.md': '# One\n\n![A cat](cat.png){#fig:cat}\n\nSee @sec-preface and @fig:map.\n',
      'manuscript/thanks.md': '# Thanks\n',
      'manuscript/two.md': '# Two {#sec-two}\n\n![A dog](dog.png){#fig:dog}\n',
      'manuscript/map.png': '',
      'manuscript/cat.png': '',
      'manuscript/dog.png': '',
    });

  it('skips {.unnumbered} and numbered: false chapters when numbering, figures and references included', async () => {
    const loaded = await loadBook(book(), { noCache: true });
    expect(loaded.chapters.map((c) => [c.title, c.number])).toEqual([
      ['Preface', undefined],
      ['One', 1],
      ['Thanks', undefined],
      ['Two', 2],
    ]);
    const table = crossRefTable(loaded);
    expect(table.get('fig:map')?.text).toBe('Figure 1');
    expect(table.get('fig:cat')?.text).toBe('Figure 1.1');
    expect(table.get('fig:dog')?.text).toBe('Figure 2.1');
    expect(table.get('sec:preface')?.text).toBe('Preface');
    expect(table.get('sec:two')?.text).toBe('Chapter 2');
  });

  it('shows no number for them in the sidebar', async () => {
    const loaded = await loadBook(book(), { noCache: true });
    const sidebar = tocRenderer(loaded)(loaded.chapters[1]!);
    const numbers = [...sidebar.matchAll(/<span class="chapter-number">([^<]*)<\/span><span>([^<]*)<\/span>/g)].map((m) => [m[2], m[1]]);
    expect(numbers).toEqual([
      ['Preface', ''],
      ['One', '1'],
      ['Thanks', ''],
      ['Two', '2'],
    ]);
  });
});
