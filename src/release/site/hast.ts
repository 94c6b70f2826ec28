import type { Element, ElementContent, Root } from 'hast';
import { toHtml } from 'hast-util-to-html';

/**
 * Site pages are built as hast trees (escaping is the serialiser's job, not ours). Fragments that are
 * already HTML (release notes rendered from Markdown, inline marks of a diff) enter as `raw` nodes.
 */
export type Child = ElementContent | string | null | undefined | Child[];

export function raw(html: string): ElementContent {
  return { type: 'raw', value: html } as unknown as ElementContent;
}

export function serialize(nodes: Child | Root | Element): string {
  const root: Root = isRoot(nodes) ? nodes : { type: 'root', children: flatten(nodes) };
  return toHtml(root, { allowDangerousHtml: true });
}

function isRoot(value: unknown): value is Root {
  return typeof value === 'object' && value !== null && (value as Root).type === 'root';
}

function flatten(child: Child): ElementContent[] {
  if (child === null || child === undefined) return [];
  if (Array.isArray(child)) return child.flatMap(flatten);
  if (typeof child === 'string') return [{ type: 'text', value: child }];
  return [child];
}
