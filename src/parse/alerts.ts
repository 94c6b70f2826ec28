import type {} from 'mdast-util-to-hast';
import type { Blockquote, Paragraph, Root } from 'mdast';
import { visit } from 'unist-util-visit';

export const alertKinds = ['note', 'tip', 'important', 'warning', 'caution'] as const;
export type AlertKind = (typeof alertKinds)[number];

const marker = /^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*(?:\n|$)/i;

/**
 * GitHub-style alerts (`> [!NOTE]`): the blockquote becomes a titled callout, rendered the way GitHub
 * and mdBook render them (`markdown-alert markdown-alert-note`).
 */
export function remarkAlerts() {
  return (tree: Root) => {
    visit(tree, 'blockquote', (node: Blockquote) => {
      const first = node.children[0];
      if (first?.type !== 'paragraph') return;
      const text = first.children[0];
      if (text?.type !== 'text') return;
      const match = marker.exec(text.value);
      if (!match) return;
      const kind = match[1].toLowerCase() as AlertKind;
      text.value = text.value.slice(match[0].length);
      if (text.value === '') first.children.shift();
      if (first.children[0]?.type === 'break') first.children.shift();
      if (first.children.length === 0) node.children.shift();
      const title: Paragraph = {
        type: 'paragraph',
        children: [{ type: 'text', value: kind[0].toUpperCase() + kind.slice(1) }],
        data: { hProperties: { className: ['markdown-alert-title'] } },
      };
      node.children.unshift(title);
      node.data = {
        ...node.data,
        hName: 'div',
        hProperties: { className: ['markdown-alert', `markdown-alert-${kind}`], role: 'note' },
      };
      (node.data as { alert?: AlertKind }).alert = kind;
    });
  };
}
