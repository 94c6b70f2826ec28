import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EvergreenError } from '../diagnostics/diagnostic.js';
import { importError } from './model.js';

/** Reads a file the other tool's book must have; its absence is an error saying what is expected. */
export async function readOutlineFile(file: string, hint: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  } catch {
    throw new EvergreenError(`${path.basename(file)} not found`, [importError({ file }, `${path.basename(file)} not found`, hint, 'missing-outline')]);
  }
}

/** A folder relative to the project, as `manuscript:` takes it ('.' for the project itself). */
export function relativeFolder(root: string, folder: string): string {
  return path.relative(root, folder).split(path.sep).join('/') || '.';
}

/** The --title given, else the project folder's name made readable. */
export function titleOrFolder(given: string | undefined, root: string): string {
  if (given) return given;
  const base = path.basename(root).replace(/[-_]+/g, ' ').trim() || 'My Book';
  return base.replace(/\b\w/g, (c) => c.toUpperCase());
}
