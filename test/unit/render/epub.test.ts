import type { Element, ElementContent, Root } from 'hast';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { Book } from '../../../src/book/model.js';
import { accessibilityMetadata } from '../../../src/render/epub/accessibility.js';
import { FileIndex, maxFileBytes, rewriteLinks, splitChapter } from '../../../src/render/epub/chapterFiles.js';
import { adaptChapter, insertPageBreaks } from '../../../src/render/epub/chapterTree.js';
import { CodeClasses } from '../../../src/render/epub/codeClasses.js';
import { epubArchive } from '../../../src/render/epub/epubArchive.js';
import { bookIdentifier } from '../../../src/render/epub/packageDocument.js';
import { xhtmlDocument } from '../../../src/render/epub/xhtmlDocument.js';
import { pageBlocks } from '../../../src/render/shared/pageMap.js';

const el = (tagName: string, properties: Element['properties'], children: ElementContent[] = []): Element => ({ type: 'element', tagName, properties, children });
const t = (value: string): ElementContent => ({ type: 'text', value });
const root = (...children: Element[]): Root => ({ type: 'root', children });

describe('EPUB chapter files', () => {
  it('splits a long chapter at section headings so no file passes the limit, and finds each id in its file', () => {
    const paragraph = (i: number) => el('p', { id: `p${i}` }, [t('x'.repeat(2000))]);
    const children: Element[] = [el('h1', { id: 'title' }, [t('Long')])];
    for (let s = 0; s < 8; s++) {
      children.push(el('h2', { id: `s${s}` }, [t(`Section ${s}`)]));
      for (let i = 0; i < 60; i++) children.push(paragraph(s * 100 + i));
    }
    const files = splitChapter(root(...children), 'long');
    expect(files.length).toBeGreaterThan(2);
    expect(files.map((f) => f.name).slice(0, 3)).toEqual(['long.xhtml', 'long-2.xhtml', 'long-3.xhtml']);
    for (const file of files) {
      const xhtml = xhtmlDocument({ title: 'Long', lang: 'en', body: file.children as ElementContent[] });
      expect(Buffer.byteLength(xhtml)).toBeLessThan(maxFileBytes);
    }
    // Later files start at a section heading.
    for (const file of files.slice(1)) expect((file.children[0] as Element).tagName).toBe('h2');
    const index = new FileIndex();
    files.forEach((f) => index.add(f));
    expect(index.fileOf('long', 's0')).toBe('long.xhtml');
    expect(index.fileOf('long', 's7')).toBe(files[files.length - 1].name);
    expect(index.fileOf('long')).toBe('long.xhtml');
  });

  it('points page links and same-chapter anchors at the file holding the target; file links become text', () => {
    const a = splitChapter(
      root(el('h1', { id: 'a' }, [t('A')]), el('p', {}, [el('a', { href: 'b.html#deep' }, [t('to b')]), el('a', { href: 'media/sample.zip' }, [t('download')])])),
      'a',
    );
    const b = [
      { name: 'b.xhtml', slug: 'b', children: [el('h1', { id: 'b' }, [t('B')]), el('p', {}, [el('a', { href: '#deep' }, [t('down')])])] },
      { name: 'b-2.xhtml', slug: 'b', children: [el('h2', { id: 'deep' }, [t('Deep')])] },
    ];
    const index = new FileIndex();
    [...a, ...b].forEach((f) => index.add(f));
    expect(rewriteLinks(a[0], { index })).toEqual(['media/sample.zip']);
    expect(rewriteLinks(b[0], { index })).toEqual([]);
    const p = a[0].children[1] as Element;
    expect((p.children[0] as Element).properties.href).toBe('b-2.xhtml#deep');
    expect(p.children[1]).toEqual(t('download'));
    expect(((b[0].children[1] as Element).children[0] as Element).properties.href).toBe('b-2.xhtml#deep');
  });
});

