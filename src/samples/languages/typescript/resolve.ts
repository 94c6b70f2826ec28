import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { packageRoot } from '../../../util/version.js';

/** Where a TypeScript compiler came from: the book's own dependencies, or the copy Evergreen ships with. */
export type TypeScriptSource = 'book' | 'bundled';

/** A TypeScript package found on disk, described without loading it (loading the compiler takes ~0.4 s). */
export interface TypeScriptPackage {
  /** Folder of the package (contains package.json and lib/). */
  dir: string;
  version: string;
  /** The name it was resolved by: `typescript`, or an npm alias such as `typescript-5.9`. */
  name: string;
  source: TypeScriptSource;
}

/** A version the book asks for that it does not have installed, with the command that installs it. */
export class MissingTypeScriptError extends Error {
  constructor(
    readonly requested: string,
    readonly installCommand: string,
  ) {
    super(`TypeScript ${requested} is not installed in the book project`);
  }
}

function readPackage(dir: string): { name?: string; version?: string } | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
  } catch {
    return undefined;
  }
}

/** Resolves a package name from a folder the way Node does (walking up node_modules), returning its folder. */
function packageDir(from: string, name: string): string | undefined {
  try {
    const manifest = createRequire(path.join(from, 'package.json')).resolve(`${name}/package.json`);
    return path.dirname(manifest);
  } catch {
    return undefined;
  }
}

const bundledDir = (): string | undefined => packageDir(packageRoot, 'typescript');

/**
 * The TypeScript a book is checked with, as vitest, tsd and literate-ts choose theirs: the `typescript`
 * the book project resolves (its own node_modules, or a parent's), else the one Evergreen ships with.
 * With `requested` (a matrix entry such as `5.9`): the npm alias `typescript-5.9` from the book's
 * dependencies (as DefinitelyTyped's tooling installs several versions side by side), or a `typescript`
 * (the book's, then the bundled one) whose version is that one.
 */
export function resolveTypeScriptPackage(root: string, requested?: string): TypeScriptPackage {
  const fromBook = packageDir(root, 'typescript');
  const bundled = bundledDir();
  const describe = (dir: string, name: string): TypeScriptPackage => ({
    dir,
    name,
    version: readPackage(dir)?.version ?? 'unknown',
    source: bundled !== undefined && path.resolve(dir) === path.resolve(bundled) ? 'bundled' : 'book',
  });
  if (requested === undefined) {
    if (fromBook) return describe(fromBook, 'typescript');
    if (bundled) return describe(bundled, 'typescript');
    throw new MissingTypeScriptError('(any)', 'npm install --save-dev typescript');
  }
  const alias = packageDir(root, `typescript-${requested}`);
  if (alias && existsSync(path.join(alias, 'package.json'))) return describe(alias, `typescript-${requested}`);
  for (const dir of [fromBook, bundled]) {
    if (!dir) continue;
    const found = describe(dir, 'typescript');
    if (versionMatches(found.version, requested)) return found;
  }
  throw new MissingTypeScriptError(requested, `npm install --save-dev typescript-${requested}@npm:typescript@~${withMinor(requested)}`);
}

/** `5.9` matches 5.9.x, `5.9.3` only itself, `7` any 7.x. */
export function versionMatches(version: string, requested: string): boolean {
  const have = version.split(/[.-]/);
  return requested.split('.').every((part, i) => have[i] === part);
}

function withMinor(requested: string): string {
  const parts = requested.split('.');
  return parts.length === 1 ? `${parts[0]}.0.0` : parts.length === 2 ? `${requested}.0` : requested;
}

/** Major version as a number (`6.0.3` → 6). */
export function majorOf(version: string): number {
  return Number.parseInt(version, 10);
}

const loaded = new Map<string, unknown>();

/**
 * Loads the compiler with `require`: through `import()` Node first scans the 9 MB CommonJS file for
 * export names (cjs-module-lexer, ~0.35 s), which a check that only needs the object does not want.
 */
export function loadTypeScriptPackage(pkg: TypeScriptPackage): typeof import('typescript') {
  let ts = loaded.get(pkg.dir) as typeof import('typescript') | undefined;
  if (!ts) {
    ts = createRequire(path.join(pkg.dir, 'package.json'))(pkg.dir) as typeof import('typescript');
    loaded.set(pkg.dir, ts);
  }
  return ts;
}
