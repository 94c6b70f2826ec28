import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Book } from '../book/model.js';
import { sha256 } from '../util/hash.js';
import { evergreenVersion } from '../util/version.js';
import { runnerFingerprint } from './runner/pool.js';
import type { Sample } from './types.js';

/** The TypeScript version, read without loading the compiler (that alone takes ~0.4 s; a warm check must not need it). */
export const typescriptVersion: string = (() => {
  try {
    return (createRequire(import.meta.url)('typescript/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();

/**
 * Loads the compiler with `require`: through `import()` Node first scans the 9 MB CommonJS file for
 * export names (cjs-module-lexer, ~0.35 s), which a check that only needs the object does not want.
 */
export function loadTypeScript(): typeof import('typescript') {
  return createRequire(import.meta.url)('typescript') as typeof import('typescript');
}

const lockfiles = ['package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock', 'bun.lockb'];

/**
 * What every sample of a book shares in its cache key: tool versions, the book's compiler options as
 * written (tsconfig.json or book.yaml), and the lockfile (a package upgrade can change what a sample prints).
 */
export function bookKey(book: Book): string {
  const parts: string[] = [evergreenVersion, typescriptVersion, process.version, runnerFingerprint()];
  const tsconfig = path.join(book.manuscriptDir, 'tsconfig.json');
  parts.push(existsSync(tsconfig) ? readFileSync(tsconfig, 'utf8') : JSON.stringify(book.config.compilerOptions ?? null));
  parts.push(String(existsSync(path.join(book.root, 'node_modules', '@types', 'node'))));
  for (const name of lockfiles) {
    const file = path.join(book.root, name);
    if (existsSync(file)) parts.push(name, sha256(readFileSync(file)));
  }
  return sha256(...parts);
}

/**
 * Content hash of everything that can change a sample's result: its files (for a `continue` sample that
 * includes the code it continues; for `include=` the included file's content), flags and attributes.
 * Positions are not part of it: results are stored relative to the sample, so moving a sample keeps its entry.
 */
export function sampleKey(bookHash: string, sample: Sample): string {
  return sha256(
    bookHash,
    sample.lang,
    JSON.stringify({ check: sample.check, run: sample.run, throws: sample.throws, timeout: sample.timeoutMs, network: sample.network, memory: sample.memoryMb }),
    ...sample.files.flatMap((f) => [f.name, f.text, f.realPath ? 'real' : '']),
    ...(sample.include?.dependencies ?? []).flatMap((d) => [d.path, d.content]),
  );
}
