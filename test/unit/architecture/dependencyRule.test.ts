import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../../helpers/cli.js';

/** Runs dependency-cruiser with the project's rule set on a tree of files. */
function cruise(cwd: string): Promise<{ code: number; output: string }> {
  const bin = path.join(repoRoot, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, 'src', '--config', path.join(repoRoot, '.dependency-cruiser.cjs')], { cwd }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr });
    });
  });
}

/** A miniature src/ tree with the given modules (path → source). */
function tree(files: Record<string, string>): string {
  const dir = tempDir('evergreen-deps-');
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

// `npm test` runs the rule on the repository itself (`npm run deps`); these show that it can fail.
describe('the pipeline dependency rule', () => {
  it('fails on an upward import (parse importing the driver)', async () => {
    const dir = tree({
      'src/driver/build.ts': 'export const build = 1;\n',
      'src/parse/markdown.ts': "import { build } from '../driver/build.js';\nexport const parsed = build;\n",
    });
    const result = await cruise(dir);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('no-upward-import-from-parse: src/parse/markdown.ts → src/driver/build.ts');
  });

  it('fails on a renderer importing another renderer, and on a cycle', async () => {
    const dir = tree({
      'src/render/html/page.ts': "import { pdf } from '../pdf/print.js';\nexport const page = pdf;\n",
      'src/render/pdf/print.ts': 'export const pdf = 1;\n',
      'src/book/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
      'src/book/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
    });
    const result = await cruise(dir);
    expect(result.output).toContain('no-renderer-imports-another-renderer: src/render/html/page.ts → src/render/pdf/print.ts');
    expect(result.output).toContain('no-circular');
  });

  it('fails on the CLI reaching past the API', async () => {
    const dir = tree({ 'src/cli/main.ts': "import { build } from '../driver/build.js';\nexport const run = build;\n", 'src/driver/build.ts': 'export const build = 1;\n' });
    const result = await cruise(dir);
    expect(result.output).toContain('cli-imports-only-the-api');
  });
});
