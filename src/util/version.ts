import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The package root (contains package.json and templates/), whether running from lib/ or src/. */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Evergreen's own version: part of every cache key, so an upgrade never serves stale output. */
export const evergreenVersion: string = (JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

let fingerprint: string | undefined;

/**
 * Identifies this exact toolchain in cache keys: the version, plus the compiled code and default theme
 * (so a locally rebuilt Evergreen never serves output cached by the previous build of itself).
 */
export function toolchainFingerprint(): string {
  if (fingerprint) return fingerprint;
  const hash = createHash('sha256').update(evergreenVersion);
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(js|html|css)$/.test(entry.name)) {
        const stat = statSync(full);
        hash.update(`${full}:${stat.size}:${stat.mtimeMs}\n`);
      }
    }
  };
  walk(path.join(packageRoot, 'lib'));
  walk(path.join(packageRoot, 'templates', 'theme'));
  fingerprint = hash.digest('hex').slice(0, 16);
  return fingerprint;
}
