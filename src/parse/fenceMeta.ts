/**
 * The info string of a fenced code block: "ts check title="a.ts" {1,3-5} timeout=500".
 * Shared by the HTML/PDF renderers (title, highlighted lines) and the sample checker (attributes).
 */
export interface FenceMeta {
  /** Bare words and `key=value` pairs, in order, as written (e.g. `no-run`, `id=setup`). */
  attributes: FenceAttribute[];
  /** 1-based line numbers from `{1,3-5}`. */
  highlightLines: number[];
  title?: string;
}

export interface FenceAttribute {
  name: string;
  value?: string;
  /** Offset of the attribute inside the meta string, for positioned diagnostics. */
  offset: number;
}

const token = /\{([\d,\s-]+)\}|([\w-]+)(?:=(?:"([^"]*)"|'([^']*)'|(\S+)))?|(\S+)/g;

export function parseFenceMeta(meta: string | null | undefined): FenceMeta {
  const result: FenceMeta = { attributes: [], highlightLines: [] };
  if (!meta) return result;
  for (const match of meta.matchAll(token)) {
    const [, ranges, name, dq, sq, bare, junk] = match;
    if (ranges !== undefined) {
      result.highlightLines.push(...expandRanges(ranges));
    } else if (name !== undefined) {
      const value = dq ?? sq ?? bare;
      if (name === 'title') result.title = value;
      else result.attributes.push({ name, value, offset: match.index });
    } else if (junk !== undefined) {
      result.attributes.push({ name: junk, offset: match.index });
    }
  }
  result.highlightLines = [...new Set(result.highlightLines)].sort((a, b) => a - b);
  return result;
}

function expandRanges(ranges: string): number[] {
  const lines: number[] = [];
  for (const part of ranges.split(',')) {
    const [from, to] = part
      .trim()
      .split('-')
      .map((n) => Number.parseInt(n, 10));
    if (Number.isNaN(from)) continue;
    const end = Number.isNaN(to) || to === undefined ? from : Math.min(to, from + 10_000);
    for (let line = from; line <= end; line++) lines.push(line);
  }
  return lines;
}
