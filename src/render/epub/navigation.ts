import type { Element, ElementContent } from 'hast';
import type { Book, Chapter } from '../../book/model.js';
import type { BookVersion } from '../renderer.js';
import type { FileIndex } from './chapterFiles.js';

/** A page of the print edition and where it starts in the EPUB. */
export interface PageTarget {
  page: string;
  href: string;
}

const el = (tagName: string, properties: Element['properties'], children: ElementContent[] = []): Element => ({ type: 'element', tagName, properties, children });
const text = (value: string): ElementContent => ({ type: 'text', value });
const link = (href: string, label: string, properties: Element['properties'] = {}) => el('a', { href, ...properties }, [text(label)]);

/**
 * The navigation document: the same contents as the HTML book's sidebar (parts, chapters, their sections),
 * landmarks, and the print edition's page list when there is one.
 */
export function navigationBody(book: Book, files: FileIndex, pages: PageTarget[]): ElementContent[] {
  const chapterItem = (chapter: Chapter) => {
    const first = files.fileOf(chapter.slug)!;
    const children: ElementContent[] = [link(first, chapter.number === undefined ? chapter.title : `${chapter.number}. ${chapter.title}`)];
    const sections = sectionTree(chapter, files);
    if (sections.length) children.push(el('ol', {}, sections));
    return el('li', {}, children);
  };
  const entries = book.toc.map((entry) =>
    entry.kind === 'chapter' ? chapterItem(entry.chapter) : el('li', { className: ['part'] }, [el('span', {}, [text(entry.title)]), el('ol', {}, entry.chapters.map(chapterItem))]),
  );
  const first = book.chapters[0];
  const landmarks = [
    el('li', {}, [link('cover.xhtml', 'Cover', { 'epub:type': 'cover' })]),
    el('li', {}, [link('title.xhtml', 'Title page', { 'epub:type': 'titlepage' })]),
    el('li', {}, [link('nav.xhtml#toc', 'Contents', { 'epub:type': 'toc' })]),
    ...(first ? [el('li', {}, [link(files.fileOf(first.slug)!, 'Start of the book', { 'epub:type': 'bodymatter' })])] : []),
  ];
  const body: ElementContent[] = [
    el('nav', { 'epub:type': 'toc', id: 'toc', role: 'doc-toc', ariaLabelledBy: ['toc-heading'] }, [
      el('h1', { id: 'toc-heading' }, [text('Contents')]),
      el('ol', { className: ['toc'] }, entries),
    ]),
    el('nav', { 'epub:type': 'landmarks', id: 'landmarks', ariaLabelledBy: ['landmarks-heading'], hidden: true }, [
      el('h2', { id: 'landmarks-heading' }, [text('Landmarks')]),
      el('ol', {}, landmarks),
    ]),
  ];
  if (pages.length) {
    body.push(
      el('nav', { 'epub:type': 'page-list', id: 'page-list', role: 'doc-pagelist', ariaLabelledBy: ['page-list-heading'], hidden: true }, [
        el('h2', { id: 'page-list-heading' }, [text('Pages of the print edition')]),
        el(
          'ol',
          {},
          pages.map((p) => el('li', {}, [link(p.href, p.page)])),
        ),
      ]),
    );
  }
  return body;
}

/** Sections at depth 2, with their depth-3 subsections nested, as in the sidebar. */
function sectionTree(chapter: Chapter, files: FileIndex): Element[] {
  const headings = chapter.analysis.headings.filter((h) => (h.depth === 2 || h.depth === 3) && h.id !== chapter.analysis.titleHeadingId && !h.unlisted);
  const items: { item: Element; subsections: Element[] }[] = [];
  for (const h of headings) {
    const item = el('li', {}, [link(`${files.fileOf(chapter.slug, h.id)}#${encodeURIComponent(h.id)}`, h.text)]);
    if (h.depth === 3 && items.length > 0) items[items.length - 1].subsections.push(item);
    else items.push({ item, subsections: [] });
  }
  return items.map(({ item, subsections }) => {
    if (subsections.length) item.children.push(el('ol', {}, subsections));
    return item;
  });
}

/** The title page: title, subtitle, authors, which version this is, and the copyright. */
export function titlePageBody(book: Book, version: BookVersion, contentHash: string): ElementContent[] {
  const { config } = book;
  const p = (className: string, value: string) => el('p', { className: [className] }, [text(value)]);
  const children: ElementContent[] = [el('h1', { className: ['book-title'] }, [text(config.title)])];
  if (config.subtitle) children.push(p('book-subtitle', config.subtitle));
  if (config.authors.length) children.push(p('book-authors', config.authors.join(', ')));
  children.push(p('book-edition', `Version ${version.label} · ${version.date}`));
  const colophon: ElementContent[] = [];
  if (config.copyright) colophon.push(p('copyright', config.copyright));
  if (config.description) colophon.push(p('description', config.description));
  if (config.url) colophon.push(el('p', {}, [text('The current edition is online at '), link(config.url, config.url), text('.')]));
  colophon.push(p('content-hash', `Content hash ${contentHash.slice(0, 12)}: it changes only when the text changes.`));
  return [
    el('section', { className: ['title-page'], 'epub:type': 'titlepage', ariaLabel: 'Title page' }, children),
    el('section', { className: ['colophon'], 'epub:type': 'colophon', role: 'doc-colophon', ariaLabel: 'Colophon' }, colophon),
  ];
}
