/**
 * What a sample says about its own errors, matched against the errors the compiler found. Language-neutral:
 * a language gives the errors it found (file, line, column, code, text); this decides the verdict.
 *
 * `// @errors: A B` (twoslash): every error that occurs must be listed (as twoslash). Unlike twoslash, a
 * sample that lists errors where none occurs at all fails: it was written to show an error and no longer
 * does. Listing several codes is allowed as alternatives (an old and a new code for the same mistake,
 * `2532 18048`): a listed code that does not occur while another listed one does is a "stale alternative"
 * warning, an error under `--strict`.
 */
import semver from 'semver';
import type { ErrorSpan, Sample, SampleProblem } from './types.js';

export interface FoundError {
  file: number;
  line: number;
  column: number;
  code: number;
  text: string;
  length: number;
}

/** literate-ts's message match: the expected text is part of the actual one, or each `...`-separated piece is, in order. */
export function messageMatches(actual: string, expected: string): boolean {
  const flat = (s: string) => s.replace(/\s+/g, ' ').trim();
  const have = flat(actual);
  const want = flat(expected);
  if (have.includes(want)) return true;
  if (!want.includes('...')) return false;
  let from = 0;
  for (const piece of want
    .split('...')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = have.indexOf(piece, from);
    if (at < 0) return false;
    from = at + piece.length;
  }
  return true;
}

/**
 * Type text match for `^? T` and `// type is T`: whitespace-insensitive; `...` elides any text (literate-ts).
 * The members of a union may come in any order: TypeScript lists them in the order their types were first
 * created, which depends on what else the compiler checked (another sample mentioning `"auto"` first turns
 * `Options | "auto"` into `"auto" | Options`), not on the code of this sample.
 */
export function typeMatches(actual: string, expected: string): boolean {
  const norm = (s: string) => s.replace(/\s+/g, ' ').replace(/;\s*}/g, ' }').replace(/\(\s+/g, '(').replace(/\s+\)/g, ')').trim();
  const have = norm(actual);
  const want = norm(expected.endsWith('!') ? expected.slice(0, -1) : expected);
  if (have === want) return true;
  if (sameUnion(have, want)) return true;
  if (!want.includes('...')) return false;
  const [left = '', ...rest] = want.split('...');
  const right = rest.join('...');
  return have.startsWith(left.trim()) && have.endsWith(right.trim()) && have.length > left.trim().length + right.trim().length;
}

export interface ErrorVerdict {
  problems: SampleProblem[];
  /** The errors the sample expected and got: shown under their line in the book. */
  consumed: Set<FoundError>;
}

/** Where a directive line (`// @errors`) is, for reporting at it. */
export function directivePosition(sample: Sample, name: string): { file: number; line: number; column: number } {
  for (let f = 0; f < sample.files.length; f++) {
    const lines = sample.files[f]!.text.split('\n');
    const line = lines.findIndex((l, i) => i >= sample.files[f]!.preludeLineCount && new RegExp(`^\\s*//\\s*@${name}\\b`, 'i').test(l));
    if (line >= 0) return { file: f, line, column: lines[line]!.indexOf('@') };
  }
  return { file: 0, line: sample.files[0]!.preludeLineCount, column: 0 };
}

/** The `@errors` codes that apply to this compiler version (unscoped ones, and scoped ones whose range holds); undefined when none. */
export function expectedErrorsFor(sample: Sample, compilerVersion: string): number[] | undefined {
  const version = semver.coerce(compilerVersion)?.version ?? compilerVersion;
  const scoped = sample.scopedErrors.filter((s) => semver.satisfies(version, s.range, { includePrerelease: true })).flatMap((s) => s.codes);
  if (!sample.expectedErrors && scoped.length === 0) return undefined;
  return [...new Set([...(sample.expectedErrors ?? []), ...scoped])];
}

export function judgeErrors(sample: Sample, found: FoundError[], compilerVersion: string): ErrorVerdict {
  const problems: SampleProblem[] = [];
  const consumed = new Set<FoundError>();
  for (const span of sample.errorSpans) matchSpan(span, found, consumed, problems);
  if (sample.noErrors) for (const d of found) consumed.add(d);
  const expected = expectedErrorsFor(sample, compilerVersion);
  if (expected) {
    const listed = expected;
    const at = directivePosition(sample, 'errors');
    const occurring = listed.filter((code) => found.some((d) => d.code === code));
    for (const d of found) if (listed.includes(d.code)) consumed.add(d);
    if (found.length === 0) {
      problems.push({
        ...at,
        message: `Expected ${listed.length === 1 ? 'error' : 'errors'} ${listed.map((c) => `TS${c}`).join(', ')} (// @errors), but the sample compiles without errors`,
        ruleId: 'samples/expected-error-missing',
      });
    } else if (occurring.length === 0) {
      const actual = [...new Set(found.map((d) => `TS${d.code}`))].join(', ');
      problems.push({
        ...at,
        message: `Expected ${listed.map((c) => `TS${c}`).join(' or ')} (// @errors), but the sample reports ${actual}`,
        ruleId: 'samples/expected-error-missing',
      });
    } else {
      for (const code of listed) {
        if (occurring.includes(code)) continue;
        problems.push({
          ...at,
          message: `Stale alternative in // @errors: TS${code} does not occur (${occurring.map((c) => `TS${c}`).join(', ')} does)`,
          ruleId: 'samples/stale-error-alternative',
          details: 'Remove the code once no TypeScript version you support reports it; with --strict this is an error.',
          severity: 'warning',
        });
      }
    }
  }
  for (const d of found) {
    if (consumed.has(d)) continue;
    problems.push({ file: d.file, line: d.line, column: d.column, message: `TS${d.code}: ${d.text}`, ruleId: `samples/TS${d.code}` });
  }
  return { problems, consumed };
}

/** `// ~~~ message`: an error must overlap the marked columns of the line above and say that (with `...` elisions). */
function matchSpan(span: ErrorSpan, found: FoundError[], consumed: Set<FoundError>, problems: SampleProblem[]): void {
  const onLine = found.filter((d) => d.file === span.file && d.line === span.targetLine);
  const overlapping = onLine.filter((d) => d.column < span.endColumn && d.column + d.length > span.startColumn);
  const match = overlapping.find((d) => !span.message || messageMatches(d.text, span.message));
  if (match) {
    for (const d of overlapping) consumed.add(d);
    return;
  }
  const actual = onLine.map((d) => `TS${d.code}: ${d.text}`).join('\n');
  problems.push({
    file: span.file,
    line: span.targetLine,
    column: span.startColumn,
    message: `Expected an error here${span.message ? ` saying "${span.message}"` : ''}, but ${onLine.length ? 'the errors on this line are different' : 'there is none'}`,
    ruleId: 'samples/expected-error-missing',
    details: actual || undefined,
  });
}

/** Whether two type texts are the same top-level union with its members in another order. */
function sameUnion(a: string, b: string): boolean {
  const left = unionMembers(a);
  const right = unionMembers(b);
  if (left.length < 2 || left.length !== right.length) return false;
  return left.sort().join('\0') === right.sort().join('\0');
}

/** The members of a top-level union (`A | { b: B | C } | "x|y"` has three), trimmed. */
function unionMembers(text: string): string[] {
  const members: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if ('([{<'.includes(c)) depth++;
    else if (')]}>'.includes(c) && !(c === '>' && text[i - 1] === '=')) depth--;
    else if (c === '|' && depth === 0) {
      members.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  members.push(text.slice(start).trim());
  return members.filter(Boolean);
}
