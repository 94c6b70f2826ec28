import path from 'node:path';
import type { Book } from '../../book/model.js';
import type { ArtifactRecord, PublishedRelease } from '../history/index.js';
import type { ArtifactFacts } from './artifacts.js';
import type { SiteVersion } from './diffs.js';

export const manifestFormat = 'evergreen-manifest/1';

/** `manifest.json`: what `evergreen get` reads (and what the signature covers). */
export function buildManifest(book: Book, versions: SiteVersion[], latest: PublishedRelease, facts: (a: ArtifactRecord) => ArtifactFacts) {
  return {
    format: manifestFormat,
    book: { title: book.config.title, slug: book.config.slug, language: book.config.language, ...(book.config.url ? { url: book.config.url } : {}) },
    latest: latest.version,
    updated: latest.date,
    // Grows with every release and every yank (the history is append-only), so a reader's tool can refuse
    // an older manifest even when a yank made the newest version older.
    serial: versions.length + versions.filter((v) => v.release.yanked).length,
    feed: 'feed.xml',
    versions: [...versions].reverse().map((v) => ({
      version: v.release.version,
      date: v.release.date,
      notes: v.release.notes,
      ...(v.release.yanked ? { yanked: { reason: v.release.yanked.reason, date: v.release.yanked.date } } : {}),
      ...(v.browsable ? { read: `v/${v.release.version}/index.html` } : {}),
      artifacts: v.release.artifacts.map((a) => {
        const f = facts(a);
        return {
          kind: a.kind,
          label: f.label,
          mediaType: f.mediaType,
          path: downloadPath(a),
          size: a.size,
          sha256: a.sha256,
          download: f.downloadByDefault ? 'default' : 'optional',
        };
      }),
      changesSince: Object.fromEntries(
        [...v.changesSince].map(([from, e]) => [from, { summary: e.summary, sha256: e.sha256, ...(e.page ? { page: e.page } : {}), ...(e.redline ? { redline: e.redline } : {}) }]),
      ),
    })),
  };
}

/** Where an artifact is served on the site. */
export function downloadPath(artifact: ArtifactRecord): string {
  return `downloads/${path.posix.basename(artifact.path)}`;
}
