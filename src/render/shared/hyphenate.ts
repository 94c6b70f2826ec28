import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Element, ElementContent, Root } from 'hast';

/**
 * Build-time hyphenation for justified print: headless Chromium on Linux has no hyphenation dictionaries,
 * so `hyphens: auto` does nothing there. The `hyphen` package's TeX patterns (Liang's algorithm, the
 * patterns TeX uses, from CTAN) put soft hyphens (U+00AD) into prose words; Chromium breaks there and
 * draws the hyphen only at a line end. Never inside code, URLs, identifiers, headings or math.
 */

const require = createRequire(import.meta.url);
type Hyphenator = (text: string, options?: { minWordLength?: number }) => string;
const loaded = new Map<string, Hyphenator | undefined>();

/** The hyphenator for a BCP 47 language tag (`en-GB` → patterns `en-gb`, else `en`), or undefined when there are none. */
export function hyphenatorFor(language: string): Hyphenator | undefined {
  const tag = language.toLowerCase();
  if (loaded.has(tag)) return loaded.get(tag);
  const root = path.dirname(require.resolve('hyphen/package.json'));
  const candidates = [tag, tag.split('-')[0]!].filter((c) => /^[a-z]{2,3}(-[a-z0-9]+)*$/.test(c));
  const found = candidates.find((c) => existsSync(path.join(root, c, 'index.js')));
  const module = found ? (require(`hyphen/${found}`) as { hyphenateSync: Hyphenator }) : undefined;
  const hyphenator = module ? (text: string) => module.hyphenateSync(text, { minWordLength: 6 }) : undefined;
  loaded.set(tag, hyphenator);
  return hyphenator;
}

/** Elements whose text is never hyphenated. */
const skipped = new Set(['code', 'pre', 'kbd', 'samp', 'var', 'tt', 'script', 'style', 'math', 'svg', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'figcaption', 'textarea']);

/** A token that is not an ordinary word: a URL, an address, a path, a file name or an identifier. */
const notProse = /[/\\@_]|:\/\/|^www\.|\.[a-z]{2,}|[a-z][A-Z]|\d/u;

/** Inserts soft hyphens into the prose of a hast tree (in place). */
export function hyphenateTree(tree: Root | Element, hyphenate: Hyphenator): void {
  const visit = (node: Root | Element) => {
    for (const child of node.children as ElementContent[]) {
      if (child.type === 'text') child.value = hyphenateText(child.value, hyphenate);
      else if (child.type === 'element' && !skipped.has(child.tagName) && !isUrlLink(child)) visit(child);
    }
  };
  visit(tree);
}

export function hyphenateText(text: string, hyphenate: Hyphenator): string {
  return text.replace(/\S+/g, (token) => (notProse.test(token) ? token : token.replace(/\p{L}[\p{L}\p{M}]{5,}/gu, (word) => hyphenate(word))));
}

/** A link that shows its own address (autolinks, bare URLs): breaking it with a hyphen would change the address. */
function isUrlLink(node: Element): boolean {
  if (node.tagName !== 'a') return false;
  const href = String(node.properties.href ?? '');
  const text = node.children.map((c) => (c.type === 'text' ? c.value : '')).join('');
  return /^(https?:|mailto:|www\.)/i.test(text) || (href !== '' && text.includes(href.replace(/^mailto:/, '')));
}
