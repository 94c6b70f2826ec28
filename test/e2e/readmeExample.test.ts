import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli, tempDir } from '../helpers/cli.js';

/** The README's library example, run as written against a book made by `evergreen init`. */
function readmeExample(): string {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Using it as a library'));
  const match = /```js\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README.md has no ```js example under "Using it as a library"');
  return match[1];
}

describe('the README', () => {
  it('shows a library example that works as written', async () => {
    const dir = tempDir('evergreen-readme-');
    const init = await runCli(['init', 'my-book', '--title', 'Library Example'], { cwd: dir });
    expect(init.code, init.stderr).toBe(0);
    mkdirSync(path.join(dir, 'node_modules'));
    symlinkSync(repoRoot, path.join(dir, 'node_modules', 'evergreen-book'), 'dir');
    writeFileSync(path.join(dir, 'example.mjs'), readmeExample());
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['example.mjs'], { cwd: dir, timeout: 120_000 }, (error, out, err) => resolve({ code: error ? 1 : 0, stdout: out, stderr: err }));
    });
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^[1-9]\d* samples passed, 0 failed\nbuilt 1 outputs\n$/);
    expect(readFileSync(path.join(dir, 'my-book', 'dist', 'html', 'index.html'), 'utf8')).toContain('Library Example');
  });
});
