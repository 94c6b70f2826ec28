import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkJson, copyFixture, evergreen, type JsonReport } from './checkHelpers.js';

const bundledTypeScript = (JSON.parse(readFileSync(path.join(import.meta.dirname, '..', '..', 'node_modules', 'typescript', 'package.json'), 'utf8')) as { version: string })
  .version;

// E2E: the real CLI (`node bin/evergreen.js check`, compiled by `pretest`) on fixture books copied to temp folders.

describe('evergreen check: passing features', () => {
  let root: string;
  let first: { status: number | null; report: JsonReport };

  beforeAll(() => {
    root = copyFixture('passing');
    const { run, report } = checkJson(root, [], { EVERGREEN_TEST_SECRET: 'do-not-show' });
    first = { status: run.status, report };
  }, 120_000);

  it('passes every sample (continue, @filename, ---cut---, @errors, ~~~, @ts-expect-error, no-run, throws, include, packages, flags)', () => {
    const failures = first.report.diagnostics.filter((d) => d.severity === 'error');
    expect(failures).toEqual([]);
    expect(first.status).toBe(0);
    expect(first.report.failed).toBe(0);
    expect(first.report.passed).toBe(18);
    // `no-check` is shown only.
    expect(first.report.skipped).toBe(1);
  });

  it('compares a continue sample on its own output only', () => {
    const continued = first.report.samples.filter((s) => s.actualOutput === '2' || s.actualOutput === 'apple & pear');
    expect(continued.map((s) => s.actualOutput)).toEqual(['2', 'apple & pear']);
  });

  it('serves an unchanged book from the cache', () => {
    const { run, report } = checkJson(root);
    expect(run.status).toBe(0);
    expect(report.cached).toBe(report.passed);
    expect(report.samples.filter((s) => s.status !== 'skipped').every((s) => s.cached)).toBe(true);
  }, 60_000);

  it('re-checks a sample whose included file changed, and --no-cache re-checks everything', () => {
    // The included file is unchanged; a file it imports changes.
    const file = path.join(root, 'src', 'format.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace('slice(0, 8)', 'slice(0, 6)'));
    const { report } = checkJson(root);
    const included = report.samples.find((s) => s.name.startsWith('more.md:') && s.status === 'failed');
    expect(included?.cached).toBe(false);
    expect(report.failed).toBe(1);
    expect(report.cached).toBe(report.passed);
    const fresh = checkJson(root, ['--no-cache']).report;
    expect(fresh.cached).toBe(0);
  }, 120_000);

  it('checks a subset by chapter and by --grep, and ends the pretty report with the summary line', () => {
    const byChapter = evergreen(['check', '--root', root, 'features.md']);
    expect(byChapter.stdout.trimEnd().split('\n').pop()).toBe(`11 passed, 0 failed, 1 skipped · TypeScript ${bundledTypeScript} (bundled)`);
    const byGrep = evergreen(['check', '--root', root, '--grep', 'tiny-greet']);
    expect(byGrep.status).toBe(0);
    expect(byGrep.stdout.trimEnd().split('\n').pop()).toBe(`1 passed, 0 failed · TypeScript ${bundledTypeScript} (bundled)`);
  }, 60_000);
});

describe('evergreen check: failing samples', () => {
  let root: string;
  let report: JsonReport;
  let status: number | null;
  let chapter: string;
  let chapterBefore: string;

  beforeAll(() => {
    root = copyFixture('failing');
    chapter = path.join(root, 'manuscript', 'failing.md');
    const relative = `${'../'.repeat(16)}${chapter.slice(1)}`;
    chapterBefore = readFileSync(chapter, 'utf8').replace('__RELATIVE__', relative).replace('__ABSOLUTE__', chapter);
    writeFileSync(chapter, chapterBefore);
    const result = checkJson(root, [], { EVERGREEN_TEST_SECRET: 'do-not-show' });
    report = result.report;
    status = result.run.status;
  }, 120_000);

  const at = (line: number) => report.diagnostics.filter((d) => d.line === line);

  it('exits 1 and counts the failures', () => {
    expect(status).toBe(1);
    expect(report.failed).toBe(12);
    expect(report.passed).toBe(2);
  });

  it('reports a type error at the chapter line and column', () => {
    expect(at(7)).toMatchObject([{ column: 7, ruleId: 'samples/TS2322', file: expect.stringMatching(/failing\.md$/) }]);
  });

  it('fails an expected error that did not happen', () => {
    expect(at(13)).toMatchObject([{ ruleId: 'samples/expected-error-missing', message: expect.stringContaining('TS2322') }]);
  });

  it('fails a wrong ^? assertion', () => {
    expect(at(21)).toMatchObject([{ ruleId: 'samples/type-query', message: expect.stringContaining('const parts: string[]') }]);
  });

  it('fails an output mismatch with a diff at the output block', () => {
    const [mismatch] = at(31);
    expect(mismatch?.ruleId).toBe('samples/output-mismatch');
    expect(mismatch?.details).toContain('-expected');
    expect(mismatch?.details).toContain('+actual');
  });

  it('stops an endless loop and a never-settling promise with the timeout', () => {
    expect(at(36)).toMatchObject([{ ruleId: 'samples/timeout' }]);
    expect(at(40)).toMatchObject([{ ruleId: 'samples/timeout' }]);
  });

  it('refuses writes into the book project by relative and absolute path', () => {
    expect(at(46)).toMatchObject([{ message: expect.stringContaining('ERR_ACCESS_DENIED') }]);
    expect(at(51)).toMatchObject([{ message: expect.stringContaining('ERR_ACCESS_DENIED') }]);
    expect(readFileSync(chapter, 'utf8')).toBe(chapterBefore);
  });

  it('does not show the caller environment to samples', () => {
    const sample = report.samples.find((s) => s.line === 58);
    expect(sample?.status).toBe('passed');
    expect(sample?.actualOutput).toBe('not visible');
  });

  it('fails the sample that caused an unhandled rejection', () => {
    expect(at(69)).toMatchObject([{ ruleId: 'samples/unhandled-rejection', message: expect.stringContaining('nobody catches me') }]);
  });

  it('fails a sample that imports a missing package', () => {
    expect(at(77)).toMatchObject([{ ruleId: 'samples/TS2307', column: 25 }]);
  });

  it('caps the output size', () => {
    expect(at(93)).toMatchObject([{ ruleId: 'samples/output-limit' }]);
  });

  it('stops a sample that prints forever at the output limit, keeping what it printed', () => {
    expect(at(99)).toMatchObject([{ ruleId: 'samples/output-limit' }]);
    const sample = report.samples.find((s) => s.line === 99);
    expect(sample?.actualOutput?.startsWith('{ value: 0, done: false }\n{ value: 1, done: false }\n')).toBe(true);
  });

  it('warns about an unknown attribute at its position, an error under --strict', () => {
    expect(at(83)).toMatchObject([{ severity: 'warning', column: 7, message: expect.stringContaining('did you mean "no-run"') }]);
    const strict = checkJson(root, ['--strict', '--grep', "'typo'"]);
    expect(strict.report.diagnostics.find((d) => d.ruleId === 'samples/unknown-attribute')?.severity).toBe('error');
    expect(strict.run.status).toBe(1);
  }, 60_000);

  it('prints GitHub annotations and JUnit XML', () => {
    const github = evergreen(['check', '--root', '.', '--reporter', 'github'], {}, root);
    expect(github.stdout).toContain(`::error file=manuscript/failing.md,line=7,col=7,title=samples/TS2322::TS2322: Type 'number' is not assignable to type 'string'.`);
    expect(github.stdout.trimEnd().split('\n').pop()).toBe(`2 passed, 12 failed · TypeScript ${bundledTypeScript} (bundled)`);
    const junit = evergreen(['check', '--root', root, '--reporter', 'junit']);
    expect(junit.stdout).toMatch(/^<\?xml/);
    expect(junit.stdout).toContain('failures="12"');
  }, 60_000);
});

describe('evergreen check --update', () => {
  it('rewrites only the bytes inside changed output blocks', () => {
    const root = copyFixture('update');
    const chapter = path.join(root, 'manuscript', 'update.md');
    const before = readFileSync(chapter, 'utf8');
    const run = evergreen(['check', '--root', root, '--update']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('updated output of');
    const after = readFileSync(chapter, 'utf8');
    const expected = before.replace('  ```output\n  stale\n  ```', '  ```output\n  one\n  two\n  ```').replace('```output\n```\n', '```output\nfrom an empty block\n```\n');
    expect(after).toBe(expected);
    const again = evergreen(['check', '--root', root]);
    expect(again.status).toBe(0);
    expect(existsSync(chapter)).toBe(true);
  }, 120_000);
});
