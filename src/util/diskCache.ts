import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A content-addressed on-disk cache of JSON values. Keys are content hashes, so entries never go stale:
 * a changed input simply has another key. Writes go through a temp file and rename, so a killed process
 * never leaves a truncated entry behind.
 */
export class DiskCache<T> {
  private readonly dir: string;
  private created = false;

  constructor(
    root: string,
    private readonly namespace: string,
  ) {
    this.dir = path.join(root, namespace);
  }

  get(key: string): T | undefined {
    const file = this.file(key);
    const remembered = memory.active(this.namespace) ? memory.get(file) : undefined;
    if (remembered !== undefined) return remembered as T;
    try {
      const value = JSON.parse(readFileSync(file, 'utf8')) as T;
      if (memory.active(this.namespace)) memory.set(file, value);
      return value;
    } catch {
      return undefined;
    }
  }

  set(key: string, value: T): void {
    if (memory.active(this.namespace)) memory.set(this.file(key), value);
    try {
      if (!this.created) {
        mkdirSync(this.dir, { recursive: true });
        this.created = true;
      }
      const target = this.file(key);
      const temp = `${target}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(value));
      renameSync(temp, target);
    } catch {
      // A cache that cannot be written (read-only checkout) only costs speed.
    }
  }

  private file(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }
}

/** Where a book keeps its caches: `<root>/.evergreen/cache` (git-ignored by `evergreen init`). */
export function cacheRoot(bookRoot: string): string {
  return path.join(bookRoot, '.evergreen', 'cache');
}

/**
 * An optional in-memory layer in front of chosen caches, for long-running processes (`evergreen dev`): a
 * rebuild then takes unchanged entries from memory instead of reading and parsing hundreds of JSON files.
 * Off unless turned on. Values are shared, not copied: callers treat cached values as read-only (they do).
 */
class MemoryLayer {
  private prefixes: string[] = [];
  private limit = 0;
  private readonly entries = new Map<string, unknown>();

  enable(namespacePrefixes: string[], limit: number): void {
    this.prefixes = namespacePrefixes;
    this.limit = limit;
  }

  active(namespace: string): boolean {
    return this.prefixes.length > 0 && this.prefixes.some((p) => namespace.startsWith(p));
  }

  get(file: string): unknown {
    const value = this.entries.get(file);
    if (value !== undefined) {
      // Least recently used first out: move to the end.
      this.entries.delete(file);
      this.entries.set(file, value);
    }
    return value;
  }

  set(file: string, value: unknown): void {
    this.entries.delete(file);
    this.entries.set(file, value);
    while (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
  }
}

const memory = new MemoryLayer();

/** Keeps entries of the caches whose namespace starts with one of `namespacePrefixes` in memory as well. */
export function keepCachesInMemory(namespacePrefixes: string[], limit = 10_000): void {
  memory.enable(namespacePrefixes, limit);
}
