import type { Root } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { type CrossRefKind, isDisplayMath, labelOf } from '../parse/crossRefSyntax.js';
import { headingIdOf } from '../parse/headingIds.js';
import type {} from '../parse/indexTerms.js';

/** A numbered thing in a chapter: its place among the chapter's labels of the same kind gives its number. */
export interface LabelInfo {
  kind: Exclude<CrossRefKind, 'sec'>;
  id: string;
  key: string;
  line: number;
  column: number;
}

export interface CrossRefUse {
  kind: CrossRefKind;
  key: string;
  written: string;
  line: number;
  column: number;
}

/** A formula as written, with where its TeX starts in the chapter (for KaTeX's error positions). */
export interface MathInfo {
  tex: string;
  display: boolean;
  /** Offset of the TeX in the chapter's source, or of the node when the TeX cannot be found verbatim. */
  offset: number;
  line: number;
  column: number;
}

/** One place an index term marks. */
export interface IndexMark {
  entry: string[];
  see?: string;
  seeAlso?: string;
  /** The mark's element id in the chapter (`idx-3`). */
  anchor: string;
  /** The heading the mark is under, for the HTML index's link text. */
  section: { id: string; text: string } | undefined;
  line: number;
  column: number;
}

/** A ```` ```mermaid ```` block, rendered to SVG by the renderers (render/shared/diagrams.ts). */
export interface DiagramBlock {
  source: string;
  /** Where the block's fence opens. */
  line: number;
  column: number;
}

export interface ChapterFeatures {
  labels: LabelInfo[];
  uses: CrossRefUse[];
  math: MathInfo[];
  index: IndexMark[];
  diagrams: DiagramBlock[];
}

/** The element id of a chapter's n-th index mark (0-based), the same in analysis and rendering. */
export function indexAnchor(n: number): string {
  return `idx-${n + 1}`;
}

/** Reads a parsed chapter's labels, references and formulas, for book-wide numbering and checks. */
export function analyzeFeatures(tree: Root, file: VFile): ChapterFeatures {
  const features: ChapterFeatures = { labels: [], uses: [], math: [], index: [], diagrams: [] };
  const source = String(file.value);
  let section: IndexMark['section'];
  visit(tree, (node) => {
    const start = node.position?.start;
    const at = { line: start?.line ?? 1, column: start?.column ?? 1 };
    const label = labelOf(node as { data?: Record<string, never> });
    if (label && label.kind !== 'sec') features.labels.push({ kind: label.kind, id: label.id, key: label.key, ...at });
    if (node.type === 'code' && node.lang?.toLowerCase() === 'mermaid') {
      features.diagrams.push({ source: node.value, ...at });
    } else if (node.type === 'heading') {
      const id = headingIdOf(node);
      if (id) section = { id: id.id, text: toString(node).trim() };
    } else if (node.type === 'indexTerm') {
      features.index.push({ entry: node.entry, see: node.see, seeAlso: node.seeAlso, anchor: indexAnchor(node.n), section, ...at });
    } else if (node.type === 'crossRef') {
      features.uses.push({ kind: node.kind, key: node.key, written: node.written, ...at });
    } else if (node.type === 'math' || node.type === 'inlineMath') {
      const from = start?.offset ?? 0;
      const found = node.value === '' ? -1 : source.indexOf(node.value, from);
      const offset = found !== -1 && found <= (node.position?.end.offset ?? from) ? found : from;
      features.math.push({ tex: node.value, display: node.type === 'math' || isDisplayMath(node), offset, ...at });
    }
  });
  return features;
}
