import type { Element, ElementContent } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { toHtml } from 'hast-util-to-html';
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
    children: svgContent(svg),
  });
  const children = mode === 'single' ? [variant(svgs.light, 'light')] : [variant(svgs.light, 'light'), variant(svgs.dark, 'dark')];
  return { type: 'element', tagName: 'figure', properties: { className: ['diagram'], dataDiagram: '' }, children };
}

function svgContent(svg: string): ElementContent[] {
  return fromHtml(svg, { fragment: true }).children as ElementContent[];
}

/**
 * Stand-ins for diagrams still being drawn, so that their chapters can be rendered meanwhile: each variant
 * is an empty element naming the diagram and theme, which `fillDiagramSlots` later replaces by the SVG, giving
 * the same HTML as rendering with the drawn diagram (the figure's content is never rewritten: chapterHtml.ts
 * skips it).
 */
export function diagramSlots(hash: string): DiagramSvgs {
  return { light: slotHtml(hash, 'light'), dark: slotHtml(hash, 'dark') };
}

const slotHtml = (hash: string, theme: string) => `<span data-diagram-slot="${hash}:${theme}"></span>`;
const slotPattern = /<span data-diagram-slot="([0-9a-f]+):(light|dark)"><\/span>/g;

/** Whether rendered HTML holds a slot. */
export function hasDiagramSlots(html: string): boolean {
  return html.includes('<span data-diagram-slot="');
}

/**
 * The HTML with every slot replaced by its drawn variant, serialised as the chapter's own serialisation
 * would have; undefined when a slot's diagram was not drawn (a syntax error, no browser): such a chapter is
 * rendered again, showing the diagram's source.
 */
export function fillDiagramSlots(html: string, drawn: Map<string, DiagramSvgs>): string | undefined {
  let complete = true;
  const filled = html.replace(slotPattern, (slot, hash: string, theme: 'light' | 'dark') => {
    const svgs = drawn.get(hash);
    if (!svgs) {
      complete = false;
      return slot;
    }
    return toHtml({ type: 'root', children: svgContent(svgs[theme]) }, { allowDangerousHtml: true });
  });
  return complete ? filled : undefined;
}
