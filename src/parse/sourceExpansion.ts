import type { Root } from 'mdast';
import type { Point, Position } from 'unist';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';

/**
 * Text that replaces a span of the chapter before it is parsed (an mdBook `{{#include}}` and the like,
 * resolved by book/mdbookLinks.ts): the chapter is parsed as the other tool reads it, with the included
 * text in place, and every position is then mapped back to the chapter file the author edits.
 */
export interface SourceExpansion {
  /** Offsets of the directive in the chapter's own text. */
  start: number;
  end: number;
  /** What it stands for. */
  text: string;
}

interface Piece {
  /** Start in the expanded text. */
  at: number;
  /** Start in the chapter's text (for original pieces), or the directive's start (for replacements). */
  from: number;
  replaced: boolean;
}

/** The chapter's text with the expansions applied, and the map from expanded positions back to the chapter. */
export function applyExpansions(source: string, expansions: readonly SourceExpansion[]): { text: string; remap: (tree: Root, file: VFile) => void } {
  const sorted = [...expansions].sort((a, b) => a.start - b.start);
  const pieces: Piece[] = [];
  let text = '';
  let cursor = 0;
  for (const e of sorted) {
    pieces.push({ at: text.length, from: cursor, replaced: false });
    text += source.slice(cursor, e.start);
    pieces.push({ at: text.length, from: e.start, replaced: true });
    text += e.text;
    cursor = e.end;
  }
  pieces.push({ at: text.length, from: cursor, replaced: false });
  text += source.slice(cursor);

  const lineStarts = [0];
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const pointAtOffset = (offset: number): { line: number; column: number } => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
  };
  const expandedLineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) expandedLineStarts.push(i + 1);

  const mapOffset = (offset: number): Point => {
    let lo = 0;
    let hi = pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (pieces[mid]!.at <= offset) lo = mid;
      else hi = mid - 1;
    }
    const piece = pieces[lo]!;
    if (!piece.replaced) {
      const original = piece.from + (offset - piece.at);
      return { ...pointAtOffset(original), offset: original };
    }
    // Inside included text: reported at the directive. The offset stays unique (past the chapter's end), so
    // code blocks keyed by offset (presentations, includes) are not confused with one another.
    return { ...pointAtOffset(piece.from), offset: source.length + 1 + offset };
  };
  const mapPoint = (point: Point | undefined): Point | undefined => {
    if (!point) return point;
    const offset = point.offset ?? (expandedLineStarts[point.line - 1] ?? text.length) + point.column - 1;
    return mapOffset(offset);
  };
  const mapPosition = (position: Position | undefined): Position | undefined => (position ? { start: mapPoint(position.start)!, end: mapPoint(position.end)! } : position);

  const remap = (tree: Root, file: VFile) => {
    visit(tree, (node) => {
      if (node.position) node.position = mapPosition(node.position);
    });
    for (const message of file.messages) {
      const place = message.place;
      if (place && 'start' in place) message.place = mapPosition(place);
      else if (place) message.place = mapPoint(place);
      const start = message.place && 'start' in message.place ? message.place.start : message.place;
      if (start) {
        message.line = start.line;
        message.column = start.column;
      }
    }
    // Later stages slice the chapter's own text with the mapped offsets.
    file.value = source;
  };
  return { text, remap };
}

/**
 * For a code block whose lines start at `firstLine` of the chapter and may hold expansions: the chapter
 * line each of its `count` lines comes from (an included line: the line of its directive), or undefined
 * when no expansion lies in those lines. Samples use it to report compiler errors where the author can act.
 */
export function expandedBlockLines(source: string, expansions: readonly SourceExpansion[] | undefined, firstLine: number, count: number): number[] | undefined {
  if (!expansions?.length || count === 0) return undefined;
  const lineStarts = [0];
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const blockStart = lineStarts[firstLine - 1] ?? source.length;
  if (!expansions.some((e) => e.start >= blockStart)) return undefined;
  const out: number[] = [];
  let touched = false;
  for (let line = firstLine; out.length < count && line <= lineStarts.length; line++) {
    const start = lineStarts[line - 1]!;
    const end = lineStarts[line] ?? source.length + 1;
    // A directive's own line ends where it ends; the lines it stands for all come from here.
    const here = expansions.filter((e) => e.start >= start && e.start < end);
    const added = here.reduce((n, e) => n + (e.text.match(/\n/g)?.length ?? 0) - (source.slice(e.start, e.end).match(/\n/g)?.length ?? 0), 0);
    if (here.length > 0) touched = true;
    for (let k = 0; k <= added && out.length < count; k++) out.push(line);
    line += here.reduce((n, e) => n + (source.slice(e.start, e.end).match(/\n/g)?.length ?? 0), 0);
  }
  return touched ? out : undefined;
}
