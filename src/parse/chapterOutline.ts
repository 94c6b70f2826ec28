import type { Heading, Root } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';

/**
 * Makes every chapter's outline the same shape, whatever its author's habit: one title (the page's h1)
 * and sections below it. The title heading is the first H1 when no title is declared (in book.yaml, which
 * wins, or in front matter), or when its text is that title. Every other `#` heading is a top section: when a
 * chapter has any, all its headings but the title move down one level (`#` → h2, `##` → h3…), so the
 * page, the sidebar, the PDF contents and bookmarks, search and release diffs all see the same sections.
 * Handbook chapters (front-matter title, `#` sections) and mdBook chapters (`# Title`, `##` sections)
 * then render alike.
 */
export function remarkChapterOutline() {
  return (tree: Root, file: VFile) => {
    const headings: Heading[] = [];
    visit(tree, 'heading', (node) => {
      headings.push(node);
    });
    const firstH1 = headings.find((h) => h.depth === 1);
    const declared = file.data.configuredTitle ?? file.data.frontMatter?.title;
    const titleHeading = firstH1 && (declared === undefined || sameText(toString(firstH1), declared)) ? firstH1 : undefined;
    if (titleHeading) markTitleHeading(titleHeading);
    const sections = headings.filter((h) => h !== titleHeading);
    if (!sections.some((h) => h.depth === 1)) return;
    for (const heading of sections) heading.depth = Math.min(6, heading.depth + 1) as Heading['depth'];
  };
}

function sameText(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
  return norm(a) === norm(b);
}

function markTitleHeading(node: Heading): void {
  node.data ??= {} as NonNullable<Heading['data']>;
  (node.data as { evergreenTitle?: boolean }).evergreenTitle = true;
}

/** True for the heading `remarkChapterOutline` chose as the chapter's title. */
export function isTitleHeading(node: Heading): boolean {
  return (node.data as { evergreenTitle?: boolean } | undefined)?.evergreenTitle === true;
}

declare module 'vfile' {
  interface DataMap {
    /** The chapter's title from book.yaml, when it has one (see parseMarkdown's options). */
    configuredTitle: string;
  }
}
