import type { Element, ElementContent, Root, RootContent } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { h } from 'hastscript';
import type { BlockChange, InlinePart } from '../diffModel.js';
import { inlineMarksHtml } from '../inlineMarks.js';
import type { BlockKind } from '../snapshot.js';

/**
 * One changed block as well-formed HTML. Insertions and deletions are first marked in the block's text with
 * private-use characters; the text is then turned into HTML as a whole (inline marks, list items, table
 * cells), parsed, and every text node between the marks is wrapped in <ins> or <del>. So a change inside
 * bold text or a code span is marked inside it, a change spanning two list items is marked in each, and no
 * tag is ever cut in half.
 */
const insOpen = '\uE000';
const insClose = '\uE001';
const delOpen = '\uE002';
const delClose = '\uE003';
const markers = /[\uE000-\uE003]/;

export function marked(parts: InlinePart[]): string {
  return parts.map((p) => (p.op === 'ins' ? `${insOpen}${p.text}${insClose}` : p.op === 'del' ? `${delOpen}${p.text}${delClose}` : p.text)).join('');
}

export function proseBlockHtml(kind: BlockKind, parts: InlinePart[]): ElementContent[] {
  const tree = fromHtml(structureHtml(kind, marked(parts)), { fragment: true });
  wrapChanges(tree);
  return tree.children.filter((c): c is ElementContent => c.type === 'element' || c.type === 'text');
}

export function codeBlockChildren(b: BlockChange): ElementContent[] {
  const text = (x: string): ElementContent => ({ type: 'text', value: x });
  switch (b.op) {
    case 'added':
      return [h('ins', [text(b.block.text)])];
    case 'removed':
      return [h('del', [text(b.block.text)])];
    case 'modified':
      return b.parts.map((p) => (p.op === 'ins' ? h('ins', [text(`${p.text}\n`)]) : p.op === 'del' ? h('del', [text(`${p.text}\n`)]) : text(`${p.text}\n`)));
    default:
      return [text(b.block.text)];
  }
}

/** The parts a prose block is shown with: a whole added or removed block is one insertion or deletion. */
export function partsOf(b: BlockChange): InlinePart[] {
  if (b.op === 'modified') return b.parts;
  if (b.op === 'added') return [{ op: 'ins', text: b.block.text }];
  if (b.op === 'removed') return [{ op: 'del', text: b.block.text }];
  return [{ op: 'same', text: b.block.text }];
}

function structureHtml(kind: BlockKind, text: string): string {
  if (kind === 'list') return listHtml(text.split('\n'));
  if (kind === 'table') return tableHtml(text.split('\n'));
  if (kind === 'blockquote') return `<blockquote>${text.split('\n').map(inlineMarksHtml).join('<br>')}</blockquote>`;
  return inlineMarksHtml(text);
}

const itemLine = /^([\uE000-\uE003]*)(?:-|(\d+)\.) (?:\[([ x])\] )?/;

/** Snapshot list text ("- item", "1. item", continuation lines indented two spaces) as nested lists. */
function listHtml(lines: string[]): string {
  const items: { lead: string; lines: string[]; check?: string }[] = [];
  let ordered = false;
  let start: number | undefined;
  for (const line of lines) {
    const m = items.length === 0 || !line.startsWith('  ') ? itemLine.exec(line) : null;
    if (m) {
      if (items.length === 0) {
        ordered = m[2] !== undefined;
        start = m[2] !== undefined ? Number(m[2]) : undefined;
      }
      items.push({ lead: m[1], lines: [line.slice(m[0].length)], check: m[3] });
    } else if (items.length) items[items.length - 1].lines.push(line.replace(/^ {2}/, ''));
    else items.push({ lead: '', lines: [line] });
  }
  const body = items
    .map((item) => {
      const [first, ...rest] = item.lines;
      const box = item.check === 'x' ? '☑ ' : item.check === ' ' ? '☐ ' : '';
      const nested = rest.length ? (itemLine.test(rest[0]) ? listHtml(rest) : `<br>${rest.map(inlineMarksHtml).join('<br>')}`) : '';
      return `<li>${box}${inlineMarksHtml(item.lead + first)}${nested}</li>`;
    })
    .join('');
  return ordered ? `<ol${start !== undefined && start !== 1 ? ` start="${start}"` : ''}>${body}</ol>` : `<ul>${body}</ul>`;
}

function tableHtml(rows: string[]): string {
  const cells = (row: string) =>
    row
      .replace(/^([\uE000-\uE003]*)\| /, '$1')
      .replace(/ \|([\uE000-\uE003]*)$/, '$1')
      .split(' | ');
  return `<table><tbody>${rows
    .map(
      (r) =>
        `<tr>${cells(r)
          .map((c) => `<td>${inlineMarksHtml(c)}</td>`)
          .join('')}</tr>`,
    )
    .join('')}</tbody></table>`;
}

/** Inline elements that may sit inside <ins>/<del> whole (a deleted code span is one <del><code>…</code></del>). */
const phrasing = new Set(['code', 'strong', 'em', 's', 'a', 'span', 'sup', 'br']);

function hasMarkers(node: ElementContent): boolean {
  if (node.type === 'text') return markers.test(node.value);
  return node.type === 'element' && node.children.some(hasMarkers);
}

/** Splits text nodes at the markers and wraps what lies between them, carrying the state across elements. */
function wrapChanges(tree: Root): void {
  const state = { ins: false, del: false };
  const active = () => state.ins || state.del;
  const wrap = (content: ElementContent): Element => h(state.ins ? 'ins' : 'del', [content]);
  const visit = (parent: Root | Element) => {
    const out: ElementContent[] = [];
    for (const child of parent.children as (RootContent | ElementContent)[]) {
      if (child.type === 'element') {
        if (active() && phrasing.has(child.tagName) && !hasMarkers(child)) out.push(wrap(child));
        else {
          visit(child);
          out.push(child);
        }
        continue;
      }
      if (child.type !== 'text') continue;
      if (!markers.test(child.value)) {
        out.push(active() ? wrap(child) : child);
        continue;
      }
      for (const piece of child.value.split(/([\uE000-\uE003])/)) {
        if (piece === insOpen) state.ins = true;
        else if (piece === insClose) state.ins = false;
        else if (piece === delOpen) state.del = true;
        else if (piece === delClose) state.del = false;
        else if (piece) out.push(active() ? wrap({ type: 'text', value: piece }) : { type: 'text', value: piece });
      }
    }
    parent.children = mergeAdjacent(out) as typeof parent.children;
  };
  visit(tree);
}

/** <del>a</del><del><code>b</code></del> → <del>a<code>b</code></del>. */
function mergeAdjacent(nodes: ElementContent[]): ElementContent[] {
  const out: ElementContent[] = [];
  for (const node of nodes) {
    const last = out[out.length - 1];
    if (last?.type === 'element' && node.type === 'element' && (node.tagName === 'ins' || node.tagName === 'del') && last.tagName === node.tagName)
      last.children.push(...node.children);
    else out.push(node);
  }
  return out;
}
