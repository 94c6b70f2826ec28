import { createHash } from 'node:crypto';
import { link, mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

interface WrittenFile {
  sha1: string;
  ino: number;
  size: number;
  mtimeMs: number;
}

/** What this process last wrote at each output path (only a long-running process, `evergreen dev`, gains). */
const lastWritten = new Map<string, WrittenFile>();

/**
 * Writes a renderer's files into its staging folder. When a file has the same bytes as the one this process
 * wrote for the previous build, and that file is still the committed one (same inode, size and mtime), it is
 * hard-linked instead of written: a rebuild after one edit then writes only what changed.
 */
export class OutputWriter {
  written = 0;
  reused = 0;

  constructor(
    private readonly stagingRoot: string,
    /** Where the staged files will be committed (where the previous build's files are). */
    private readonly finalRoot: string | undefined,
  ) {}

  async write(relPath: string, content: string): Promise<void> {
    const staged = path.join(this.stagingRoot, relPath);
    const final = this.finalRoot ? path.join(this.finalRoot, relPath) : undefined;
    const sha1 = createHash('sha1').update(content).digest('hex');
    const previous = final ? lastWritten.get(final) : undefined;
    if (final && previous?.sha1 === sha1) {
      try {
        const current = await stat(final);
        if (current.ino === previous.ino && current.size === previous.size && current.mtimeMs === previous.mtimeMs) {
          await link(final, staged);
          this.reused++;
          return;
        }
      } catch {
        // Gone or not linkable: write it.
      }
    }
    await mkdir(path.dirname(staged), { recursive: true });
    await writeFile(staged, content);
    this.written++;
    if (final) {
      const written = await stat(staged);
      lastWritten.set(final, { sha1, ino: written.ino, size: written.size, mtimeMs: written.mtimeMs });
    }
  }
}
