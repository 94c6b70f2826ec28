import type {} from 'mdast-util-to-hast';
import GithubSlugger from 'github-slugger';
import type { Heading, Root, Text } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';

/**
 * An attribute block at the end of a heading, as pandoc's `header_attributes` (and Quarto, mdBook and
 * markdown-it-attrs) read it: `{#id .class key=value key="a value"}`, and `{-}` for `{.unnumbered}`.
 */
const oneAttribute = String.raw`(?:#[A-Za-z][\w:.-]*|\.[A-Za-z_][\w-]*|-|[A-Za-z_][\w-]*=(?:"[^"]*"|'[^']*'|[^\s"'{}]+))`;
// Attributes are separated by whitespace, so the block matches one way only (no backtracking blow-up).
const attributeBlock = new RegExp(String.raw`\s*\{\s*(${oneAttribute}(?:\s+${oneAttribute})*)\s*\}\s*$`);
const attribute = /#([A-Za-z][\w:.-]*)|\.([A-Za-z_][\w-]*)|([A-Za-z_][\w-]*)=(?:"([^"]*)"|'([^']*)'|([^\s"'{}]+))|(?<![\w-])-(?![\w-])/g;

export interface HeadingIdData {
  id: string;
  /** True when the author wrote `{#id}`: such ids are stable across renames of the heading. */
  explicit: boolean;
  /**
   * `{.unlisted}` (pandoc): the heading stays on the page but is left out of the contents (sidebar,
   * contents pages, EPUB navigation).
   */
  unlisted?: boolean;
  /** `{.unnumbered}` / `{-}`: on a chapter's title heading, the chapter has no number (book/loadBook.ts). */
  unnumbered?: boolean;
}

interface HeadingAttributes {
  id?: string;
  classes: string[];
  pairs: [string, string][];
}

function parseAttributes(block: string): HeadingAttributes {
  const out: HeadingAttributes = { classes: [], pairs: [] };
  for (const m of block.matchAll(attribute)) {
    if (m[1]) out.id = m[1];
    else if (m[2]) out.classes.push(m[2]);
    else if (m[3]) out.pairs.push([m[3], m[4] ?? m[5] ?? m[6] ?? '']);
    else out.classes.push('unnumbered');
  }
  return out;
}

/** Takes the attribute block off the heading's visible text; undefined when it has none. */
function takeAttributes(node: Heading): HeadingAttributes | undefined {
  const last = node.children[node.children.length - 1];
  if (last?.type !== 'text') return undefined;
  const match = attributeBlock.exec(last.value);
  if (!match) return undefined;
  (last as Text).value = last.value.slice(0, match.index);
  if ((last as Text).value === '') node.children.pop();
  return parseAttributes(match[1]);
}

/**
 * Gives every heading an id: the author's `{#id}` or a GitHub-style slug. The attribute block is removed
 * from the visible text; its classes go on the heading's element. Evergreen numbers chapters, never
 * sections, so `{.unnumbered}` on a section changes nothing, and on a chapter's title it unnumbers the chapter; `{.unlisted}` leaves the section out of
 * the contents.
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
    const attributes = new Map<Heading, HeadingAttributes>();
    for (const node of headings) {
      const attrs = takeAttributes(node);
      if (!attrs) continue;
      attributes.set(node, attrs);
      if (attrs.id) explicit.set(node, attrs.id);
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
      const attrs = attributes.get(node);
      const unlisted = attrs?.classes.includes('unlisted') ? { unlisted: true } : {};
      const unnumbered = attrs?.classes.includes('unnumbered') ? { unnumbered: true } : {};
      (data as { evergreenHeading?: HeadingIdData }).evergreenHeading = { id, explicit: given !== undefined, ...unlisted, ...unnumbered };
      data.hProperties = { ...(data.hProperties ?? {}), id, ...(attrs ? htmlAttributes(attrs) : {}) };
    }
  };
}

/** Classes as written, and key=value pairs as `data-` attributes (as pandoc writes them in HTML). */
function htmlAttributes(attrs: HeadingAttributes): Record<string, string | string[]> {
  const props: Record<string, string | string[]> = {};
  if (attrs.classes.length) props.className = [...new Set(attrs.classes)];
  for (const [key, value] of attrs.pairs) props[`data-${key.toLowerCase()}`] = value;
  return props;
}

export function headingIdOf(node: Heading): HeadingIdData | undefined {
  return (node.data as { evergreenHeading?: HeadingIdData } | undefined)?.evergreenHeading;
}
