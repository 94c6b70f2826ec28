import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { escapeHtml } from '../../render/theme.js';
import { artifactPath, type History, type PublishedRelease } from '../history/index.js';
import { unzipBook } from '../zip.js';
import type { ArtifactFacts } from './artifacts.js';
import { type ChangeMarker, lastChangedMarkers } from './changeMarkers.js';
import { changesPage, type SiteVersion } from './diffs.js';
import type { SharedFileWriter } from './sharedFiles.js';

/**
 * Unpacks a version's published HTML book into `v/<version>/`. Published zips are immutable, so what the
 * site adds (its stylesheet, the update check, a "newer version" banner, "updated in X" markers) is
 * inserted at fixed points of the page our own template wrote: after `<main …>` and after a heading.
 */
export async function unpackVersionBook(
  siteDir: string,
  v: SiteVersion,
  latest: PublishedRelease,
  versions: SiteVersion[],
  history: History,
  facts: (a: PublishedRelease['artifacts'][number]) => ArtifactFacts,
  files: SharedFileWriter,
): Promise<void> {
  const book = v.release.artifacts.find((a) => facts(a).browsable);
  if (!book) return;
  const unpacked = unzipBook(await readFile(artifactPath(history, v.release, book)));
  const dir = path.join(siteDir, 'v', v.release.version);
  const isLatest = v.release === latest;
  const older = versions.indexOf(v) < versions.findIndex((x) => x.release === latest);
  const previousVersion = isLatest ? history.releases[history.releases.indexOf(latest) - 1]?.version : undefined;
  const markers = isLatest && previousVersion ? lastChangedMarkers(versions, latest) : new Map<string, ChangeMarker[]>();
  // The reader's "my version" choice (or ?since=X) shows every marker since then; the list of versions is on the tag.
  const published = versions.filter((x) => !x.release.yanked).map((x) => x.release.version);
  for (const [name, data] of unpacked) {
    const target = path.join(dir, ...name.split('/'));
    if (!name.endsWith('.html')) {
      await files.write(target, data);
      continue;
    }
    const up = '../'.repeat(name.split('/').length + 1);
    let html = Buffer.from(data).toString('utf8');
    const markerScript =
      isLatest && previousVersion
        ? `<script src="${up}assets/change-markers.js" data-version="${v.release.version}" data-site="${up}" data-versions="${escapeHtml(JSON.stringify(published))}" defer></script>\n`
        : '';
    const head = `<link rel="stylesheet" href="${up}assets/site.css">\n<script src="${up}assets/update-check.js" data-version="${v.release.version}" data-site="${up}" defer></script>\n${markerScript}`;
    html = html.replace('</head>', `${head}</head>`);
    if (older) {
      const banner =
        `<div class="evergreen-newer" role="note" data-newer="${latest.version}">You are reading version ${v.release.version}${v.release.yanked ? ' (withdrawn)' : ''}. ` +
        `A newer version, <a href="${up}v/${latest.version}/index.html">${latest.version}</a> (${latest.date}), is available: ` +
        `<a href="${up}${changesPage(v.release.version)}">what changed since ${v.release.version}</a>.</div>`;
      html = insertAtContentStart(html, banner);
    } else if (v.release.yanked) {
      html = insertAtContentStart(html, `<div class="evergreen-newer" role="note">Version ${v.release.version} was withdrawn: ${escapeHtml(v.release.yanked.reason)}</div>`);
    }
    for (const m of markers.get(name) ?? []) {
      // Markers of earlier releases are there but hidden until the reader says they have an older version.
      const link = `${up}${changesPage(m.since)}#${m.anchor}`;
      const attributes = `class="evergreen-updated" data-changed-in="${escapeHtml(m.version)}" data-anchor="${escapeHtml(m.anchor)}"${m.version === latest.version ? '' : ' hidden'}`;
      html = insertAfterHeading(html, m.id, `<p ${attributes}><a href="${link}">${escapeHtml(m.label)}</a></p>`);
    }
    await files.write(target, html);
  }
}

function insertAtContentStart(html: string, fragment: string): string {
  const re = /<main\b[^>]*>/;
  return re.test(html) ? html.replace(re, (m) => `${m}\n${fragment}`) : html.replace(/<body\b[^>]*>/, (m) => `${m}\n${fragment}`);
}

/** Inserts after the heading with this id (or after the page's h1 for ''). */
function insertAfterHeading(html: string, id: string, fragment: string): string {
  const re = id ? new RegExp(`<h([1-6])\\b[^>]*\\bid="${escapeRegExp(escapeHtml(id))}"[^>]*>[\\s\\S]*?</h\\1>`) : /<h1\b[^>]*>[\s\S]*?<\/h1>/;
  const match = re.exec(html);
  if (!match) return html;
  const end = match.index + match[0].length;
  return html.slice(0, end) + fragment + html.slice(end);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
