import type { Element, ElementContent, Root as HastRoot, RootContent } from 'hast';
import { visit } from 'unist-util-visit';
import { mediaDir } from '../shared/chapterHtml.js';
import { idsIn } from './chapterTree.js';

/** Reading systems slow down on large content documents; split chapters well before this many bytes. */
export const maxFileBytes = 300_000;
/** Where splitting aims, leaving room for the document's head and for the estimate's error. */
const targetBytes = 250_000;

export interface ChapterFile {
  /** File name inside the EPUB's content folder, e.g. `types.xhtml`, `types-2.xhtml`. */
  name: string;
  slug: string;
  children: RootContent[];
}

/**
 * One file per chapter, or several for a long one: sections (from one h2 or h3 to the next) are packed into
 * files of about 250 KB; a section longer than that alone is cut between its top-level blocks.
 */
export function splitChapter(tree: HastRoot, slug: string): ChapterFile[] {
  const sections: RootContent[][] = [[]];
  for (const node of tree.children) {
    const isHeading = node.type === 'element' && /^h[2-3]$/.test(node.tagName);
    if (isHeading && sections[sections.length - 1].length > 0) sections.push([]);
    sections[sections.length - 1].push(node);
  }
  const groups: RootContent[][] = [[]];
  let size = 0;
  const startGroup = () => {
    if (groups[groups.length - 1].length > 0) groups.push([]);
    size = 0;
  };
  for (const section of sections) {
    const sizes = section.map(estimateBytes);
    const total = sizes.reduce((a, b) => a + b, 0);
    if (size + total > targetBytes) startGroup();
    section.forEach((node, i) => {
      if (size + sizes[i] > targetBytes) startGroup();
      groups[groups.length - 1].push(node);
      size += sizes[i];
    });
  }
  return groups.map((children, i) => ({ name: i === 0 ? `${slug}.xhtml` : `${slug}-${i + 1}.xhtml`, slug, children }));
}

/** An upper-bound estimate of a node's serialised size (tags, attributes, escaped text) without serialising it. */
function estimateBytes(node: RootContent | ElementContent): number {
  if (node.type === 'text') return Buffer.byteLength(node.value) + (node.value.match(/[<&>"]/g)?.length ?? 0) * 5;
  if (node.type !== 'element') return 'value' in node ? String(node.value).length : 0;
  let bytes = node.tagName.length * 2 + 5;
  for (const [key, value] of Object.entries(node.properties)) bytes += key.length + 4 + (Array.isArray(value) ? value.join(' ').length : String(value).length);
  for (const child of node.children) bytes += estimateBytes(child);
  return bytes;
}

/** Finds the file holding each id, and each chapter's first file. */
export class FileIndex {
  private readonly byId = new Map<string, Map<string, string>>();
  private readonly first = new Map<string, string>();

  add(file: ChapterFile): void {
    if (!this.first.has(file.slug)) this.first.set(file.slug, file.name);
    const ids = this.byId.get(file.slug) ?? new Map<string, string>();
    for (const id of idsIn(file.children)) if (!ids.has(id)) ids.set(id, file.name);
    this.byId.set(file.slug, ids);
  }

  has(slug: string): boolean {
    return this.first.has(slug);
  }

  fileOf(slug: string, id?: string): string | undefined {
    return (id ? this.byId.get(slug)?.get(id) : undefined) ?? this.first.get(slug);
  }
}

export interface LinkContext {
  index: FileIndex;
  /** The book's online address: absolute site paths (`/docs/…`) are resolved against it. */
  url?: string;
}

/**
 * Points links at the XHTML file holding their target: `other.html#id` (the shared renderer's page links)
 * and `#id` within a split chapter. Links to files the EPUB does not carry go to the online book, or become
 * plain text when it has no address. Returns the hrefs that had to be dropped.
 */
export function rewriteLinks(file: ChapterFile, context: LinkContext): string[] {
  const dropped: string[] = [];
  for (const node of file.children) {
    visit(node, 'element', (el: Element, index, parent) => {
      if (el.tagName !== 'a' || typeof el.properties.href !== 'string') return undefined;
      const href = el.properties.href;
      const hash = href.indexOf('#');
      const page = hash === -1 ? href : href.slice(0, hash);
      const id = hash === -1 ? undefined : decodeURIComponent(href.slice(hash + 1));
      const pageSlug = page.endsWith('.html') ? page.slice(0, -'.html'.length) : undefined;
      if (page === '' && id) {
        const target = context.index.fileOf(file.slug, id);
        el.properties.href = target && target !== file.name ? `${target}#${encodeURIComponent(id)}` : href;
      } else if (pageSlug !== undefined && context.index.has(pageSlug)) {
        const target = context.index.fileOf(pageSlug, id)!;
        el.properties.href = id ? `${target}#${encodeURIComponent(id)}` : target;
      } else if (page === 'index.html') {
        el.properties.href = 'title.xhtml';
      } else if (page.startsWith(`${mediaDir}/`) || (page !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(page))) {
        // A link may only lead to a content document in the spine or to the web: a file inside the EPUB
        // cannot be opened, and a site path (`/docs/x.html`) has no site to be relative to. Absolute
        // site paths go to the book's address when it has one.
        if (context.url && (href.startsWith('/') || href.startsWith('//'))) {
          el.properties.href = new URL(href, context.url).href;
        } else if (parent && index !== undefined) {
          if (page.startsWith(`${mediaDir}/`)) dropped.push(href);
          parent.children.splice(index, 1, ...el.children);
          return index;
        }
      }
      return undefined;
    });
  }
  return dropped;
}
