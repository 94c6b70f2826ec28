import { existsSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Book } from '../../book/model.js';
import { type Diagnostic, DiagnosticBag } from '../../diagnostics/diagnostic.js';
import type { FormatRegistry } from '../../driver/formatRegistry.js';
import { commitStaging, createStaging, discardStaging } from '../../driver/outputDir.js';
import { copyFonts, loadFonts, loadTheme } from '../../render/theme.js';
import { packageRoot } from '../../util/version.js';
import { artifactPath, crashPoint, type History, openBookHistory } from '../history/index.js';
import { artifactFacts } from './artifacts.js';
import { changesContent } from './changesPage.js';
import { writeRedlines } from './redlines.js';
import { changesPage, diffAllVersions, type SiteVersion } from './diffs.js';
import { atomFeed } from './feed.js';
import { buildManifest, downloadPath } from './manifest.js';
import { landingContent, sitePage, versionsContent } from './pages.js';
import { prepareSigner, writeSignature } from './signing.js';
import { unpackVersionBook } from './versionBooks.js';
import { SharedFileWriter } from './sharedFiles.js';

export { changeSummary, changesFormat } from './changeSummary.js';
export { manifestFormat } from './manifest.js';
export { atomFeed, stableId } from './feed.js';
export { loadSigningKey } from './signing.js';
export { changesPage } from './diffs.js';

/**
 * The reader site, `site/` in the output, made from the release history (a release step: the build of the
 * book's formats never writes it).
 *
 *     index.html                 latest version, downloads (size, sha256), what changed since each version
 *     versions.html              every version with its notes (yanked ones marked)
 *     changes-since-<X>.html     what changed from X directly to the latest, with the notes in between
 *     changes/<X>..<Y>.json      machine-readable change summary for every pair of versions
 *     v/<version>/               each version's HTML book, from its published zip (a file identical to one of
 *                                an earlier version is a hard link to it: stored once)
 *     downloads/                 the published artifacts, byte for byte
 *     feed.xml                   Atom feed, one entry per release
 *     manifest.json (+ .sig, public-key.pem when signing is configured)
 */
export interface SiteOptions {
  book: Book;
  formats: FormatRegistry;
  /** The folder that gets `site/` (the book's dist/). */
  outDir: string;
  /** The history, when the caller has already opened (and verified) it. */
  history?: History;
  cacheDir?: string;
  progress?: (message: string) => void;
}

export interface SiteResult {
  ok: boolean;
  /** The site folder, or undefined for a book without releases. */
  siteDir?: string;
  diagnostics: Diagnostic[];
  stats: Record<string, number>;
}

/** Regenerates `<outDir>/site` from the release history, swapped in atomically; a no-op for a book without releases. */
export async function refreshSite(options: SiteOptions): Promise<SiteResult> {
  const { book } = options;
  const diagnostics = new DiagnosticBag();
  if (!existsSync(path.join(book.root, 'releases'))) return { ok: true, diagnostics: [], stats: {} };
  const history = options.history ?? (await openBookHistory(book, { verifyArtifacts: true }));
  if (history.releases.length === 0) return { ok: true, diagnostics: [], stats: {} };
  options.progress?.('generating the release site');
  const started = performance.now();
  const stagingDir = await createStaging(options.outDir);
  let committed = false;
  try {
    const stats = await writeSite(path.join(stagingDir, 'site'), book, history, options, diagnostics);
    await commitStaging(stagingDir, options.outDir, ['site']);
    committed = true;
    return { ok: !diagnostics.hasErrors(), siteDir: path.join(options.outDir, 'site'), diagnostics: diagnostics.sorted(), stats: { ...stats, ms: performance.now() - started } };
  } finally {
    if (!committed) await discardStaging(stagingDir);
  }
}

