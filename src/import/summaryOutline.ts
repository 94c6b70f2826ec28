import path from 'node:path';
import type { Heading, Link, List, ListItem, Paragraph, Root, RootContent } from 'mdast';
import { toString } from 'mdast-util-to-string';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import type { ImportedChapter, ImportNote } from './model.js';

export interface SummaryOutline {
  chapters: ImportedChapter[];
  /** Entries with no file (mdBook draft chapters), links to other sites, separators, flattened nesting. */
  notes: ImportNote[];
  /** How many chapters were nested under another (Evergreen's outline is chapters in parts, one level). */
  nested: number;
}

/**
 * Reads a SUMMARY.md outline as mdBook and GitBook write it: an optional title heading (`# Summary`,
 * `# Table of contents`), then chapters as links in lists (nested lists are sub-chapters) or, in mdBook,
 * as bare links before and after the numbered list (prefix and suffix chapters); later headings open parts
 * (`# Part` in mdBook, `## Part` in GitBook); `---` separates (mdBook); `[Title]()` is a draft (mdBook).
 * Link paths are made relative to `manuscriptDir`.
 */
export function readSummary(text: string, summaryPath: string, manuscriptDir: string): SummaryOutline {
  const tree = unified().use(remarkParse).parse(text) as Root;
  const outline: SummaryOutline = { chapters: [], notes: [], nested: 0 };
  const summaryDir = path.dirname(summaryPath);
  let part: string | undefined;
  /** The part a heading opened (groups inside it do not open parts of their own). */
  let partFromHeading: string | undefined;
  let seenEntry = false;
  let seenHeading = false;
  let inGroupPart = false;
  const at = (node: { position?: { start: { line: number; column: number } } }) => ({
    file: summaryPath,
    line: node.position?.start.line,
    column: node.position?.start.column,
  });

  const addLink = (link: Link, depth: number, numbered = true) => {
    seenEntry = true;
    const title = toString(link).trim();
    const url = link.url.trim();
    if (url === '') {
      outline.notes.push({ ...at(link), message: `draft chapter "${title}" (no file yet) left out` });
      return;
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//')) {
      outline.notes.push({ ...at(link), message: `link to another site "${title}" (${url}) left out of the chapters` });
      return;
    }
    const [target = '', anchor] = url.split('#');
    if (anchor !== undefined) outline.notes.push({ ...at(link), message: `entry "${title}" points into a page (#${anchor}); the whole page is the chapter` });
    const absolute = path.resolve(summaryDir, decodeURIComponent(target));
    const file = path.relative(manuscriptDir, absolute).split(path.sep).join('/');
    if (depth > 0) outline.nested++;
    outline.chapters.push({ file, title: title || undefined, part, ...(numbered ? {} : { numbered: false }), listedAt: at(link) });
  };

  const walkList = (list: List, depth: number) => {
    for (const item of list.children as ListItem[]) {
      let linked = false;
      let group: string | undefined;
      for (const child of item.children) {
        if (child.type === 'paragraph') {
          const links = linksIn(child);
          const text = toString(child).trim();
          if (links.length === 0 && text) {
            seenEntry = true;
            group = text;
          }
          for (const link of links) {
            addLink(link, depth);
            linked = true;
          }
        } else if (child.type === 'list') {
          if (group !== undefined && depth === 0 && partFromHeading === undefined && !inGroupPart) {
            // GitBook: a top-level entry without a page that groups pages is a part.
            const outer = part;
            part = group;
            inGroupPart = true;
            walkList(child, depth);
            inGroupPart = false;
            part = outer;
          } else {
            if (group !== undefined)
              outline.notes.push({ ...at(child), message: `group "${group}" has no page of its own; its pages are chapters of ${part ? `the part "${part}"` : 'the book'}` });
            walkList(child, linked ? depth + 1 : depth);
          }
          group = undefined;
        }
      }
      if (group !== undefined) outline.notes.push({ ...at(item), message: `outline entry "${group}" has no link; left out` });
    }
  };

  for (const node of tree.children as RootContent[]) {
    if (node.type === 'heading') {
      const title = toString(node as Heading).trim();
      // The first heading before any entry is the outline's own title (`# Summary`), which both tools ignore.
      const isOutlineTitle = !seenEntry && !seenHeading;
      seenHeading = true;
      if (isOutlineTitle) continue;
      part = partFromHeading = title || undefined;
    } else if (node.type === 'list') {
      walkList(node, 0);
    } else if (node.type === 'paragraph') {
      // mdBook's prefix and suffix chapters (bare links outside the list) are shown without a number.
      for (const link of linksIn(node)) addLink(link, 0, false);
    } else if (node.type === 'thematicBreak') {
      outline.notes.push({ ...at(node), message: 'separator (---) dropped: Evergreen separates chapters only by parts' });
      // mdBook: chapters after the numbered list's separator are suffix chapters, outside any part.
      part = partFromHeading = undefined;
    }
  }
  return outline;
}

function linksIn(paragraph: Paragraph): Link[] {
  return paragraph.children.filter((c): c is Link => c.type === 'link');
}
