import type { Blockquote, Paragraph, Parent, PhrasingContent, Root, RootContent, Text } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { visit } from 'unist-util-visit';
import type { AlertKind } from './alerts.js';

/** Markua's asides (Leanpub) and the alert each becomes. */
const asideKinds: Record<string, AlertKind> = { A: 'note', B: 'note', D: 'note', I: 'note', Q: 'note', X: 'note', T: 'tip', W: 'warning', E: 'caution' };
const asideLine = /^([ABDEIQTWX])>(?: |$)/;
const calloutOpening = /^:{3,}\s*\{\s*\.callout-(note|tip|warning|caution|important)\b[^}]*\}[ \t]*(?:\n|$)/;
const divClosing = /(?:^|\n):{3,}[ \t]*$/;

/**
 * The callouts of books brought from other tools, read as GitHub-style alerts so they render as boxes
 * instead of stray marks: Leanpub's Markua asides (`A> …`, `W> …`, `T> …`, one marker a line) and Quarto's
 * callout divs (`::: {.callout-note}` … `:::`). Runs before remarkAlerts, which it hands a `> [!NOTE]`
 * blockquote. Only these exact shapes are taken: every line of an aside paragraph carries the same marker.
 */
export function remarkToolCallouts() {
  return (tree: Root) => {
    visit(tree, (node) => {
      if (!('children' in node)) return;
      const parent = node as Parent;
      if (parent.type === 'paragraph' || parent.type === 'heading') return;
      parent.children = takeCallouts(parent.children as RootContent[]) as Parent['children'];
      parent.children = parent.children.map((child) => (child.type === 'paragraph' ? (asideToAlert(child) ?? child) : child)) as Parent['children'];
    });
  };
}

function asideToAlert(paragraph: Paragraph): Blockquote | undefined {
  const lines = toString(paragraph).split('\n');
  const letter = asideLine.exec(lines[0])?.[1];
  if (!letter || !lines.every((line) => line.startsWith(`${letter}>`))) return undefined;
  const children = paragraph.children.map((child, i) =>
    child.type === 'text' ? { ...child, value: child.value.replace(i === 0 ? /(^|\n)[A-Z]> ?/g : /(\n)[A-Z]> ?/g, '$1') } : child,
  );
  return alert(asideKinds[letter], [{ ...paragraph, children }], paragraph);
}

/** Folds each `::: {.callout-KIND}` … `:::` run of siblings into an alert. */
function takeCallouts(children: RootContent[]): RootContent[] {
  const out: RootContent[] = [];
  for (let i = 0; i < children.length; i++) {
    const node = children[i];
    const opening = node.type === 'paragraph' ? firstText(node)?.value.match(calloutOpening) : null;
    if (!opening || node.type !== 'paragraph') {
      out.push(node);
      continue;
    }
    const body: RootContent[] = [];
    const rest = withoutOpening(node, opening[0]);
    let closed = false;
    let j = i;
    let current: RootContent | undefined = rest ?? children[++j];
    while (current !== undefined) {
      if (current.type === 'paragraph' && divClosing.test(toString(current))) {
        const before = withoutClosing(current);
        if (before) body.push(before);
        closed = true;
        break;
      }
      body.push(current);
      current = children[++j];
    }
    if (!closed) {
      // No closing ::: (an author's typo): leave the text as it was.
      out.push(node);
      continue;
    }
    out.push(
      alert(
        opening[1] as AlertKind,
        body.filter((n): n is RootContent => n !== undefined),
        node,
      ),
    );
    i = j;
  }
  return out;
}

function alert(kind: AlertKind, body: RootContent[], at: { position?: Paragraph['position'] }): Blockquote {
  // remarkAlerts reads the `[!KIND]` marker at the start of the first paragraph.
  const marker: Text = { type: 'text', value: `[!${kind.toUpperCase()}]\n` };
  const [first, ...others] = body;
  const head: Paragraph =
    first?.type === 'paragraph' ? { ...first, children: [marker, ...first.children] } : { type: 'paragraph', children: [{ ...marker, value: marker.value.trimEnd() }] };
  const content = (first?.type === 'paragraph' ? [head, ...others] : [head, ...body]) as Blockquote['children'];
  return { type: 'blockquote', children: content, position: at.position };
}

function firstText(paragraph: Paragraph): Text | undefined {
  const first = paragraph.children[0];
  return first?.type === 'text' ? first : undefined;
}

/** The paragraph without its opening line, or undefined when nothing else was in it. */
function withoutOpening(paragraph: Paragraph, opening: string): Paragraph | undefined {
  const [first, ...others] = paragraph.children as PhrasingContent[];
  const remaining = (first as Text).value.slice(opening.length);
  const children = remaining ? [{ ...(first as Text), value: remaining }, ...others] : others;
  return children.length > 0 && toString({ type: 'paragraph', children }).trim() !== '' ? { ...paragraph, children } : undefined;
}

/** The paragraph without its closing `:::` line, or undefined when that line was all of it. */
function withoutClosing(paragraph: Paragraph): Paragraph | undefined {
  const children = [...paragraph.children];
  const last = children[children.length - 1];
  if (last?.type !== 'text') return undefined;
  const value = last.value.replace(divClosing, '').replace(/\n$/, '');
  if (value) children[children.length - 1] = { ...last, value };
  else children.pop();
  return children.length > 0 && toString({ type: 'paragraph', children }).trim() !== '' ? { ...paragraph, children } : undefined;
}