async function writeSite(siteDir: string, book: Book, history: History, options: SiteOptions, diagnostics: DiagnosticBag): Promise<Record<string, number>> {
  await mkdir(path.join(siteDir, 'assets'), { recursive: true });
  const facts = artifactFacts(options.formats);
  const releases = history.releases;
  const latest = [...releases].reverse().find((r) => !r.yanked) ?? releases[releases.length - 1];
  const versions: SiteVersion[] = releases.map((release) => ({ release, browsable: release.artifacts.some((a) => facts(a).browsable), changesSince: new Map() }));
  await diffAllVersions(history, versions, latest, siteDir, options.cacheDir);

  const theme = await loadTheme(book.root);
  const themeDir = path.join(packageRoot, 'templates', 'theme');
  await writeFile(path.join(siteDir, 'assets', 'book.css'), theme.files['book.css'] ?? '');
  await writeFile(path.join(siteDir, 'assets', 'book.js'), theme.files['book.js'] ?? '');
  await copyFile(path.join(themeDir, 'site.css'), path.join(siteDir, 'assets', 'site.css'));
  await copyFile(path.join(themeDir, 'update-check.js'), path.join(siteDir, 'assets', 'update-check.js'));
  await copyFile(path.join(themeDir, 'change-markers.js'), path.join(siteDir, 'assets', 'change-markers.js'));
  await writeFile(path.join(siteDir, 'assets', 'fonts.css'), (await loadFonts()).css);
  await copyFonts(path.join(siteDir, 'assets'));
  await writeFile(path.join(siteDir, 'search-data.js'), 'window.EVERGREEN_SEARCH = [];\n');

  // Downloads, byte for byte, and each version's HTML book from its published zip (identical files stored once).
  const shared = new SharedFileWriter();
  for (const v of versions) {
    for (const artifact of v.release.artifacts) {
      const target = path.join(siteDir, ...downloadPath(artifact).split('/'));
      await mkdir(path.dirname(target), { recursive: true });
      await copyFile(artifactPath(history, v.release, artifact), target);
    }
    await unpackVersionBook(siteDir, v, latest, versions, history, facts, shared);
  }

  crashPoint('site-writing');
  const pageContext = { book, template: theme.files['page.html']!, versions, latest, facts };
  const pages = ['index.html', 'versions.html'];
  await writeFile(path.join(siteDir, 'index.html'), sitePage(pageContext, 'index.html', book.config.title, 'site-landing', landingContent(pageContext)));
  await writeFile(path.join(siteDir, 'versions.html'), sitePage(pageContext, 'versions.html', 'All versions', 'site-versions', versionsContent(pageContext)));
  const latestSite = versions.find((v) => v.release === latest)!;
  const latestIndex = releases.indexOf(latest);
  await writeRedlines(history, siteDir, latestSite, latest, book.config.title, options.cacheDir, diagnostics);
  for (const [fromVersion, entry] of latestSite.changesSince) {
    const name = changesPage(fromVersion);
    const fromIndex = releases.findIndex((x) => x.version === fromVersion);
    const between = releases.slice(fromIndex + 1, latestIndex + 1);
    await writeFile(
      path.join(siteDir, name),
      sitePage(pageContext, name, `What changed since ${fromVersion}`, 'site-changes', changesContent(entry.diff, history.get(fromVersion)!, latest, between, entry.redline?.path)),
    );
    pages.push(name);
  }

  // A signed manifest also says when it was signed and when it expires, inside the signed bytes.
  const signer = await prepareSigner(book, diagnostics);
  const manifestText = `${JSON.stringify({ ...buildManifest(book, versions, latest, facts), ...signer?.fields }, null, 2)}\n`;
  await writeFile(path.join(siteDir, 'manifest.json'), manifestText);
  if (signer) await writeSignature(book, signer, manifestText, siteDir, diagnostics);
  const signed = signer !== undefined;
  await writeFile(path.join(siteDir, 'feed.xml'), atomFeed(book, versions, latest, facts));
  return {
    versions: releases.length,
    pages: pages.length,
    sharedFiles: shared.sharedFiles,
    sharedBytes: shared.sharedBytes,
    diffs: versions.reduce((n, v) => n + v.changesSince.size, 0),
    signed: signed ? 1 : 0,
  };
}
