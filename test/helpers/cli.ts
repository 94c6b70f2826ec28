import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliPath = path.join(repoRoot, 'bin', 'evergreen.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `evergreen` CLI (compiled lib/, as users run it) with colours off. */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliPath, ...args],
      { cwd: options.cwd ?? repoRoot, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env }, timeout: options.timeout ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error && typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : error ? 1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export function tempDir(prefix = 'evergreen-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Copies a fixture book into a fresh temp folder (tests never write into the repository). */
export function copyFixture(name: string): string {
  const dir = tempDir();
  cpSync(path.join(repoRoot, 'test', 'fixtures', name), dir, { recursive: true });
  return dir;
}

/** Writes a book from a map of relative paths to contents. */
export function writeBook(files: Record<string, string | Uint8Array>): string {
  const dir = tempDir();
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return dir;
}
