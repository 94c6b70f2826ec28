import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkJson, copyFixture, evergreen, repoRoot, type JsonReport } from './checkHelpers.js';

// The repository installs TypeScript 5.9 beside its own 6.0 as the npm alias `typescript-5.9`.
const older = path.join(repoRoot, 'node_modules', 'typescript-5.9');
const olderVersion = existsSync(older) ? (JSON.parse(readFileSync(path.join(older, 'package.json'), 'utf8')) as { version: string }).version : '';
const bundledVersion = (JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', 'typescript', 'package.json'), 'utf8')) as { version: string }).version;

describe.skipIf(!olderVersion)('evergreen check: a book that pins TypeScript 5.9 and lists 5.9 and 6.0', () => {
  let root: string;
  let report: JsonReport;
  let status: number | null;

  beforeAll(() => {
    root = copyFixture('matrix');
    // The book's own `typescript` is 5.9, as `npm install typescript@~5.9.0` would give it.
    symlinkSync(older, path.join(root, 'node_modules', 'typescript'), 'dir');
    writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'matrix-book', private: true, devDependencies: { typescript: '~5.9.0' } }));
    const result = checkJson(root, ['--no-cache']);
    report = result.report;
    status = result.run.status;
  }, 180_000);

  it('uses the book’s own TypeScript first, then the next one, and names both', () => {
    expect(report.compilers).toMatchObject([
      { version: olderVersion, source: 'book' },
      { version: bundledVersion, source: 'bundled' },
    ]);
    const pretty = evergreen(['check', '--root', root]);
    expect(pretty.stdout.trimEnd().split('\n').pop()).toBe(`2 passed, 1 failed · TypeScript ${olderVersion}, TypeScript ${bundledVersion} (bundled)`);
  });

  it('reports where the verdicts differ, per sample', () => {
    expect(status).toBe(1);
    const differing = report.diagnostics.find((d) => d.ruleId === 'samples/version-difference');
    expect(differing?.line).toBe(5);
    expect(differing?.message).toMatch(
      new RegExp(`passes on ${olderVersion.replace(/\./g, '\\.')}, fails on ${bundledVersion.replace(/\./g, '\\.')}: TS2882 at .*versions\\.md:6:8`),
    );
    expect(report.samples[0]!.versions).toEqual([
      { version: olderVersion, status: 'passed' },
      { version: bundledVersion, status: 'failed' },
    ]);
  });

  it('applies an expectation scoped to a version range only on those versions', () => {
    expect(report.samples[1]!.versions?.map((v) => v.status)).toEqual(['passed', 'passed']);
    expect(report.samples[2]!.versions?.map((v) => v.status)).toEqual(['passed', 'passed']);
  });

  it('names the exact npm install command for a version that is not installed', () => {
    const missing = evergreen(['check', '--root', root, '--typescript', '5.9,5.4']);
    expect(missing.status).toBe(1);
    expect(missing.stdout).toContain('TypeScript 5.4 is not installed in the book project');
    expect(missing.stdout).toContain('npm install --save-dev typescript-5.4@npm:typescript@~5.4.0');
    expect(missing.stdout).not.toMatch(/\n\s+at /);
  });
});
