import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateBook } from '../../scripts/generate-book.mjs';
import { findBrowser } from '../../src/util/browser.js';
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

  it('does the same on SIGTERM, as a cancelled CI job sends it, and exits 143', async () => {
    const code = await killMidBuild(root, 'SIGTERM');
    expect(code).toBe(143);
    expect(readdirSync(path.join(root, 'dist')).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(existsSync(path.join(root, 'dist', 'html', 'index.html'))).toBe(true);
  });
});

describe('an interrupted PDF build', () => {
  it.skipIf(!findBrowser() || !existsSync('/proc/self/cmdline'))('stops its Chromium and removes the browser profile on Ctrl-C', async () => {
    const root = tempDir();
    generateBook(root, { chapters: 4, words: 4_000, codeBlocks: 10 });
    // A private temp folder, so that the profile this build makes is the only one there; a short name, as
    // Chromium's singleton socket in it must stay within the 108 bytes of a Unix socket path.
    const tmp = tempDir('t-');
    const child = spawn(process.execPath, [cliPath, 'build', '--root', root, '--format', 'pdf', '--no-cache'], { stdio: 'ignore', env: { ...process.env, TMPDIR: tmp } });
    const profiles = () => readdirSync(tmp).filter((f) => f.startsWith(`evergreen-chromium-${child.pid}-`));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && profiles().length === 0) await new Promise((r) => setTimeout(r, 10));
    const [profile] = profiles();
    expect(profile, 'the PDF build never launched Chromium').toBeDefined();
    // Let Chromium start writing into it, so that the removal has something to race with.
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(130);
    // Nothing left in the temp folder: neither the profile nor Chromium's own org.chromium.* files (removed at
    // exit, or a few seconds later by a helper when Ctrl-C came while Chromium was still starting).
    const emptyBy = Date.now() + 8_000;
    while (Date.now() < emptyBy && readdirSync(tmp).length > 0) await new Promise((r) => setTimeout(r, 100));
    expect(readdirSync(tmp)).toEqual([]);
    // No Chromium is left running with that profile.
    await new Promise((r) => setTimeout(r, 200));
    const withProfile = readdirSync('/proc')
      .filter((pid) => /^\d+$/.test(pid))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(profile!);
        } catch {
          return false;
        }
      });
    expect(withProfile).toEqual([]);
  });
});
