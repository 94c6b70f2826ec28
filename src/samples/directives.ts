/**
 * The in-code notation of samples, compatible with twoslash (the TypeScript handbook, Shiki, VitePress):
 * `// @flag: value`, `// @errors: 2322`, `// @noErrors`, `// @filename: a.ts`, `// ---cut---`, `//   ^?`,
 * plus literate-ts's `// ~~~ message` error spans. Every directive is a `//` comment, so the compiler sees
 * the block exactly as written and its line numbers need no remapping; the book hides these lines.
 */

export const directivePattern = /^\s*\/\/\s*@([A-Za-z]\w*)(?:\s*:\s*(.*?))?\s*$/;
const cutPattern = /^\s*\/\/\s*-{3}cut(?:-before)?-{3}\s*$/;
const queryPattern = /^(\s*\/\/\s*)\^\?(.*)$/;
const spanPattern = /^(\s*\/\/\s*)(~+)\s*(.*?)\s*$/;

/** twoslash options that only change how twoslash itself renders: accepted and ignored. */
export const presentationOnlyFlags = new Set(
  ['showEmit', 'showEmittedFile', 'noErrorTruncation', 'keepNotations', 'noStaticSemanticInfo', 'noErrorValidation', 'emit', 'twoslash'].map((f) => f.toLowerCase()),
);

export interface BlockDirectives {
  flags: { name: string; value: unknown; line: number }[];
  expectedErrors?: number[];
  noErrors: boolean;
  /** `@filename` directives: block line and the name. */
  filenames: { line: number; name: string }[];
  /** Block line of the last `---cut---`. */
  cutLine?: number;
  queries: { line: number; caretColumn: number; expected?: string }[];
  spans: { line: number; startColumn: number; endColumn: number; message?: string }[];
  /** Lines that are notation, not code (hidden in the book). */
  notationLines: Set<number>;
}

export function parseDirectives(lines: readonly string[]): BlockDirectives {
  const result: BlockDirectives = { flags: [], noErrors: false, filenames: [], queries: [], spans: [], notationLines: new Set() };
  lines.forEach((text, line) => {
    const query = queryPattern.exec(text);
    if (query) {
      const expected = query[2]!.trim();
      result.queries.push({ line, caretColumn: query[1]!.length, expected: expected || undefined });
      result.notationLines.add(line);
      return;
    }
    const span = spanPattern.exec(text);
    if (span) {
      const startColumn = span[1]!.length;
      result.spans.push({ line, startColumn, endColumn: startColumn + span[2]!.length, message: span[3] || undefined });
      result.notationLines.add(line);
      return;
    }
    if (cutPattern.test(text)) {
      result.cutLine = line;
      result.notationLines.add(line);
      return;
    }
    const directive = directivePattern.exec(text);
    if (!directive) return;
    const name = directive[1]!;
    const raw = directive[2];
    result.notationLines.add(line);
    const lower = name.toLowerCase();
    if (lower === 'errors') {
      result.expectedErrors = [...(result.expectedErrors ?? []), ...(raw ?? '').split(/[\s,]+/).filter(Boolean).map(Number).filter(Number.isFinite)];
    } else if (lower === 'noerrors') {
      result.noErrors = true;
    } else if (lower === 'filename') {
      result.filenames.push({ line, name: (raw ?? '').trim() });
    } else {
      result.flags.push({ name, value: parseFlagValue(raw), line });
    }
  });
  return result;
}

/** `true`/`false`/numbers become JSON values; `es2015, dom` style lists stay strings (the checker splits list options). */
export function parseFlagValue(raw: string | undefined): unknown {
  if (raw === undefined || raw === '') return true;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  return raw;
}

/** The line a `^?` or `~~~` points into: the nearest line above that is not itself such a notation. */
export function targetLineAbove(lines: readonly string[], line: number): number {
  let target = line - 1;
  while (target >= 0 && (queryPattern.test(lines[target]!) || spanPattern.test(lines[target]!))) target--;
  return Math.max(target, 0);
}

/** Lines of a `// #region NAME` … `// #endregion` block of a real file (markers excluded), or undefined when absent. */
export function extractRegion(content: string, region: string): { startLine: number; lines: string[] } | undefined {
  const lines = content.split(/\r?\n/);
  const start = lines.findIndex((l) => new RegExp(`^\\s*//\\s*#region\\s+${escapeRegExp(region)}\\s*$`).test(l));
  if (start < 0) return undefined;
  let depth = 0;
  for (let i = start + 1; i < lines.length; i++) {
    if (/^\s*\/\/\s*#region\b/.test(lines[i]!)) depth++;
    else if (/^\s*\/\/\s*#endregion\b/.test(lines[i]!)) {
      if (depth === 0) return { startLine: start + 1, lines: lines.slice(start + 1, i).filter((l) => !/^\s*\/\/\s*#(end)?region\b/.test(l)) };
      depth--;
    }
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
