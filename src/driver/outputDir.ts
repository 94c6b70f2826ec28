import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Output is written into a private staging folder and moved into place only when a whole build has
 * succeeded, so a failed, crashed or interrupted build never leaves a half-written dist/.
 */
const activeStaging = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous; this also runs after SIGINT once the CLI calls process.exit.
  process.on('exit', () => {
    for (const dir of activeStaging) rmSync(dir, { recursive: true, force: true });
  });
}

export async function createStaging(outDir: string): Promise<string> {
  installExitHook();
  await mkdir(outDir, { recursive: true });
  recoverInterrupted(outDir);
  const dir = path.join(outDir, `.staging-${randomBytes(4).toString('hex')}`);
  await mkdir(dir);
  activeStaging.add(dir);
  return dir;
}

/**
 * Moves each staged output (`html`, `book.pdf`…) over the previous one. Each swap is two renames on the
 * same file system; the old copy is parked beside it and removed only after the new one is in place.
 */
export async function commitStaging(stagingDir: string, outDir: string, outputs: string[]): Promise<void> {
  for (const name of outputs) {
    const target = path.join(outDir, name);
    const parked = path.join(outDir, `.old-${randomBytes(4).toString('hex')}-${name}`);
    const hadPrevious = existsSync(target);
    if (hadPrevious) await rename(target, parked);
    await mkdir(path.dirname(target), { recursive: true });
    await rename(path.join(stagingDir, name), target);
    if (hadPrevious) await rm(parked, { recursive: true, force: true });
  }
  await discardStaging(stagingDir);
}

export async function discardStaging(stagingDir: string): Promise<void> {
  await rm(stagingDir, { recursive: true, force: true });
  activeStaging.delete(stagingDir);
}

/** After a kill between the two renames of a swap, put the parked previous output back. */
function recoverInterrupted(outDir: string): void {
  for (const entry of readdirSync(outDir)) {
    const parked = /^\.old-[0-9a-f]{8}-(.+)$/.exec(entry);
    if (parked) {
      const target = path.join(outDir, parked[1]);
      if (!existsSync(target)) {
        try {
          // Synchronous on purpose: this runs before any new output is staged.
          renameSync(path.join(outDir, entry), target);
          continue;
        } catch {
          /* fall through to removal */
        }
      }
      rmSync(path.join(outDir, entry), { recursive: true, force: true });
    } else if (entry.startsWith('.staging-')) {
      rmSync(path.join(outDir, entry), { recursive: true, force: true });
    }
  }
}
