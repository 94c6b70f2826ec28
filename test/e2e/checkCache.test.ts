import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkJson } from './checkHelpers.js';

// The sample cache is keyed on what TypeScript actually read: a tsconfig the book's tsconfig extends, and
// packages' declarations under node_modules, changed without any lockfile change.
describe('evergreen check: cache keyed on what the compiler read', () => {
  let root: string;
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };

  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'evergreen-check-cache-'));
    write('manuscript/book.yaml', 'title: Cache\nchapters: [ch.md]\n');
    write('manuscript/ch.md', '# Ch\n\n```ts no-run\nimport { size } from "shelf";\nconst n: number = size();\nfunction unused() {}\n```\n');
    write('tsconfig.base.json', JSON.stringify({ compilerOptions: { noUnusedLocals: false } }));
    write('manuscript/tsconfig.json', JSON.stringify({ extends: '../tsconfig.base.json' }));
    write('package.json', JSON.stringify({ name: 'cache-book', private: true, dependencies: { shelf: '1.0.0' } }));
    write('package-lock.json', '{}');
    write('node_modules/shelf/package.json', JSON.stringify({ name: 'shelf', version: '1.0.0', types: './index.d.ts', main: './index.js' }));
    write('node_modules/shelf/index.d.ts', 'export declare function size(): number;\n');
    write('node_modules/shelf/index.js', 'exports.size = () => 1;\n');
  });

  it('passes, then serves the result from the cache', () => {
    expect(checkJson(root).report).toMatchObject({ passed: 1, failed: 0 });
    expect(checkJson(root).report).toMatchObject({ passed: 1, cached: 1 });
  }, 120_000);

  it('re-checks when a package under node_modules changes without a lockfile change', () => {
    write('node_modules/shelf/index.d.ts', 'export declare function size(): string;\n');
    const { report } = checkJson(root);
    expect(report).toMatchObject({ failed: 1, cached: 0 });
    expect(report.diagnostics.map((d) => d.ruleId)).toContain('samples/TS2322');
    write('node_modules/shelf/index.d.ts', 'export declare function size(): number;\n');
    expect(checkJson(root).report).toMatchObject({ passed: 1 });
  }, 120_000);

  it('re-checks when a tsconfig the book’s tsconfig extends changes', () => {
    write('tsconfig.base.json', JSON.stringify({ compilerOptions: { noUnusedLocals: true } }));
    const { report } = checkJson(root);
    expect(report).toMatchObject({ failed: 1, cached: 0 });
    expect(report.diagnostics.map((d) => d.ruleId)).toContain('samples/TS6133');
  }, 120_000);
});
