import path from 'node:path';
import type { Book } from '../book/model.js';

/**
 * What `evergreen dev` watches beyond manuscript/ and templates/: the book's tsconfig, and every file a
 * sample includes (`include=path#region`, relative to the project folder) or an mdBook `{{#include}}`
 * reads (relative to its chapter), which may live anywhere.
 */
export function fixedWatchPaths(root: string): string[] {
  return [path.join(root, 'manuscript'), path.join(root, 'templates'), path.join(root, 'tsconfig.json')];
}

/**
 * Whether a path inside the project is one of the watched sources (or a folder on the way to one). A
 * `manuscript:` folder other than manuscript/ (an imported book's `src/` or `.`) is a source too, but
 * never the build's own output in dist/.
 */
export function isBookSource(root: string, file: string, manuscriptDir?: string): boolean {
  const inside = (dir: string) => file === dir || file.startsWith(dir + path.sep);
  if (fixedWatchPaths(root).some(inside)) return true;
  return manuscriptDir !== undefined && inside(manuscriptDir) && !inside(path.join(root, 'dist'));
}

const includeAttribute = /^[ \t>]*(?:`{3,}|~{3,})[^\n]*?\binclude=(?:"([^"]*)"|'([^']*)'|([^\s#]+))/gm;

/** Files included by samples and by mdBook's `{{#include}}`, per chapter (absolute paths, without `#region`). */
export function includedFiles(book: Book): Map<string, string[]> {
  const byChapter = new Map<string, string[]>();
  for (const chapter of book.chapters) {
    const files: string[] = [...(chapter.includedFiles ?? [])];
    for (const match of chapter.source.matchAll(includeAttribute)) {
      const value = (match[1] ?? match[2] ?? match[3] ?? '').split('#')[0];
      if (value) files.push(path.resolve(book.root, value));
    }
    if (files.length > 0) byChapter.set(chapter.path, files);
  }
  return byChapter;
}

/** Paths outside the watched folders that must be watched too. */
export function extraWatchPaths(book: Book, themeSources: string[] = []): string[] {
  const inside = fixedWatchPaths(book.root);
  const extra = new Set<string>();
  for (const files of includedFiles(book).values()) for (const f of files) extra.add(f);
  for (const f of themeSources) extra.add(f);
  return [...extra].filter((f) => !inside.some((dir) => f === dir || f.startsWith(dir + path.sep))).sort();
}
