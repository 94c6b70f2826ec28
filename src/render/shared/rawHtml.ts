import type { Element, Root as HastRoot } from 'hast';
import { raw } from 'hast-util-raw';
import { SKIP, visit } from 'unist-util-visit';

/**
 * Whether a tree holds raw HTML (the author's own tags in Markdown). Raw nodes come only from the
 * Markdown, never from what Evergreen made (`opaque`), so those subtrees are not searched.
 */
export function hasRawHtml(tree: HastRoot, opaque: ReadonlySet<Element> = new Set()): boolean {
  return holdsRaw(tree, opaque);
}

function holdsRaw(node: HastRoot | Element, opaque: ReadonlySet<Element>): boolean {
  for (const child of node.children) {
    if (child.type === 'raw') return true;
    if (child.type === 'element' && !opaque.has(child) && holdsRaw(child, opaque)) return true;
  }
  return false;
}

/**
 * Parses the author's raw HTML into real elements (so links inside it are rewritten too), passing the
 * `opaque` elements Evergreen made itself (highlighted code, formulas, drawn diagrams) through the HTML parser
 * empty: a highlighted chapter is mostly such subtrees, and parsing them again cost most of a rebuild of a
 * chapter with one HTML comment in it. Each goes in as an element of the same tag name, so the parser places
 * it exactly as it would have placed the full element, and comes back whole. The chapter's top-level blocks
 * with no raw HTML in them pass through the same way: Markdown made them, and a chapter with one `<br>`
 * paid for parsing all of its prose again.
 */
export function parseRawHtml(tree: HastRoot, opaque: ReadonlySet<Element>): HastRoot {
  const stash: Element[] = [];
  const originals = new Map<Element, { properties: Element['properties']; children: Element['children'] }>();
  const passThrough = new Set(opaque);
  for (const child of tree.children) if (child.type === 'element' && !holdsRaw(child, opaque)) passThrough.add(child);
  visit(tree, 'element', (node: Element) => {
    if (!passThrough.has(node) || originals.has(node)) return;
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
