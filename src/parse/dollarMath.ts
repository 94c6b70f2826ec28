import type {} from './crossRefSyntax.js';
import type { Parent, Root, Text } from 'mdast';
import type { InlineMath } from 'mdast-util-math';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';

/**
 * remark-math reads any two dollars in a paragraph as math, so "it costs $5 and $10" would silently become a
 * formula. pandoc's rule (and Quarto's, and what authors of prose with prices expect): single-dollar math must
 * not start or end with a space, and the closing `$` must not be followed by a digit. Anything else is text.
 */
export function remarkDollarMath() {
  return (tree: Root, file: VFile) => {
    const source = String(file.value);
    visit(tree, 'inlineMath', (node: InlineMath, index, parent: Parent | undefined) => {
      const start = node.position?.start.offset;
      const end = node.position?.end.offset;
      if (start === undefined || end === undefined || !parent || index === undefined) return;
      const written = source.slice(start, end);
      if (written.startsWith('$$')) {
        (node.data ??= {}).mathDisplay = true;
        return;
      }
      const inner = written.slice(1, -1);
      if (!/^\s|\s$/.test(inner) && !/^\d/.test(source.charAt(end))) return;
      const text: Text = { type: 'text', value: written, position: node.position };
      parent.children.splice(index, 1, text);
    });
  };
}
