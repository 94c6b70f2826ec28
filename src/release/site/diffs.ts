import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DiskCache } from '../../util/diskCache.js';
import { sha256Bytes } from '../../util/hash.js';
import { toolchainFingerprint } from '../../util/version.js';
import { type BookDiff, diffSnapshots, releaseSide } from '../diff.js';
import type { History, PublishedRelease } from '../history/index.js';
import { changeSummary } from './changeSummary.js';

export interface SiteVersion {
  release: PublishedRelease;
  /** The version's HTML book is on the site (it was published with a browsable artifact). */
  browsable: boolean;
  /** Against every earlier version: the change summary file, its sha256, the page (latest only) and the diff. */
  changesSince: Map<string, { summary: string; sha256: string; page?: string; diff: BookDiff; redline?: { path: string; sha256: string } }>;
}

export function changesPage(fromVersion: string): string {
  return `changes-since-${fromVersion}.html`;
}

/**
 * Direct diffs from every earlier version to every later one (never chained, so "since 1.0" is exact),
 * cached by the snapshots' hashes; each pair's change summary is written to `changes/<X>..<Y>.json`.
 */
export async function diffAllVersions(history: History, versions: SiteVersion[], latest: PublishedRelease, siteDir: string, cacheDir: string | undefined): Promise<void> {
  const cache = cacheDir ? new DiskCache<BookDiff>(cacheDir, 'release-diffs') : undefined;
  const releases = history.releases;
  await mkdir(path.join(siteDir, 'changes'), { recursive: true });
  for (let j = 0; j < releases.length; j++) {
    for (let i = 0; i < j; i++) {
      const from = releases[i];
      const to = releases[j];
      const key = sha256Bytes(['site-diff', toolchainFingerprint(), snapshotHash(from), snapshotHash(to), ...compilersOf(from), '|', ...compilersOf(to)].join('\0'));
      let diff = cache?.get(key);
      if (!diff) {
        diff = diffSnapshots(releaseSide(from), releaseSide(to), history.store);
        cache?.set(key, diff);
      }
      const summaryPath = `changes/${from.version}..${to.version}.json`;
      const summaryText = `${JSON.stringify(changeSummary(diff), null, 2)}\n`;
      await writeFile(path.join(siteDir, summaryPath), summaryText);
      versions[j].changesSince.set(from.version, { summary: summaryPath, sha256: sha256Bytes(summaryText), page: to === latest ? changesPage(from.version) : undefined, diff });
    }
  }
}

/** The TypeScript versions a diff tells output changes by (part of the cached diff's key). */
function compilersOf(release: PublishedRelease): string[] {
  return releaseSide(release).typescript ?? [];
}

function snapshotHash(release: PublishedRelease): string {
  return release.files.find((f) => f.path === 'snapshot.json')?.sha256 ?? sha256Bytes(JSON.stringify(release.snapshot));
}
