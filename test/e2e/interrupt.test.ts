import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateBook } from '../../scripts/generate-book.mjs';
import { cliPath, runCli, tempDir } from '../helpers/cli.js';

/** Starts a build and kills it with `signal` as soon as it has begun writing its staging folder. */
async function killMidBuild(root: string, signal: NodeJS.Signals): Promise<number | null> {
  const child = spawn(process.execPath, [cliPath, 'build', '--root', root, '--format', 'html', '--no-cache'], { stdio: 'ignore' });
  const dist = path.join(root, 'dist');
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (existsSync(dist) && readdirSync(dist).some((f) => f.startsWith('.staging-'))) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill(signal);
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

describe('an interrupted build', () => {
  const root = tempDir();
  generateBook(root, { chapters: 12, words: 30_000, codeBlocks: 200 });

  it('leaves the previous output intact when killed, and cleans up on the next build', async () => {
    expect((await runCli(['build', '--root', root, '--format', 'html'])).code).toBe(0);
    const page = path.join(root, 'dist', 'html', 'ch3.html');
    const before = readFileSync(page, 'utf8');
    const chapter = path.join(root, 'manuscript', 'chapter-03.md');
    writeFileSync(chapter, `${readFileSync(chapter, 'utf8')}\nA new paragraph that must not appear yet.\n`);

    await killMidBuild(root, 'SIGKILL');
    expect(readFileSync(page, 'utf8')).toBe(before);
    expect(readdirSync(path.join(root, 'dist', 'html')).length).toBeGreaterThan(10);

    const rebuilt = await runCli(['build', '--root', root, '--format', 'html']);
    expect(rebuilt.code).toBe(0);
    expect(readFileSync(page, 'utf8')).toContain('A new paragraph that must not appear yet.');
    expect(readdirSync(path.join(root, 'dist')).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('removes its staging folder itself on Ctrl-C (SIGINT) and exits 130', async () => {
    const code = await killMidBuild(root, 'SIGINT');
    expect(code).toBe(130);
    expect(readdirSync(path.join(root, 'dist')).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(existsSync(path.join(root, 'dist', 'html', 'index.html'))).toBe(true);
  });
});
