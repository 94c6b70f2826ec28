import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { replaceFileDurably } from '../util/durableWrite.js';
import { processAlive } from '../util/processAlive.js';
import { readIndex } from './history/index.js';
import { releasePendingPath } from './pendingMarker.js';

/**
 * A release in progress leaves `.evergreen/release-pending.json` (never committed) from the moment its samples
 * have passed until the site and dist/ are in place. If the process dies in between, the next command finds the
 * marker of a dead process and either finishes the release (it reached the history: the reader site, feed and
 * manifest are regenerated) or says that nothing of it was published, and never moves on silently.
 */
export interface UnfinishedRelease {
  version: string;
  /** The version is in the release history: only the site and dist/ were left unfinished. */
  published: boolean;
  marker: string;
}

export async function markReleasePending(root: string, version: string): Promise<void> {
  await mkdir(path.dirname(releasePendingPath(root)), { recursive: true });
  await replaceFileDurably(releasePendingPath(root), `${JSON.stringify({ version, pid: process.pid, started: new Date().toISOString() })}\n`);
}

export async function clearReleasePending(root: string): Promise<void> {
  await rm(releasePendingPath(root), { force: true });
}

/** The release a dead process left unfinished, if any (a release still running elsewhere is not). */
export async function findUnfinishedRelease(root: string): Promise<UnfinishedRelease | undefined> {
  const marker = releasePendingPath(root);
  if (!existsSync(marker)) return undefined;
  let data: { version?: unknown; pid?: unknown };
  try {
    data = JSON.parse(await readFile(marker, 'utf8'));
  } catch {
    data = {};
  }
  const pid = typeof data.pid === 'number' ? data.pid : 0;
  if (pid === process.pid || (pid > 0 && processAlive(pid))) return undefined;
  const version = typeof data.version === 'string' ? data.version : '';
  const index = await readIndex(root);
  return { version, published: index?.releases.some((r) => r.version === version) ?? false, marker };
}

/** What the next command tells the author about it. */
export function unfinishedMessage(unfinished: UnfinishedRelease): string {
  return unfinished.published
    ? `The release of ${unfinished.version} was interrupted after it was recorded in releases/; finished it: the reader site, feed and manifest were regenerated.`
    : `The release of ${unfinished.version || 'a version'} was interrupted before it was recorded; nothing of it was published (releases/ is unchanged).`;
}

export function unfinishedDiagnostic(unfinished: UnfinishedRelease): Diagnostic {
  return { severity: 'info', file: unfinished.marker, message: unfinishedMessage(unfinished), ruleId: 'release/finished-interrupted' };
}