describe('EPUB chapter transforms', () => {
  it('counts page blocks like the print document does and marks page starts where markup allows', () => {
    const line = (s: string) => el('span', { className: ['line'] }, [t(s)]);
    const tree = root(
      el('h1', { id: 'x' }, [t('Title')]),
      el('p', {}, [t('one')]),
      el('figure', { className: ['code-block'] }, [el('pre', {}, [el('code', {}, [line('a'), t('\n'), line('b')])])]),
      el('ul', {}, [el('li', {}, [el('p', {}, [t('item')])])]),
      el('table', {}, [el('tbody', {}, [el('tr', {}, [el('td', {}, [t('cell')])])])]),
    );
    expect(pageBlocks(tree).map((b) => b.tagName)).toEqual(['h1', 'p', 'span', 'span', 'li', 'p', 'tr']);
    expect(
      insertPageBreaks(tree, [
        { block: 1, page: '7' },
        { block: 3, page: '8' },
        { block: 6, page: '9' },
      ]),
    ).toEqual(['7', '8', '9']);
    const marker = (page: string) =>
      expect.objectContaining({ properties: expect.objectContaining({ id: `page-${page}`, 'epub:type': 'pagebreak', role: 'doc-pagebreak', title: page }) });
    expect(tree.children[1]).toEqual(marker('7'));
    const code = ((tree.children[3] as Element).children[0] as Element).children[0] as Element;
    expect((code.children[2] as Element).children[0]).toEqual(marker('8'));
    const cell = (((tree.children[5] as Element).children[0] as Element).children[0] as Element).children[0] as Element;
    expect(cell.children[0]).toEqual(marker('9'));
  });

  it('turns GFM footnotes into numbered EPUB 3 notes and drops heading anchors', () => {
    const tree = root(
      el('h2', { id: 's' }, [t('Section'), el('a', { className: ['heading-anchor'], href: '#s' }, [t('#')])]),
      el('p', {}, [el('sup', {}, [el('a', { href: '#fn-1', id: 'ref-1', dataFootnoteRef: true, ariaDescribedBy: ['footnote-label'] }, [t('1')])])]),
      el('section', { dataFootnotes: true, className: ['footnotes'] }, [
        el('h2', { id: 'footnote-label', className: ['sr-only'] }, [t('Footnotes')]),
        el('ol', {}, [el('li', { id: 'fn-1' }, [el('p', {}, [t('A note. '), el('a', { href: '#ref-1', dataFootnoteBackref: '' }, [t('↩')])])])]),
      ]),
    );
    adaptChapter(tree, new CodeClasses());
    expect((tree.children[0] as Element).children).toEqual([t('Section')]);
    const ref = ((tree.children[1] as Element).children[0] as Element).children[0] as Element;
    expect(ref.properties).toMatchObject({ 'epub:type': 'noteref', role: 'doc-noteref' });
    expect(ref.properties.ariaDescribedBy).toBeUndefined();
    const section = tree.children[2] as Element;
    const aside = section.children.find((c): c is Element => c.type === 'element' && c.tagName === 'aside')!;
    expect(aside.properties).toMatchObject({ id: 'fn-1', 'epub:type': 'footnote', role: 'doc-footnote' });
    const p = aside.children[0] as Element;
    expect(p.children[0]).toMatchObject({ properties: { className: ['footnote-number'] }, children: [t('1. ')] });
    expect((p.children[2] as Element).properties.role).toBe('doc-backlink');
  });

  it('replaces token styles with classes and drops spans in the default colour', () => {
    const pre = el('pre', { style: 'background:#fff' }, [
      el('code', {}, [
        el('span', { className: ['line'] }, [
          el('span', { style: '--shiki-light:#CF222E;--shiki-dark:#FF7B72' }, [t('const')]),
          el('span', { style: '--shiki-light:#1F2328;--shiki-dark:#E6EDF3' }, [t(' x ')]),
          el('span', { style: '--shiki-light:#123456;--shiki-light-font-style:italic' }, [t('odd')]),
        ]),
      ]),
    ]);
    const classes = new CodeClasses();
    classes.apply(pre);
    const line = ((pre.children[0] as Element).children[0] as Element).children;
    expect(line).toEqual([el('span', { className: ['tok-keyword'] }, [t('const')]), t(' x '), el('span', { className: ['tok-123456', 'tok-italic'] }, [t('odd')])]);
    expect(pre.properties.style).toBeUndefined();
    expect(classes.css()).toContain('pre .tok-123456 { color: #123456; }');
    expect(classes.css()).toMatch(/tok-keyword \{[^}]*bold/);
  });
});

describe('EPUB package', () => {
  it('keeps the same dc:identifier for a book across builds and releases, distinct between books', () => {
    const book = (slug: string, url?: string) => ({ config: { slug, url } }) as unknown as Book;
    expect(bookIdentifier(book('my-book'))).toBe(bookIdentifier(book('my-book')));
    expect(bookIdentifier(book('my-book'))).not.toBe(bookIdentifier(book('other')));
    expect(bookIdentifier(book('renamed', 'https://x.example/b/'))).toBe(bookIdentifier(book('my-book', 'https://x.example/b/')));
  });

  it('writes the container with mimetype first and stored, in a fixed order and time, the same in every time zone', () => {
    const files = new Map<string, string>([
      ['EPUB/z.xhtml', 'z'],
      ['META-INF/container.xml', 'c'],
      ['EPUB/a.xhtml', 'a'],
    ]);
    const when = new Date('2026-11-26T10:20:30Z');
    const bytes = epubArchive(files, when);
    expect(Buffer.from(bytes).equals(Buffer.from(epubArchive(new Map([...files].reverse()), when)))).toBe(true);
    expect(Object.keys(unzipSync(bytes))).toEqual(['mimetype', 'EPUB/a.xhtml', 'EPUB/z.xhtml', 'META-INF/container.xml']);
    const view = Buffer.from(bytes);
    expect(view.readUInt16LE(8)).toBe(0); // stored
    expect(view.subarray(30, 38).toString('latin1')).toBe('mimetype');
    // DOS time and date fields: 10:20:30 on 2026-11-26, whatever the machine's zone.
    expect(view.readUInt16LE(10)).toBe((10 << 11) | (20 << 5) | 15);
    expect(view.readUInt16LE(12)).toBe(((2026 - 1980) << 9) | (11 << 5) | 26);
  });

  it('states only accessibility features the book has', () => {
    const none = accessibilityMetadata({ images: 2, imagesWithoutAlt: 1, hasPageList: false, hasMathml: false, hasTimedOrAnimatedMedia: false });
    expect(none).not.toContain('alternativeText');
    expect(none).not.toContain('pageNavigation');
    expect(none).toContain('<meta property="schema:accessModeSufficient">textual,visual</meta>');
    expect(none).toContain('1 of 2 images have no text alternative');
    const all = accessibilityMetadata({ images: 1, imagesWithoutAlt: 0, hasPageList: true, hasMathml: false, hasTimedOrAnimatedMedia: true });
    expect(all).toContain('alternativeText');
    expect(all).toContain('pageBreakMarkers');
    expect(all).toContain('<meta property="schema:accessibilityHazard">unknown</meta>');
  });
});
