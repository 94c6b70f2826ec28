import type { Element, Root as HastRoot } from 'hast';
import { visit } from 'unist-util-visit';

/**
 * Mermaid's SVG made valid EPUB content (EPUBCheck RSC-005), drawing the same: the SVG's ARIA role becomes
 * one EPUB's schema allows (`img`, named after the diagram's kind when it has no name), a `<rect>` that the
 * drawing sized by CSS gets its default size written out, and label paragraphs inside `<span>`s (not allowed
 * in XHTML's content model) become block spans.
 */
export function epubSafeSvg(tree: HastRoot): void {
  visit(tree, 'element', (node: Element) => {
    if (node.tagName !== 'svg' || node.properties.role === undefined) return;
    const role = String(node.properties.role);
    if (role === 'img' || role === 'document' || role === 'application') return;
    node.properties.role = 'img';
    if (!node.properties.ariaLabel && !node.properties.ariaLabelledBy) {
      const kind = String(node.properties.ariaRoleDescription ?? 'diagram').replace(/-v\d+$/, '');
      node.properties.ariaLabel = `Diagram (${kind})`;
    }
    fixInside(node);
  });
}

function fixInside(svg: Element): void {
  visit(svg, 'element', (node: Element, _index, parent) => {
    if (node.tagName === 'rect') {
      node.properties.width ??= 0;
      node.properties.height ??= 0;
    } else if (node.tagName === 'p' && parent?.type === 'element' && (parent as Element).tagName === 'span') {
      node.tagName = 'span';
      node.properties.style = `display: block;${node.properties.style ? ` ${node.properties.style}` : ''}`;
    }
  });
}
