/**
 * The in-code notation of samples, compatible with twoslash (the TypeScript handbook, Shiki, VitePress):
 * `// @flag: value`, `// @errors: 2322`, `// @noErrors`, `// @filename: a.ts`, `// ---cut---`, `//   ^?`,
 * plus literate-ts's `// ~~~ message` error spans. Every directive is a `//` comment, so the compiler sees
 * the block exactly as written and its line numbers need no remapping; the book hides these lines.
 */

import semver from 'semver';

export const directivePattern = /^\s*\/\/\s*@([A-Za-z]\w*)(?:\[([^\]]*)\])?(?:\s*:\s*(.*?))?\s*$/;
const cutPattern = /^\s*\/\/\s*-{3}cut(?:-before)?-{3}\s*$/;
const queryPattern = /^(\s*\/\/\s*)\^\?(.*)$/;
/** twoslash's completion query: `//  ^|` under a partly typed name; the compiler must offer completions there. */
const completionPattern = /^(\s*\/\/\s*)\^\|\s*$/;
const spanPattern = /^(\s*\/\/\s*)(~+)\s*(.*?)\s*$/;
/** literate-ts's type assertion, anchored at the comment's start so prose ("the return type is…") is not one. */
const typeIsPattern = /\/\/\s*[tT]ype is (?:still )?(?:just )?(.*?)\.?\s*$/;
const fullLineComment = /^\s*\/\//;

/** twoslash options that only change how twoslash itself renders: accepted and ignored. */
export const presentationOnlyFlags = new Set(
  ['showEmit', 'showEmittedFile', 'noErrorTruncation', 'keepNotations', 'noStaticSemanticInfo', 'noErrorValidation', 'emit', 'twoslash'].map((f) => f.toLowerCase()),
);

export interface BlockDirectives {
  flags: { name: string; value: unknown; line: number }[];
  expectedErrors?: number[];
  /** `// @errors[>=6.0]: 2882`: codes expected only from compilers whose version is in the range (semver). */
  scopedErrors: { range: string; codes: number[]; line: number }[];
  noErrors: boolean;
  /** `@filename` directives: block line and the name. */
  filenames: { line: number; name: string }[];
  /** Block line of the last `---cut---`. */
  cutLine?: number;
  queries: { line: number; caretColumn: number; expected?: string }[];
  completions: { line: number; caretColumn: number }[];
  spans: { line: number; startColumn: number; endColumn: number; message?: string }[];
  /** literate-ts `// type is T`: the line of the comment, the line of the expression, the type. */
  typeAssertions: { line: number; targetLine: number; expected: string }[];
  /** Lines that are notation, not code (hidden in the book). */
  notationLines: Set<number>;
  /** Malformed notation (an `@errors` code that is not a number, an empty `@filename`): block line and column. */
  problems: { line: number; column: number; message: string; hint: string }[];
}

export function parseDirectives(lines: readonly string[]): BlockDirectives {
  const result: BlockDirectives = {
    flags: [],
    scopedErrors: [],
    noErrors: false,
    filenames: [],
    queries: [],
    completions: [],
    spans: [],
    typeAssertions: [],
    notationLines: new Set(),
    problems: [],
  };
  let continuation: { column: number; assertion: { expected: string } } | undefined;
  lines.forEach((text, line) => {
    const typeIs = /^\s*\/\/\s*[tT]ype is /.test(text) || (!fullLineComment.test(text) && /\/\/\s*[tT]ype is /.test(text)) ? typeIsPattern.exec(text) : null;
    const commentColumn = text.indexOf('//');
    if (!typeIs && continuation && fullLineComment.test(text) && commentColumn === continuation.column && !directivePattern.test(text)) {
      // A long type continues on the next comment line at the same column (as literate-ts reads it).
      continuation.assertion.expected += ` ${text.slice(commentColumn + 2).trim()}`;
      return;
    }
    continuation = undefined;
    if (typeIs) {
      const own = fullLineComment.test(text);
      const assertion = { line, targetLine: own ? targetLineAbove(lines, line) : line, expected: typeIs[1]!.trim() };
      result.typeAssertions.push(assertion);
      continuation = { column: commentColumn, assertion };
      return;
    }
    const query = queryPattern.exec(text);
    if (query) {
      const expected = query[2]!.trim();
      result.queries.push({ line, caretColumn: query[1]!.length, expected: expected || undefined });
      result.notationLines.add(line);
      return;
    }
    const completion = completionPattern.exec(text);
    if (completion) {
      result.completions.push({ line, caretColumn: completion[1]!.length });
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
    const range = directive[2];
    const raw = directive[3];
    result.notationLines.add(line);
    const lower = name.toLowerCase();
    const valueColumn = raw === undefined ? text.length : text.lastIndexOf(raw);
    if (range !== undefined && lower !== 'errors') {
      result.problems.push({
        line,
        column: text.indexOf('['),
        message: `Only // @errors can be scoped to versions, not @${name}`,
        hint: 'Write // @errors[>=6.0]: 2882; other flags apply to every version.',
      });
      return;
    }
    if (lower === 'errors') {
      const codes: number[] = [];
      for (const match of (raw ?? '').matchAll(/[^\s,]+/g)) {
        const code = /^(?:TS)?(\d+)$/i.exec(match[0]);
        if (code) codes.push(Number(code[1]));
        else
          result.problems.push({
            line,
            column: valueColumn + match.index,
            message: `"${match[0]}" is not an error code`,
            hint: 'List TypeScript error codes as numbers: // @errors: 2322 2345',
          });
      }
      if (codes.length === 0 && !result.problems.some((p) => p.line === line))
        result.problems.push({
          line,
          column: text.indexOf('@'),
          message: '// @errors lists no error codes',
          hint: 'Write the codes the sample shows (// @errors: 2322), or // @noErrors to accept any error.',
        });
      if (range !== undefined) {
        if (validRange(range)) result.scopedErrors.push({ range, codes, line });
        else
          result.problems.push({
            line,
            column: text.indexOf('[') + 1,
            message: `"${range}" is not a version range`,
            hint: 'Scope expected errors to TypeScript versions with a semver range: // @errors[>=6.0]: 2882',
          });
      } else result.expectedErrors = [...(result.expectedErrors ?? []), ...codes];
    } else if (lower === 'noerrors') {
      result.noErrors = true;
    } else if (lower === 'filename') {
      const name = (raw ?? '').trim();
      if (!name) result.problems.push({ line, column: text.indexOf('@'), message: '// @filename needs a file name', hint: 'Write // @filename: name.ts' });
      result.filenames.push({ line, name });
    } else {
      result.flags.push({ name, value: parseFlagValue(raw), line });
    }
  });
  return result;
}

function validRange(range: string): boolean {
  return semver.validRange(range.trim()) !== null;
}

/** `true`/`false`/numbers become JSON values; `es2015, dom` style lists stay strings (the checker splits list options). */
export function parseFlagValue(raw: string | undefined): unknown {
  if (raw === undefined || raw === '') return true;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  return raw;
}

/** The line a `^?`, `~~~` or `// type is` points into: the nearest line above that is not itself such a notation. */
export function targetLineAbove(lines: readonly string[], line: number): number {
  let target = line - 1;
  while (
    target >= 0 &&
    (queryPattern.test(lines[target]!) || completionPattern.test(lines[target]!) || spanPattern.test(lines[target]!) || /^\s*\/\/\s*[tT]ype is /.test(lines[target]!))
  )
    target--;
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
