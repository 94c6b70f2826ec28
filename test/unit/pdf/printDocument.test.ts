import { describe, expect, it } from 'vitest';
import type { Book, Chapter } from '../../../src/book/model.js';
import { printDocument, shortHash } from '../../../src/render/pdf/printDocument.js';

function chapter(index: number, slug: string, title: string, sections: string[]): Chapter {
  return {
    index,
    number: index + 1,
    slug,
    title,
    analysis: {
      headings: [{ depth: 1, id: 'title', text: title }, ...sections.map((s) => ({ depth: 2, id: s.toLowerCase().replace(/\W+/g, '-'), text: s }))],
      titleHeadingId: 'title',
    },
  } as unknown as Chapter;
}

describe('printDocument', () => {
  const intro = chapter(0, 'intro', 'Intro & <Setup>', ['First steps']);
  const types = chapter(1, 'types', 'Types', ['Unions']);
  const book = {
    config: { title: 'My Book', subtitle: 'Sub', authors: ['Ann', 'Bo'], language: 'de', copyright: '© 2026 Ann', description: 'About it' },
    chapters: [intro, types],
    toc: [
      { kind: 'chapter', chapter: intro },
      { kind: 'part', title: 'Part A', chapters: [types] },
    ],
    contentHash: 'abcdef0123456789abcdef',
  } as unknown as Book;
  const html = printDocument({
    book,
    version: { label: '1.2.0', date: '2026-11-26', unreleasedChanges: false },
    chapters: [
      { chapter: intro, html: '<h1 id="intro--title">Intro</h1>' },
      { chapter: types, html: '<h1 id="types--title">Types</h1>' },
    ],
    pageCss: '@page { size: A4; }\n',
    printCss: 'body { color: black; }',
    generator: 'Evergreen 9.9.9',
  });

  it('has a title page and a colophon that identify the edition', () => {
    expect(html).toContain('<html lang="de" class="print-book">');
    expect(html).toMatch(/<p class="book-title">My Book<\/p>[\s\S]*<p class="book-subtitle">Sub<\/p>/);
    expect(html).toContain('<span class="author">Ann</span><span class="author">Bo</span>');
    expect(html).toContain('Version <span class="book-version">1.2.0</span>');
    expect(html).toContain(`<dt>Content hash</dt><dd>${shortHash(book.contentHash)}</dd>`);
    expect(shortHash(book.contentHash)).toBe('abcdef012345');
    expect(html).toContain('© 2026 Ann');
  });

  it('lists chapters, sections and parts in the contents with page-number slots that link to them', () => {
    expect(html).toContain('<a href="#intro"><span class="toc-label">1</span><span class="toc-title">Intro &amp; &lt;Setup&gt;</span>');
    expect(html).toContain('data-target="intro--first-steps"');
    expect(html).toContain('<li class="toc-part"><a href="#part-1">');
    expect(html).not.toContain('data-target="intro--title"'); // the title heading is the chapter entry itself
  });

  it('puts each chapter on its own named page, parts on their own page', () => {
    expect(html).toContain('<section class="chapter" id="intro" data-page="chapter-1">');
    expect(html).toMatch(
      /<section class="part-page" id="part-1"><p class="part-label">Part 1<\/p><h1 class="part-title">Part A<\/h1><\/section>\s*<section class="chapter" id="types" data-page="chapter-2" data-part="part-1">/,
    );
    expect(html.indexOf('@page { size: A4; }')).toBeLessThan(html.indexOf('body { color: black; }'));
  });
});

describe('the print book’s change marks', () => {
  const intro = { index: 0, slug: 'intro', title: 'Intro', analysis: { headings: [], titleHeadingId: undefined } } as unknown as Chapter;
  const book = { config: { title: 'B', authors: [], language: 'en' }, chapters: [intro], toc: [{ kind: 'chapter', chapter: intro }], contentHash: 'abc' } as unknown as Book;
  const input = (changedSections?: { chapterSlug: string; headingId: string; label: string }[]) =>
    printDocument({
      book,
      version: { label: '2.0.0', date: '2026-12-02', unreleasedChanges: false, ...(changedSections ? { changedSections } : {}) },
      chapters: [{ chapter: intro, html: '<h1 id="intro--intro">Intro</h1><h2 id="intro--a">A</h2><p>x</p>' }],
      pageCss: '',
      printCss: '',
      generator: 'Evergreen',
    });

  it('are applied by a script only when the release changed something, with its data safe inside the script', () => {
    expect(input()).not.toContain('changed-section');
    const html = input([{ chapterSlug: 'intro', headingId: 'a', label: 'Updated in 2.0.0 </script><b>' }]);
    expect(html).toContain('"chapterSlug":"intro","headingId":"a"');
    expect(html).toContain('Updated in 2.0.0 \\u003c/script>\\u003cb>');
    // The marks are applied before the print preparation (which adapts the markup they wrap).
    const scripts = html.split('<script>').slice(1);
    expect(scripts).toHaveLength(2);
    expect(scripts[0]).toContain('changed-section');
    expect(scripts[1]).not.toContain('changed-section');
  });
});
