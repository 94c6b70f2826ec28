import type { Heading, Paragraph, Parent, Root, RootContent, ThematicBreak } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';

/** A paragraph that is one Markua attribute list or directive: `{id: intro}`, `{#intro}`, `{pagebreak}`. */
const braced = /^\{([^{}\n]*)\}$/;

/**
 * Markua (Leanpub) attribute lists and directives that have a meaning in Evergreen, like Markua's asides in
 * toolCallouts.ts: `{id: name}` (or `{#name}`) on the line before a heading gives that heading its id (as
 * `## Heading {#name}` does), and `{pagebreak}` alone in a paragraph starts a new page in the PDF (an `<hr
 * class="page-break">`, hidden on screen; print.css breaks the page before what follows). Runs before
 * remarkHeadingIds, which it hands the id as a pandoc attribute. An `{id: …}` before anything but a heading
 * is a warning: Evergreen gives ids to headings only.
 */
export function remarkMarkua() {
  return (tree: Root, file: VFile) => {
    visit(tree, (node) => {
      if (!('children' in node) || node.type === 'paragraph' || node.type === 'heading') return;
      const parent = node as Parent;
      const children = parent.children as RootContent[];
      const kept: RootContent[] = [];
      children.forEach((child, i) => {
        const list = child.type === 'paragraph' ? markuaList(child) : undefined;
        if (!list) return void kept.push(child);
        if (list.directive === 'pagebreak') {
          const pageBreak: ThematicBreak = { type: 'thematicBreak', position: child.position, data: { hProperties: { className: ['page-break'] } } };
          return void kept.push(pageBreak);
        }
        if (list.id === undefined) return void kept.push(child);
        const next = children[i + 1];
        if (next?.type !== 'heading') {
          const message = file.message(`Markua's {id: ${list.id}} is applied to headings only; here it shows as text`, {
            place: child.position,
            ruleId: 'markua-id',
            source: 'chapter',
          });
          (message as { data?: unknown }).data = { hint: 'Move it to the line right before a heading, or remove it.' };
          return void kept.push(child);
        }
        giveId(next, list.id);
      });
      parent.children = kept as Parent['children'];
    });
  };
}

function markuaList(paragraph: Paragraph): { directive?: string; id?: string } | undefined {
  if (paragraph.children.length !== 1 || paragraph.children[0]!.type !== 'text') return undefined;
  const inner = braced.exec(toString(paragraph).trim())?.[1]?.trim();
  if (inner === undefined) return undefined;
  if (inner === 'pagebreak') return { directive: 'pagebreak' };
  const hash = /^#([A-Za-z][\w:.-]*)$/.exec(inner);
  if (hash) return { id: hash[1] };
  for (const pair of inner.split(',')) {
    const m = /^\s*id\s*[:=]\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z][\w:.-]*))\s*$/.exec(pair);
    if (m) return { id: m[1] ?? m[2] ?? m[3] };
  }
  return undefined;
}

/** The heading's own `{#id}` wins; otherwise the Markua id is written as one, for remarkHeadingIds. */
function giveId(heading: Heading, id: string): void {
  const last = heading.children.at(-1);
  const block = last?.type === 'text' ? /\{([^}]*)\}\s*$/.exec(last.value) : null;
  if (last?.type === 'text' && block) {
    if (!/(^|\s)#/.test(block[1]!)) last.value = `${last.value.slice(0, block.index)}{#${id} ${block[1]!.trim()}}`;
  } else if (last?.type === 'text') last.value = `${last.value} {#${id}}`;
  else heading.children.push({ type: 'text', value: ` {#${id}}` });
}
