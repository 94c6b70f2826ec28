import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Book } from '../book/model.js';
import { sha256 } from '../util/hash.js';
import { cacheRoot, DiskCache } from '../util/diskCache.js';
import { evergreenVersion, toolchainFingerprint } from '../util/version.js';
import type { CompilerIdentity } from './languages/language.js';
import { runnerFingerprint } from './runner/pool.js';
import type { Sample } from './types.js';

const lockfiles = ['package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock', 'bun.lockb'];

/**
 * What every sample of a book shares in its cache key: tool versions, the book's compiler options as
 * written (tsconfig.json or book.yaml), and the lockfile (a package upgrade can change what a sample prints).
 */
export function bookKey(book: Book): string {
  const parts: string[] = [evergreenVersion, process.version, runnerFingerprint()];
  const tsconfig = path.join(book.manuscriptDir, 'tsconfig.json');
  parts.push(existsSync(tsconfig) ? readFileSync(tsconfig, 'utf8') : JSON.stringify(book.config.compilerOptions ?? null));
  parts.push(String(existsSync(path.join(book.root, 'node_modules', '@types', 'node'))));
  parts.push(JSON.stringify([book.config.samples, book.config.run]));
  for (const name of lockfiles) {
    const file = path.join(book.root, name);
    if (existsSync(file)) parts.push(name, sha256(readFileSync(file)));
  }
  return sha256(...parts);
}

/** The files a language's compiler read last time (tsconfig `extends`, packages), by language and compiler. */
function readFilesCache(book: Book): DiskCache<string[]> {
  return new DiskCache<string[]>(cacheRoot(book.root), `samples-read-${toolchainFingerprint()}`);
}

/** Size and modification time of each file (a missing file counts as a change too). */
function filesSignature(files: readonly string[]): string {
  return sha256(
    ...files.map((file) => {
      try {
        const stat = statSync(file);
        return `${file}:${stat.size}:${stat.mtimeMs}`;
      } catch {
        return `${file}:missing`;
      }
    }),
  );
}

/**
 * The key shared by one language's samples checked with one compiler: the book's key, the compiler's
 * identity, and what that compiler actually read last time (a tsconfig that the book's `extends`, a
 * package's declarations changed under node_modules without a lockfile change): keyed on what
 * TypeScript read, not on what Evergreen guesses it reads.
 */
export class LanguageKey {
  private readonly base: string;
  private files: string[];
  value: string;

  constructor(
    private readonly book: Book,
    bookHash: string,
    language: string,
    compiler: CompilerIdentity,
  ) {
    this.base = sha256(bookHash, language, compiler.name, compiler.version, compiler.source);
    this.files = readFilesCache(book).get(this.base) ?? [];
    this.value = sha256(this.base, filesSignature(this.files));
  }

  /** After a type-check: remembers what the compiler read; returns true when the key changed. */
  update(files: readonly string[]): boolean {
    const merged = [...new Set([...this.files, ...files])].sort();
    if (merged.length === this.files.length) return false;
    this.files = merged;
    readFilesCache(this.book).set(this.base, merged);
    const next = sha256(this.base, filesSignature(merged));
    const changed = next !== this.value;
    this.value = next;
    return changed;
  }
}

/**
 * Content hash of everything that can change a sample's result: its files (for a `continue` sample that
 * includes the code it continues; for `include=` the included file's content), flags and attributes.
 * Positions are not part of it: results are stored relative to the sample, so moving a sample keeps its entry.
 */
export function sampleKey(languageHash: string, sample: Sample): string {
  return sha256(
    languageHash,
    sample.lang,
    JSON.stringify({
      check: sample.check,
      run: sample.run,
      throws: sample.throws,
      timeout: sample.timeoutMs,
      illustrative: sample.output?.illustrative ?? false,
      network: sample.network,
      memory: sample.memoryMb,
    }),
    ...sample.files.flatMap((f) => [f.name, f.text, f.realPath ? 'real' : '']),
    ...(sample.include?.dependencies ?? []).flatMap((d) => [d.path, d.content]),
  );
}
