import type { Root, RootContent } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { fromVFile } from '../diagnostics/diagnostic.js';
import { isTitleHeading } from '../parse/chapterOutline.js';
import type { FrontMatter } from '../parse/frontMatter.js';
import { headingIdOf } from '../parse/headingIds.js';
import { analyzeFeatures } from './crossRefAnalysis.js';
import type { ChapterAnalysis, HeadingInfo, LinkReference, SearchSection } from './model.js';

const wordPattern = /[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu;

export function countWords(text: string): number {
  return text.match(wordPattern)?.length ?? 0;
}

/** Everything later stages need to know about a chapter without re-reading its tree. */
export function analyzeChapter(tree: Root, file: VFile): ChapterAnalysis {
  const headings: HeadingInfo[] = [];
  const links: LinkReference[] = [];
  let words = 0;
  let titleHeading: HeadingInfo | undefined;
  visit(tree, (node) => {
    if (node.type === 'text' || node.type === 'inlineCode') words += countWords(node.value);
    const start = node.position?.start;
    const at = { line: start?.line ?? 1, column: start?.column ?? 1 };
    if (node.type === 'heading') {
      const id = headingIdOf(node);
      const info: HeadingInfo = {
        depth: node.depth,
        id: id?.id ?? '',
        explicitId: id?.explicit ?? false,
        ...(id?.unlisted ? { unlisted: true } : {}),
        ...(id?.unnumbered ? { unnumbered: true } : {}),
        text: toString(node).trim(),
        ...at,
      };
      headings.push(info);
      if (isTitleHeading(node)) titleHeading = info;
    } else if (node.type === 'link' || node.type === 'image' || node.type === 'definition') {
      links.push({ kind: node.type, url: node.url, ...at });
    } else if (node.type === 'html') {
      for (const match of node.value.matchAll(/\b(href|src)\s*=\s*"([^"]*)"/g)) {
        links.push({ kind: 'html', url: match[2], ...at });
      }
    }
  });
  const frontMatter = file.data.frontMatter ?? {};
  return {
    frontMatter,
    title: chapterTitle(frontMatter, titleHeading),
    titleHeadingId: titleHeading?.id,
    headings,
    links,
    words,
    search: searchSections(tree),
    diagnostics: fromVFile(file),
    features: analyzeFeatures(tree, file),
  };
}

/**
 * The title rule: the front matter's `title`, else the first H1 (parse/chapterOutline.ts picks it), else
 * none: loadBook then uses the file name and warns. A section heading (`##`) is never a chapter's title,
 * so deleting an H1 cannot silently rename a chapter. A title configured for the chapter in book.yaml
 * takes precedence over this one (applied where the chapter is loaded).
 */
export function chapterTitle(frontMatter: FrontMatter, titleHeading: Pick<HeadingInfo, 'text'> | undefined): string | undefined {
  return frontMatter.title ?? titleHeading?.text;
}

/** Splits the chapter's text at h1–h3 headings, so search results can link to the section. */
function searchSections(tree: Root): SearchSection[] {
  const sections: SearchSection[] = [];
  let current: SearchSection = { id: '', title: '', text: '' };
  const parts: string[] = [];
  const flush = () => {
    current.text = parts.join(' ').replace(/\s+/g, ' ').trim();
    if (current.text || current.title) sections.push(current);
    parts.length = 0;
  };
  for (const node of tree.children as RootContent[]) {
    if (node.type === 'heading' && node.depth <= 3) {
      flush();
      current = { id: headingIdOf(node)?.id ?? '', title: toString(node).trim(), text: '' };
    } else if (node.type !== 'html' && node.type !== 'definition') {
      parts.push(toString(node));
    }
  }
  flush();
  return sections;
}
