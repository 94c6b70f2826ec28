import type { Element, ElementContent, Text } from 'hast';
import type { CodeHover } from '../../book/codePresentation.js';

/**
 * Type hovers on a highlighted code block (HTML only). Each identifier with quick info becomes
 *
 *   <span class="hover"><span class="hover-info" role="tooltip" id="…">type</span><span class="hover-target"
 *   tabindex="-1" aria-describedby="…">name</span></span>
 *
 * The popup is shown by CSS (`:hover`, `:focus-within`), so a mouse reads it without JavaScript and a tap
 * (which focuses the target) shows it on touch screens. The popup is positioned against the figure, outside
 * the block's scroll box, so it is never clipped by it. Screen readers get the type as the target's
 * description. Targets are not tab stops: the block is one, and the theme's script moves between its
 * identifiers with the arrow keys. The popup precedes its target so that, positioned where it would stand in
 * the text, it starts at the identifier.
 */
export function addHovers(figure: Element, hovers: readonly CodeHover[], idPrefix: string): void {
  if (hovers.length === 0) return;
  const pre = figure.children.find((c): c is Element => c.type === 'element' && c.tagName === 'pre');
  const code = pre?.children.find((c): c is Element => c.type === 'element' && c.tagName === 'code');
  if (!pre || !code) return;
  const lines = code.children.filter((c): c is Element => c.type === 'element' && hasClass(c, 'line') && !hasClass(c, 'annotation'));
  const byLine = new Map<number, CodeHover[]>();
  for (const hover of hovers) byLine.set(hover.line, [...(byLine.get(hover.line) ?? []), hover]);
  let count = 0;
  for (const [lineNumber, onLine] of byLine) {
    const line = lines[lineNumber - 1];
    if (!line) continue;
    // Right to left, so the columns of those still to wrap are not moved by a split.
    for (const hover of [...onLine].sort((a, b) => b.column - a.column)) {
      wrapRange(line, hover.column - 1, hover.column - 1 + hover.length, (content) => hoverElement(content, hover, `${idPrefix}${++count}`));
    }
  }
  if (count > 0) pre.properties.dataHovers = String(count);
}

function hoverElement(content: ElementContent[], hover: CodeHover, id: string): Element {
  const info: ElementContent[] = [{ type: 'element', tagName: 'code', properties: { className: ['hover-type'] }, children: [{ type: 'text', value: hover.text }] }];
  if (hover.docs) info.push({ type: 'element', tagName: 'span', properties: { className: ['hover-docs'] }, children: [{ type: 'text', value: hover.docs }] });
  return {
    type: 'element',
    tagName: 'span',
    properties: { className: ['hover'] },
    children: [
      { type: 'element', tagName: 'span', properties: { className: ['hover-info'], role: 'tooltip', id }, children: info },
      { type: 'element', tagName: 'span', properties: { className: ['hover-target'], tabIndex: -1, ariaDescribedBy: [id] }, children: content },
    ],
  };
}

/**
 * Wraps the characters [start, end) of a line in one element. The range may lie inside one token (which
 * is split, keeping its colours) or cover whole tokens; a range that cuts two tokens is left alone.
 */
function wrapRange(line: Element, start: number, end: number, wrap: (content: ElementContent[]) => Element): boolean {
  let offset = 0;
  const spans = line.children.map((child) => {
    const length = textOf(child).length;
    const span = { child, from: offset, to: offset + length };
    offset += length;
    return span;
  });
  const first = spans.findIndex((s) => s.from <= start && start < s.to);
  const last = spans.findIndex((s) => s.from < end && end <= s.to);
  if (first < 0 || last < 0) return false;
  if (first === last) {
    const { child, from } = spans[first]!;
    const text = textOf(child);
    const pieces: ElementContent[] = [];
    if (start > from) pieces.push(withText(child, text.slice(0, start - from)));
    pieces.push(wrap([withText(child, text.slice(start - from, end - from))]));
    if (end < spans[first]!.to) pieces.push(withText(child, text.slice(end - from)));
    line.children.splice(first, 1, ...pieces);
    return true;
  }
  if (spans[first]!.from !== start || spans[last]!.to !== end) return false;
  line.children.splice(first, last - first + 1, wrap(line.children.slice(first, last + 1)));
  return true;
}

function textOf(node: ElementContent): string {
  if (node.type === 'text') return node.value;
  if (node.type === 'element') return node.children.map(textOf).join('');
  return '';
}

/** A copy of a token holding other text: a text node, or a token span with the same properties. */
function withText(node: ElementContent, value: string): ElementContent {
  const text: Text = { type: 'text', value };
  if (node.type !== 'element') return text;
  return { type: 'element', tagName: node.tagName, properties: { ...node.properties }, children: [text] };
}

function hasClass(node: Element, name: string): boolean {
  const current = node.properties.className;
  return Array.isArray(current) ? current.includes(name) : current === name;
}
