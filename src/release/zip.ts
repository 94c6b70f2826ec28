import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { unzipSync, type Zippable, zipSync } from 'fflate';

/**
 * A deterministic zip of a folder: entries sorted, every timestamp set to the release date, so the same
 * HTML book always gives the same bytes (and the same sha256).
 */
export async function zipFolder(dir: string, prefix: string, date: string): Promise<Uint8Array> {
  const files = await listFiles(dir);
  const mtime = new Date(`${date}T12:00:00Z`);
  const entries: Zippable = {};
  for (const rel of files.sort()) {
    const data = await readFile(path.join(dir, ...rel.split('/')));
    // Fonts and images are already compressed: store them.
    const level = /\.(woff2?|png|jpe?g|gif|webp|zip|pdf)$/i.test(rel) ? 0 : 6;
    entries[`${prefix}/${rel}`] = [new Uint8Array(data), { mtime, level }];
  }
  return zipSync(entries, { mtime });
}

async function listFiles(dir: string, base = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, base), { withFileTypes: true })) {
    const rel = base ? `${base}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/** The files of a zip made by `zipFolder`, with the top folder removed. Paths escaping the folder are rejected. */
export function unzipBook(bytes: Uint8Array): Map<string, Uint8Array> {
  const entries = unzipSync(bytes);
  const out = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(entries)) {
    if (name.endsWith('/')) continue;
    const rel = name.split('/').slice(1).join('/');
    if (!rel || rel.split('/').some((p) => p === '..' || p === '') || path.isAbsolute(rel)) continue;
    out.set(rel, data);
  }
  return out;
}
