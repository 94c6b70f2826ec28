import type {} from 'mdast-util-to-hast';
import GithubSlugger from 'github-slugger';
import type { Heading, Root, Text } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';

/** `{#my-id}` at the end of a heading, the attribute syntax of Pandoc and markdown-it-attrs. */
const explicitId = /\s*\{#([A-Za-z][\w:.-]*)\}\s*$/;

export interface HeadingIdData {
  id: string;
  /** True when the author wrote `{#id}`: such ids are stable across renames of the heading. */
  explicit: boolean;
}

/**
 * Gives every heading an id: the author's `{#id}` (removed from the visible text) or a GitHub-style slug.
 * A duplicate id within a chapter is an error at the second heading.
 */
export function remarkHeadingIds() {
  return (tree: Root, file: VFile) => {
    const slugger = new GithubSlugger();
    const seen = new Map<string, Heading>();
    // Explicit ids claim their names first so generated slugs never collide with them.
    const headings: Heading[] = [];
    visit(tree, 'heading', (node) => {
      headings.push(node);
    });
    const explicit = new Map<Heading, string>();
    for (const node of headings) {
      const last = node.children[node.children.length - 1];
      if (last?.type === 'text') {
        const match = explicitId.exec(last.value);
        if (match) {
          explicit.set(node, match[1]);
          (last as Text).value = last.value.slice(0, match.index);
          if ((last as Text).value === '') node.children.pop();
        }
      }
    }
    for (const id of explicit.values()) slugger.slug(id); // reserve
    for (const node of headings) {
      const given = explicit.get(node);
      const id = given ?? slugger.slug(toString(node) || 'section');
      const previous = seen.get(id);
      if (previous && given) {
        const message = file.message(`Duplicate heading id "${id}" (also used on line ${previous.position?.start.line})`, {
          place: node.position,
          ruleId: 'duplicate-heading-id',
          source: 'heading',
        });
        message.fatal = true;
        (message as { data?: unknown }).data = { hint: 'Give each heading in a chapter its own {#id}.' };
      }
      seen.set(id, node);
      const data = (node.data ??= {});
      (data as { evergreenHeading?: HeadingIdData }).evergreenHeading = { id, explicit: given !== undefined };
      data.hProperties = { ...(data.hProperties ?? {}), id };
    }
  };
}

export function headingIdOf(node: Heading): HeadingIdData | undefined {
  return (node.data as { evergreenHeading?: HeadingIdData } | undefined)?.evergreenHeading;
}
