import type { Heading } from 'mdast';
import { toHtml } from 'hast-util-to-html';
import { toHast } from 'mdast-util-to-hast';
import { visit } from 'unist-util-visit';
import { parseMarkdown } from '../../parse/markdown.js';

/** Release notes (Markdown) as HTML for the site and the feed; no raw HTML from notes: they are text for readers. */
export function notesHtml(notes: string): string {
  if (!notes.trim()) return '<p class="no-notes">No release notes.</p>';
  const { tree } = parseMarkdown(notes, 'notes.md');
  // Notes sit under the page's own headings: a "# Heading" in them becomes an h4.
  visit(tree, 'heading', (h: Heading) => {
    h.depth = Math.min(6, h.depth + 3) as Heading['depth'];
  });
  return toHtml(toHast(tree) as never);
}
