import type { Code, Image, Paragraph, Parent, PhrasingContent, Root, RootContent, Table, Text } from 'mdast';
import type { VFile } from 'vfile';

/**
 * Numbered cross-references in pandoc-crossref's syntax, with Quarto's hyphenated form accepted too:
 * `![Caption](a.png){#fig:id}`, `: Caption {#tbl:id}` next to a table, ```` ```ts {#lst:id caption="…"} ````
 * or `: Caption {#lst:id}` before a code block, ```` ```mermaid {#fig:id caption="…"} ```` (or Quarto's
 * `%%| label: fig-id`), `$$ … $$ {#eq:id}`, and `@fig:id` / `[@fig:id]` / `-@fig:id`
 * in text. This plugin only reads the syntax into the tree (labels on nodes, `crossRef` nodes for uses);
 * numbering and checking the ids are book-wide and happen later (book/crossRefs.ts).
 */

export type CrossRefKind = 'fig' | 'tbl' | 'lst' | 'eq' | 'sec';
export const crossRefKinds: readonly CrossRefKind[] = ['fig', 'tbl', 'lst', 'eq', 'sec'];

/** A label an author put on a figure, table, listing or equation. */
export interface CrossRefLabel {
  kind: CrossRefKind;
  /** The id as written (`fig:cat` or `fig-cat`): the anchor in the output. */
  id: string;
  /** `fig:cat` for both spellings: what a reference is matched by. */
  key: string;
}

/** `@fig:id` in text. */
export interface CrossRef {
  type: 'crossRef';
  kind: CrossRefKind;
  key: string;
  /** As written, for messages. */
  written: string;
  /** `-@fig:id`: the number only, without "Figure". */
  suppressPrefix: boolean;
  /** `@Fig:id` starts a sentence (our prefixes are capitalised anyway; kept for fidelity). */
  capitalized: boolean;
  data?: { hName?: string };
  position?: Text['position'];
}

declare module 'mdast' {
  interface PhrasingContentMap {
    crossRef: CrossRef;
  }
  interface RootContentMap {
    crossRef: CrossRef;
  }
  interface Data {
    crossRefLabel?: CrossRefLabel;
    /** A table's or listing's caption, read from the `: Caption` paragraph next to it. */
    crossRefCaption?: PhrasingContent[];
    /** Inline math written with `$$`: display math, as in pandoc. */
    mathDisplay?: boolean;
  }
}

const idPart = String.raw`[A-Za-z0-9_](?:[\w.:-]*[\w])?`;
const trailingLabel = new RegExp(String.raw`\s*\{#((fig|tbl|lst|eq)[:-]${idPart})\}\s*$`);
/** `[@fig:a]`, `[@fig:a; @tbl:b]`, `@fig:a`, `-@fig:a`; not inside e-mail addresses or words. */
const usePattern = new RegExp(
  String.raw`\[((?:-?@(?:[Ff]ig|[Tt]bl|[Ll]st|[Ee]q|[Ss]ec)[:-]${idPart}\s*;?\s*)+)\]|(?<![\w@.])(-?)@([Ff]ig|[Tt]bl|[Ll]st|[Ee]q|[Ss]ec)([:-])(${idPart})`,
  'g',
);
const oneUse = new RegExp(String.raw`(-?)@([Ff]ig|[Tt]bl|[Ll]st|[Ee]q|[Ss]ec)([:-])(${idPart})`, 'g');
const captionStart = /^(?:Table|Listing)?:\s+/;

export function labelOf(node: { data?: { crossRefLabel?: CrossRefLabel } }): CrossRefLabel | undefined {
  return node.data?.crossRefLabel;
}

function makeLabel(id: string): CrossRefLabel {
  const kind = id.slice(0, id.search(/[:-]/)) as CrossRefKind;
  return { kind, id, key: `${kind}:${id.slice(kind.length + 1)}` };
}

export function remarkCrossRefs() {
  return (tree: Root, file: VFile) => {
    labelBlocks(tree, file);
    replaceUses(tree);
  };
}

/** Figures, table and listing captions, equations: wherever blocks sit (root, blockquotes, list items…). */
function labelBlocks(parent: Parent, file: VFile): void {
  const children = parent.children as RootContent[];
  for (let i = 0; i < children.length; i++) {
    const node = children[i];
    if (node.type === 'paragraph') {
      if (labelFigure(node) || labelDisplayEquation(node)) continue;
      const caption = readCaption(node);
      const target = caption && captionTarget(children[i - 1], children[i + 1], caption.label?.kind);
      if (caption && target && !target.data?.crossRefCaption) {
        const data = (target.data ??= {});
        data.crossRefCaption = caption.children;
        if (caption.label) data.crossRefLabel = caption.label;
        children.splice(i, 1);
        i--;
        continue;
      }
    } else if (node.type === 'code') {
      labelListingFence(node);
    } else if (node.type === 'math') {
      const labels = (file.data as { mathLabels?: Map<number, string> }).mathLabels;
      const label = labels?.get(node.position?.end.line ?? -1) ?? labels?.get(node.position?.start.line ?? -1);
      if (label) (node.data ??= {}).crossRefLabel = makeLabel(label);
    }
    if ('children' in node && node.type !== 'paragraph' && node.type !== 'heading' && node.type !== 'table') labelBlocks(node as Parent, file);
  }
}

