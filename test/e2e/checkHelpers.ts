import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(repoRoot, 'bin', 'evergreen.js');

/** Copies a sample fixture book into a fresh temp folder (tests may write into it) and adds a tiny npm package. */
export function copyFixture(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `evergreen-check-${name.replace(/[\\/]/g, '-')}-`));
  cpSync(path.join(repoRoot, 'test', 'fixtures', 'samples', name), dir, { recursive: true });
  const pkg = path.join(dir, 'node_modules', 'tiny-greet');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(
    path.join(pkg, 'package.json'),
    JSON.stringify({ name: 'tiny-greet', version: '1.0.0', type: 'module', exports: { '.': { types: './index.d.ts', import: './index.js' } } }),
  );
  writeFileSync(path.join(pkg, 'index.js'), 'export function greet(name) { return `Hello, ${name}!`; }\n');
  writeFileSync(path.join(pkg, 'index.d.ts'), 'export declare function greet(name: string): string;\n');
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'fixture-book', private: true, dependencies: { 'tiny-greet': '1.0.0' } }));
  return dir;
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (compiled by `pretest`). */
export function evergreen(args: string[], env: Record<string, string> = {}, cwd?: string): CliRun {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface JsonReport {
  passed: number;
  failed: number;
  skipped: number;
  cached: number;
  compilers?: { name: string; version: string; source: string }[];
  samples: {
    name: string;
    file: string;
    status: string;
    line: number;
    cached: boolean;
    actualOutput?: string;
    typeCheckedOnly?: string;
    versions?: { version: string; status: string }[];
    diagnostics: { line?: number; column?: number; message: string; ruleId?: string; severity: string }[];
  }[];
  diagnostics: { file: string; line?: number; column?: number; message: string; ruleId?: string; severity: string; details?: string }[];
}

export function checkJson(root: string, extra: string[] = [], env: Record<string, string> = {}): { run: CliRun; report: JsonReport } {
  const run = evergreen(['check', '--root', root, '--reporter', 'json', ...extra], env);
  let report: JsonReport;
  try {
    report = JSON.parse(run.stdout) as JsonReport;
  } catch {
    throw new Error(`check did not print JSON (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
  return { run, report };
}
