import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DiagnosticBag } from '../../diagnostics/diagnostic.js';
import { findBrowser } from '../../util/browser.js';
import { sha256Bytes } from '../../util/hash.js';
import { toolchainFingerprint } from '../../util/version.js';
import type { History, PublishedRelease } from '../history/index.js';
import type { SiteVersion } from './diffs.js';

export function redlinePath(fromVersion: string): string {
  return `changes/since-${fromVersion}.pdf`;
}

/**
 * For a book that publishes a PDF, the site also offers print readers a redline PDF of each "what changed
 * since X" (`changes/since-X.pdf`), made from the stored snapshots' diff, never stored in the history. They
 * are cached by the change summary they show, so an unchanged history costs no browser run.
 */
export async function writeRedlines(
  history: History,
  siteDir: string,
  latestSite: SiteVersion,
  latest: PublishedRelease,
  title: string,
  cacheDir: string | undefined,
  diagnostics: DiagnosticBag,
): Promise<void> {
  if (!latest.artifacts.some((a) => a.kind === 'pdf') || latestSite.changesSince.size === 0) return;
  if (!findBrowser()) {
    diagnostics.warn('releases', 'No Chromium found: the site has no redline PDFs of the changes this time (install chromium to get them back)', { ruleId: 'site/no-redline' });
    return;
  }
  const { redlinePdf } = await import('../redline.js');
  const { releasePages } = await import('../bookPages.js');
  // Read from the latest book PDF only when some redline is not cached.
  let pages: ReturnType<typeof releasePages> | undefined;
  const bookPdf = latest.artifacts.find((a) => a.kind === 'pdf')?.sha256 ?? '';
  for (const [fromVersion, entry] of latestSite.changesSince) {
    const rel = redlinePath(fromVersion);
    const target = path.join(siteDir, ...rel.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    const cached = cacheDir
      ? path.join(cacheDir, 'redlines', `${sha256Bytes(['redline', toolchainFingerprint(), title, entry.sha256, bookPdf].join('\0')).slice(0, 32)}.pdf`)
      : undefined;
    if (cached && existsSync(cached)) await copyFile(cached, target);
    else {
      pages ??= releasePages(history, latest, latest.version);
      await redlinePdf(entry.diff, { title, file: target, ...(await pages) });
      if (cached) {
        await mkdir(path.dirname(cached), { recursive: true });
        await copyFile(target, cached);
      }
    }
    entry.redline = { path: rel, sha256: sha256Bytes(await readFile(target)) };
  }
}
