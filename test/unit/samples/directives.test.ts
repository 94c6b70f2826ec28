import { describe, expect, it } from 'vitest';
import { extractRegion, parseDirectives } from '../../../src/samples/directives.js';
import { normalizeOutput, outputDiff } from '../../../src/samples/compare.js';
import { summaryLine } from '../../../src/samples/reporters.js';
import { parseFenceMeta } from '../../../src/parse/fenceMeta.js';

describe('parseDirectives', () => {
  it('reads twoslash flags, expected errors, file names, cut, queries and ~~~ spans', () => {
    const lines = [
      '// @strict: false',
      '// @errors: 2322, 2345',
      '// @filename: a.ts',
      'const x = 1;',
      '// ---cut---',
      'const y: string = x;',
      '//    ^ ? not a query',
      '//    ^? const y: string',
      '//    ~ message here',
      '// @ts-expect-error',
    ];
    const d = parseDirectives(lines);
    expect(d.flags).toEqual([{ name: 'strict', value: false, line: 0 }]);
    expect(d.expectedErrors).toEqual([2322, 2345]);
    expect(d.filenames).toEqual([{ line: 2, name: 'a.ts' }]);
    expect(d.cutLine).toBe(4);
    expect(d.queries).toEqual([{ line: 7, caretColumn: 6, expected: 'const y: string' }]);
    expect(d.spans).toEqual([{ line: 8, startColumn: 6, endColumn: 7, message: 'message here' }]);
    // A ts-expect-error comment is code, not notation: it stays visible and TypeScript handles it.
    expect(d.notationLines.has(9)).toBe(false);
    expect([...d.notationLines].sort()).toEqual([0, 1, 2, 4, 7, 8]);
  });

  it('treats @noErrors and flags without a value as true', () => {
    const d = parseDirectives(['// @noErrors', '// @noImplicitAny']);
    expect(d.noErrors).toBe(true);
    expect(d.flags).toEqual([{ name: 'noImplicitAny', value: true, line: 1 }]);
  });
});

describe('extractRegion', () => {
  it('returns the lines between #region and its #endregion, nested markers removed', () => {
    const text = 'a\n// #region main\nb\n  // #region inner\n  c\n  // #endregion\n// #endregion\nd';
    expect(extractRegion(text, 'main')).toEqual({ startLine: 2, lines: ['b', '  c'] });
    expect(extractRegion(text, 'inner')).toEqual({ startLine: 4, lines: ['  c'] });
    expect(extractRegion(text, 'missing')).toBeUndefined();
  });
});

describe('fence attributes', () => {
  it('parses sample attributes with the shared fence parser', () => {
    const meta = parseFenceMeta('no-run id=setup continue=intro timeout=500 title="a b.ts" {1,3-4} norun');
    expect(meta.attributes.map((a) => [a.name, a.value])).toEqual([
      ['no-run', undefined],
      ['id', 'setup'],
      ['continue', 'intro'],
      ['timeout', '500'],
      ['norun', undefined],
    ]);
    expect(meta.title).toBe('a b.ts');
    expect(meta.highlightLines).toEqual([1, 3, 4]);
  });
});

describe('output comparison', () => {
  it('ignores trailing whitespace, CRLF and surrounding blank lines', () => {
    expect(normalizeOutput('\r\na  \r\nb\t\r\n\r\n')).toBe('a\nb');
  });

  it('diffs expected against actual', () => {
    const diff = outputDiff('one\ntwo', 'one\nthree');
    expect(diff).toContain('-two');
    expect(diff).toContain('+three');
  });

  it('summarises like a test runner', () => {
    expect(summaryLine({ passed: 12, failed: 1, skipped: 0 })).toBe('12 passed, 1 failed');
    expect(summaryLine({ passed: 12, failed: 1, skipped: 2 })).toBe('12 passed, 1 failed, 2 skipped');
  });
});