/**
 * What a `: Caption` paragraph captions: pandoc-crossref puts a table's caption after (or before) the table
 * and a listing's before the code. A label says which it is; without one, a table before it wins.
 */
function captionTarget(previous: RootContent | undefined, next: RootContent | undefined, kind: CrossRefKind | undefined): Table | Code | undefined {
  const isTable = (n: RootContent | undefined): n is Table => n?.type === 'table';
  const isCode = (n: RootContent | undefined): n is Code => n?.type === 'code';
  if (kind === 'tbl') return isTable(previous) ? previous : isTable(next) ? next : undefined;
  if (kind === 'lst') return isCode(next) ? next : undefined;
  if (kind !== undefined) return undefined;
  return isTable(previous) ? previous : isCode(next) || isTable(next) ? next : undefined;
}

/** `![Caption](a.png){#fig:id}`: a paragraph that is one image followed by its label. */
function labelFigure(node: Paragraph): boolean {
  const [image, text, ...rest] = node.children;
  if (image?.type !== 'image' || text?.type !== 'text' || rest.length > 0) return false;
  const match = /^\s*\{#((?:fig)[:-][\w.:-]*\w)\}\s*$/.exec(text.value);
  if (!match) return false;
  (image.data ??= {}).crossRefLabel = makeLabel(match[1]);
  node.children = [image as Image];
  return true;
}

/**
 * `$$ E = mc^2 $$ {#eq:id}` inside a paragraph: inline math written with double dollars followed by the label;
 * pandoc reads `$$…$$` as display math, and so do we (see chapterMath.ts). Returns true when the paragraph
 * held nothing else.
 */
function labelDisplayEquation(node: Paragraph): boolean {
  const children = node.children;
  for (let i = 0; i < children.length - 1; i++) {
    const math = children[i];
    const text = children[i + 1];
    if (math.type !== 'inlineMath' || text.type !== 'text' || !isDisplayMath(math)) continue;
    const match = new RegExp(String.raw`^\s*\{#(eq[:-]${idPart})\}`).exec(text.value);
    if (!match) continue;
    (math.data ??= {}).crossRefLabel = makeLabel(match[1]);
    text.value = text.value.slice(match[0].length);
    if (text.value === '') children.splice(i + 1, 1);
  }
  return children.length === 1 && children[0].type === 'inlineMath';
}

export function isDisplayMath(node: { data?: { mathDisplay?: boolean } }): boolean {
  return node.data?.mathDisplay === true;
}

/** `: Caption {#tbl:id}`, `Table: Caption`, `Listing: Caption {#lst:id}`. */
function readCaption(node: Paragraph): { children: PhrasingContent[]; label?: CrossRefLabel } | undefined {
  const first = node.children[0];
  if (first?.type !== 'text' || !captionStart.test(first.value)) return undefined;
  const children = structuredClone(node.children);
  const head = children[0] as Text;
  head.value = head.value.replace(captionStart, '');
  let label: CrossRefLabel | undefined;
  const last = children[children.length - 1];
  if (last?.type === 'text') {
    const match = trailingLabel.exec(last.value);
    if (match) {
      label = makeLabel(match[1]);
      last.value = last.value.slice(0, match.index);
      if (last.value === '') children.pop();
    }
  }
  return { children, label };
}

/**
 * ```` ```ts {#lst:id caption="…"} ````, and pandoc's ```` ```{#lst:id .ts caption="…"} ```` (the first class
 * becomes the language, so the sample checker sees a TypeScript block). Quarto's `lst-cap` is a caption too.
 * A Mermaid block can be a figure instead (diagramFigure below).
 */
function labelListingFence(node: Code): void {
  let attributes: string | undefined;
  if (node.lang?.startsWith('{')) {
    const info = `${node.lang} ${node.meta ?? ''}`.trim();
    const close = info.indexOf('}');
    attributes = info.slice(1, close === -1 ? undefined : close);
    // `{.ts …}` in pandoc, `{mermaid}` in a Quarto cell.
    const language = /(?:^|\s)\.([\w+#-]+)/.exec(attributes) ?? /^\s*([A-Za-z][\w+#-]*)(?=\s|$)/.exec(attributes);
    node.lang = language ? language[1] : null;
    const after = close === -1 ? '' : info.slice(close + 1).trim();
    node.meta =
      [
        attributes
          .replace(/(?:^|\s)\.[\w+#-]+/, '')
          .replace(/^\s*[A-Za-z][\w+#-]*(?=\s|$)/, '')
          .replace(/(?:^|\s)#\S+/, '')
          .trim(),
        after,
      ]
        .filter(Boolean)
        .join(' ') || null;
  } else if (node.meta && /\{[^}]*(?:#(?:lst|fig)[:-]|caption=)/.test(node.meta)) {
    const match = /\{([^}]*(?:#(?:lst|fig)[:-]|caption=)[^}]*)\}/.exec(node.meta);
    if (!match) return;
    attributes = match[1];
    node.meta = (node.meta.slice(0, match.index) + node.meta.slice(match.index + match[0].length)).trim() || null;
  }
  if (node.lang?.toLowerCase() === 'mermaid') {
    diagramFigure(node, attributes);
    return;
  }
  if (attributes === undefined) return;
  const id = /(?:^|\s)#((?:lst)[:-][\w.:-]*\w)/.exec(attributes);
  const caption = /(?:caption|lst-cap)="([^"]*)"/.exec(attributes);
  const data = (node.data ??= {});
  if (id) data.crossRefLabel = makeLabel(id[1]);
  if (caption) data.crossRefCaption = [{ type: 'text', value: caption[1] }];
}

/**
 * A Mermaid diagram as a numbered figure, written the way the tools authors come from write it:
 * pandoc-crossref with mermaid-filter, ```` ```{.mermaid #fig:flow caption="…"} ````; the same attributes after
 * the language, ```` ```mermaid {#fig:flow caption="…"} ````; or Quarto's cell options, `%%| label: fig-flow`
 * and `%%| fig-cap: "…"` as the block's first lines (Mermaid reads `%%` lines as comments, so the block
 * still draws on GitHub and in Quarto).
 */
function diagramFigure(node: Code, attributes: string | undefined): void {
  let id = attributes === undefined ? undefined : /(?:^|\s)#(fig[:-][\w.:-]*\w)/.exec(attributes)?.[1];
  let caption = attributes === undefined ? undefined : /(?:caption|fig-cap)="([^"]*)"/.exec(attributes)?.[1];
  for (const line of node.value.split('\n')) {
    const option = /^\s*%%\|\s*([\w-]+)\s*:\s*(.*?)\s*$/.exec(line);
    if (!option) {
      if (line.trim() === '') continue;
      break;
    }
    const value = option[2].replace(/^(["'])(.*)\1$/, '$2');
    if (option[1] === 'label' && /^fig[:-][\w.:-]*\w$/.test(value)) id = value;
    else if (option[1] === 'fig-cap') caption = value;
  }
  const data = (node.data ??= {});
  if (id) data.crossRefLabel = makeLabel(id);
  if (caption) data.crossRefCaption = [{ type: 'text', value: caption }];
}

/** Splits text nodes at `@fig:id` uses into `crossRef` nodes, outside code (code has no text nodes). */
function replaceUses(parent: Parent): void {
  const children = parent.children as (RootContent | CrossRef)[];
  for (let i = 0; i < children.length; i++) {
    const node = children[i];
    if (node.type === 'text') {
      const parts = splitUses(node);
      if (parts) {
        children.splice(i, 1, ...parts);
        i += parts.length - 1;
      }
    } else if ('children' in node && node.type !== 'link' && node.type !== 'linkReference') {
      replaceUses(node as Parent);
    }
  }
}

function splitUses(node: Text): (Text | CrossRef)[] | undefined {
  const value = node.value;
  usePattern.lastIndex = 0;
  if (!value.includes('@') || !usePattern.test(value)) return undefined;
  usePattern.lastIndex = 0;
  const out: (Text | CrossRef)[] = [];
  let last = 0;
  const start = node.position?.start;
  const at = (index: number): Text['position'] => {
    if (!start || value.lastIndexOf('\n', index) !== -1) return node.position;
    const point = { line: start.line, column: start.column + index, offset: start.offset === undefined ? undefined : start.offset + index };
    return { start: point, end: point };
  };
  for (const match of value.matchAll(usePattern)) {
    if (match.index > last) out.push({ type: 'text', value: value.slice(last, match.index) });
    const uses =
      match[1] !== undefined
        ? [...match[1].matchAll(oneUse)].map((m) => ({ m, base: match.index + 1 + m.index }))
        : [{ m: ['', match[2], match[3], match[4], match[5]] as unknown as RegExpMatchArray, base: match.index }];
    uses.forEach(({ m, base }, n) => {
      if (n > 0) out.push({ type: 'text', value: n === uses.length - 1 ? ' and ' : ', ' });
      const kind = m[2].toLowerCase() as CrossRefKind;
      out.push({
        type: 'crossRef',
        kind,
        key: `${kind}:${m[4]}`,
        written: `@${m[2]}${m[3]}${m[4]}`,
        suppressPrefix: m[1] === '-',
        capitalized: m[2][0] !== m[2][0].toLowerCase(),
        position: at(base + m[1].length),
      });
    });
    last = match.index + match[0].length;
  }
  if (last < value.length) out.push({ type: 'text', value: value.slice(last) });
  return out;
}

/** Table nodes do not carry data in mdast's types by default; this narrows for readers of the caption. */
export function captionOf(node: Table | Code): PhrasingContent[] | undefined {
  return node.data?.crossRefCaption;
}
