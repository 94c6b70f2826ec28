import type { Heading, Root, ThematicBreak } from 'mdast';
import { describe, expect, it } from 'vitest';
import { headingIdOf } from '../../../src/parse/headingIds.js';
import { parseMarkdown } from '../../../src/parse/markdown.js';

const parse = (source: string) => {
  const { tree, file } = parseMarkdown(source, '/book/chapter.md');
  return { children: (tree as Root).children, messages: file.messages };
};

describe("Markua's attribute lists and {pagebreak}", () => {
  it('gives the heading after {id: …} (or {#…}) that id, and drops the line', () => {
    const { children, messages } = parse('{id: first-steps}\n# First Steps\n\n{#later}\n## Later {.unlisted}\n\n{id: "quoted", class: x}\n## Quoted\n');
    const headings = children.filter((n): n is Heading => n.type === 'heading');
    expect(children.map((n) => n.type)).toEqual(['heading', 'heading', 'heading']);
    expect(headings.map((h) => headingIdOf(h)?.id)).toEqual(['first-steps', 'later', 'quoted']);
    expect(headingIdOf(headings[1]!)?.unlisted).toBe(true);
    expect(messages).toEqual([]);
  });

  it("keeps a heading's own {#id}", () => {
    const { children } = parse('{id: markua}\n## Heading {#own}\n');
    expect(headingIdOf(children[0] as Heading)?.id).toBe('own');
  });

  it('warns, at its line, about an {id: …} that is not before a heading, and leaves it as text', () => {
    const { children, messages } = parse('# T\n\n{id: lost}\n\nA paragraph.\n');
    expect(children.map((n) => n.type)).toEqual(['heading', 'paragraph', 'paragraph']);
    expect(messages.map((m) => [m.line, m.column, m.ruleId])).toEqual([[3, 1, 'markua-id']]);
  });

  it('makes {pagebreak} a page-break rule, and leaves other braces alone', () => {
    const { children } = parse('Before.\n\n{pagebreak}\n\nAfter.\n\n{frontmatter}\n');
    const pageBreak = children[1] as ThematicBreak;
    expect(pageBreak.type).toBe('thematicBreak');
    expect(pageBreak.data).toEqual({ hProperties: { className: ['page-break'] } });
    expect(children[3]!.type).toBe('paragraph');
  });
});
