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

  constructor(root: string, namespace: string) {
    this.dir = path.join(root, namespace);
  }

  get(key: string): T | undefined {
    try {
      return JSON.parse(readFileSync(this.file(key), 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  set(key: string, value: T): void {
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
