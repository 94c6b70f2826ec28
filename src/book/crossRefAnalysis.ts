import type { Root } from 'mdast';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { type CrossRefKind, isDisplayMath, labelOf } from '../parse/crossRefSyntax.js';

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

export interface ChapterFeatures {
  labels: LabelInfo[];
  uses: CrossRefUse[];
  math: MathInfo[];
}

/** Reads a parsed chapter's labels, references and formulas, for book-wide numbering and checks. */
export function analyzeFeatures(tree: Root, file: VFile): ChapterFeatures {
  const features: ChapterFeatures = { labels: [], uses: [], math: [] };
  const source = String(file.value);
  visit(tree, (node) => {
    const start = node.position?.start;
    const at = { line: start?.line ?? 1, column: start?.column ?? 1 };
    const label = labelOf(node as { data?: Record<string, never> });
    if (label && label.kind !== 'sec') features.labels.push({ kind: label.kind, id: label.id, key: label.key, ...at });
    if (node.type === 'crossRef') {
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
