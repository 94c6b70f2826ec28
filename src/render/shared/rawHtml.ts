import type { Element, Root as HastRoot } from 'hast';
import { raw } from 'hast-util-raw';
import { SKIP, visit } from 'unist-util-visit';

/** Whether a tree holds raw HTML (the author's own tags in Markdown). */
export function hasRawHtml(tree: HastRoot): boolean {
  let found = false;
  visit(tree, 'raw', () => {
    found = true;
    return false;
  });
  return found;
}

/**
 * Parses the author's raw HTML into real elements (so links inside it are rewritten too), passing the
 * `opaque` elements Evergreen made itself (highlighted code, formulas, drawn diagrams) through the HTML parser
 * empty: a highlighted chapter is mostly such subtrees, and parsing them again cost most of a rebuild of a
 * chapter with one HTML comment in it. Each goes in as an element of the same tag name, so the parser places
 * it exactly as it would have placed the full element, and comes back whole.
 */
export function parseRawHtml(tree: HastRoot, opaque: ReadonlySet<Element>): HastRoot {
  const stash: Element[] = [];
  const originals = new Map<Element, { properties: Element['properties']; children: Element['children'] }>();
  visit(tree, 'element', (node: Element) => {
    if (!opaque.has(node) || originals.has(node)) return;
    originals.set(node, { properties: node.properties, children: node.children });
    node.properties = { ...node.properties, dataEvergreenOpaque: String(stash.length) };
    node.children = [];
    stash.push(node);
    return SKIP;
  });
  const parsed = raw(tree) as HastRoot;
  for (const node of stash) Object.assign(node, originals.get(node));
  const restored = new Set<number>();
  visit(parsed, 'element', (node: Element, index, parent) => {
    const slot = node.properties.dataEvergreenOpaque;
    if (slot === undefined || parent === undefined || index === undefined) return;
    const original = stash[Number(slot)]!;
    // The parser may clone an element (misnested formatting tags): a second copy gets a copy of its own.
    parent.children[index] = restored.has(Number(slot)) ? structuredClone(original) : original;
    restored.add(Number(slot));
    return SKIP;
  });
  return parsed;
}
