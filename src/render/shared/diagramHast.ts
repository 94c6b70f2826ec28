import type { Element } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import type { Code } from 'mdast';
import { diagramHash } from './diagramKey.js';

export interface DiagramSvgs {
  light: string;
  dark: string;
}

/**
 * A drawn Mermaid block: both variants inline, the theme's CSS shows one (print shows the light one). A
 * block whose diagram was not drawn (no browser) returns undefined and is shown as highlighted source.
 */
export function diagramToHast(node: Code, diagrams: Map<string, DiagramSvgs> | undefined, mode: 'pages' | 'single'): Element | undefined {
  if (node.lang?.toLowerCase() !== 'mermaid' || !diagrams) return undefined;
  const svgs = diagrams.get(diagramHash(node.value));
  if (!svgs) return undefined;
  const variant = (svg: string, theme: 'light' | 'dark'): Element => ({
    type: 'element',
    tagName: 'div',
    properties: { className: ['diagram-variant', `diagram-${theme}`] },
    children: fromHtml(svg, { fragment: true }).children as Element[],
  });
  const children = mode === 'single' ? [variant(svgs.light, 'light')] : [variant(svgs.light, 'light'), variant(svgs.dark, 'dark')];
  return { type: 'element', tagName: 'figure', properties: { className: ['diagram'], dataDiagram: '' }, children };
}
