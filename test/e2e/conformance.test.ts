import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkJson, copyFixture, repoRoot, type JsonReport } from './checkHelpers.js';

/**
 * The conformance corpus: one small sample per notation rule of twoslash and literate-ts (and per silent
 * pass that must now be a verdict), each preceded in its chapter by the verdict it must get:
 * `<!-- expect: passed|failed|none [typeCheckedOnly] [ruleId] ["part of the message"] -->`.
 * Each fixture book is checked once by the real CLI; every sample is then one test case.
 */
interface Expectation {
  book: string;
  chapter: string;
  fenceLine: number;
  status: 'passed' | 'failed' | 'none';
  typeCheckedOnly: boolean;
  ruleId?: string;
  message?: string;
}

const corpus = path.join(repoRoot, 'test', 'fixtures', 'samples', 'conformance');

function expectations(book: string): Expectation[] {
  const found: Expectation[] = [];
  const dir = path.join(corpus, book, 'manuscript');
  for (const chapter of readdirSync(dir).filter((f) => f.endsWith('.md'))) {
    const lines = readFileSync(path.join(dir, chapter), 'utf8').split('\n');
    let inFence = false;
    lines.forEach((line, i) => {
      const fence = /^(`{3,}|~{3,})(\S*)/.exec(line);
      if (!fence) return;
      inFence = !inFence;
      if (!inFence || fence[2] === 'output' || fence[2] === '') return;
      // The nearest expect comment above, across blank lines and other HTML comments.
      for (let j = i - 1; j >= 0 && (lines[j]!.trim() === '' || lines[j]!.startsWith('<!--')); j--) {
        const match = /^<!-- expect: (passed|failed|none)( typeCheckedOnly)?(?: (samples\/[\w-]+))?(?: "((?:[^"\\]|\\.)*)")? -->$/.exec(lines[j]!);
        if (!match) continue;
        found.push({
          book,
          chapter,
          fenceLine: i + 1,
          status: match[1] as Expectation['status'],
          typeCheckedOnly: Boolean(match[2]),
          ruleId: match[3],
          message: match[4]?.replace(/\\"/g, '"'),
        });
        return;
      }
      throw new Error(`${book}/${chapter}:${i + 1}: a fence without an <!-- expect: … --> comment`);
    });
  }
  return found;
}

describe.each(['twoslash', 'plain'])('conformance corpus: %s book', (book) => {
  let report: JsonReport;
  const cases = expectations(book);

  beforeAll(() => {
    const root = copyFixture(path.join('conformance', book));
    report = checkJson(root, ['--no-cache']).report;
  }, 180_000);

  it('has a fixture for every rule', () => {
    expect(cases.length).toBeGreaterThan(10);
  });

  it.each(cases.map((c) => [`${c.chapter}:${c.fenceLine} ${c.status}${c.ruleId ? ` ${c.ruleId}` : ''}`, c] as const))('%s', (_name, c) => {
    const result = report.samples.find((s) => s.file.endsWith(c.chapter) && s.line === c.fenceLine);
    if (c.status === 'none') {
      expect(result).toBeUndefined();
      return;
    }
    expect(result, 'the block is a sample').toBeDefined();
    const problems = result!.diagnostics.map((d) => `${d.severity} ${d.ruleId}: ${d.message}`).join('\n');
    expect(result!.status, problems).toBe(c.status);
    expect(Boolean(result!.typeCheckedOnly), result!.typeCheckedOnly).toBe(c.typeCheckedOnly);
    if (c.ruleId) {
      const diagnostic = result!.diagnostics.find((d) => d.ruleId === c.ruleId);
      expect(diagnostic, problems).toBeDefined();
      if (c.message) expect(diagnostic!.message).toContain(c.message);
    } else if (c.status === 'passed') {
      expect(result!.diagnostics, problems).toEqual([]);
    }
  });
});
