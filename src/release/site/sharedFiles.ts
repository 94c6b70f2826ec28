import { link, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256Bytes } from '../../util/hash.js';

/**
 * Writes the site's per-version files so that identical bytes are stored once: the second file with the same
 * sha256 is a hard link to the first (each version keeps its own path, so every link and every sha256 in the
 * manifest stays as it was). Most of an unchanged version's pages, images and fonts are shared this way.
 * Where links are not possible (another file system, Windows without support) the file is written again.
 */
export class SharedFileWriter {
  private readonly byHash = new Map<string, string>();
  /** Bytes not written again because an identical file was linked. */
  sharedBytes = 0;
  sharedFiles = 0;

  async write(target: string, data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    await mkdir(path.dirname(target), { recursive: true });
    const hash = sha256Bytes(bytes);
    const first = this.byHash.get(hash);
    if (first) {
      try {
        await link(first, target);
        this.sharedBytes += bytes.length;
        this.sharedFiles++;
        return;
      } catch {
        /* fall through: write a copy */
      }
    } else {
      this.byHash.set(hash, target);
    }
    await writeFile(target, bytes);
  }
}
