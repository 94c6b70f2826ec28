import type { Html, Parent, PhrasingContent, Root, RootContent } from 'mdast';
import { toString } from 'mdast-util-to-string';

/**
 * Index terms, marked with an HTML span: `<span class="index">generics</span>`, or with the entry named
 * apart from the text, `<span class="index" data-term="Types!generic">generic types</span>` (makeindex's `!`
 * for a sub-entry), and `data-see="…"` / `data-see-also="…"` for cross-references in the index.
 *
 * Why a span: every Markdown tool keeps its text, so a chapter opened on GitHub, in an editor's preview or
 * in mdBook still reads as prose; pandoc (native_spans) reads it as the Span `[generics]{.index}`. Markua's
 * `{i: "…"}`, LaTeX's `\index{}` and pandoc's bracketed spans show up as literal syntax everywhere else.
 */
export interface IndexTerm {
  type: 'indexTerm';
  /** The entry and its sub-entries: `["Types", "generic"]`. Empty when the span names nothing. */
  entry: string[];
  see?: string;
  seeAlso?: string;
  children: PhrasingContent[];
  /** Which mark of the chapter this is (0-based, in reading order): its anchor is `idx-<n + 1>`. */
  n: number;
  position?: Html['position'];
}

declare module 'mdast' {
  interface PhrasingContentMap {
    indexTerm: IndexTerm;
  }
  interface RootContentMap {
    indexTerm: IndexTerm;
  }
}

const openTag = /^<span\s+([^>]*\bclass\s*=\s*"(?:[^"]*\s)?index(?:\s[^"]*)?"[^>]*)>$/i;
const attribute = (attrs: string, name: string) => {
  const match = new RegExp(String.raw`\b${name}\s*=\s*"([^"]*)"`, 'i').exec(attrs);
  return match ? decodeEntities(match[1]).trim() : undefined;
};

export function remarkIndexTerms() {
  return (tree: Root) => {
    walk(tree, { n: 0 });
  };
}

function walk(parent: Parent, counter: { n: number }): void {
  const children = parent.children as RootContent[];
  for (let i = 0; i < children.length; i++) {
    const node = children[i];
    const open = node.type === 'html' ? openTag.exec(node.value.trim()) : null;
    if (open) {
      const close = children.findIndex((c, j) => j > i && c.type === 'html' && /^<\/span\s*>$/i.test(c.value.trim()));
      if (close !== -1) {
        const inner = children.slice(i + 1, close) as PhrasingContent[];
        const attrs = open[1];
        const named = attribute(attrs, 'data-term');
        const text = toString({ type: 'paragraph', children: inner }).replace(/\s+/g, ' ').trim();
        const entry = (named ?? text)
          .split('!')
          .map((part) => part.trim())
          .filter(Boolean);
        const term: IndexTerm = {
          type: 'indexTerm',
          entry,
          see: attribute(attrs, 'data-see'),
          seeAlso: attribute(attrs, 'data-see-also'),
          children: inner,
          n: counter.n++,
          position: node.position,
        };
        children.splice(i, close - i + 1, term);
        continue;
      }
    }
    if ('children' in node) walk(node as Parent, counter);
  }
}

function decodeEntities(value: string): string {
  return value.replace(/&(amp|lt|gt|quot|#39);/g, (_m, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[name]!);
}
