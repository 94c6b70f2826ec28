import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Book } from '../book/model.js';
import type { BookVersion } from '../render/renderer.js';
import { readIndex, releasesDir, type ReleaseRecord } from './history/format.js';

/**
 * The version a build prints in the book (footer, title page, PDF colophon), from the release history:
 * `1.2.0` when the manuscript is exactly the latest release, `1.2.0 + unreleased changes` when it differs,
 * `unreleased` before the first release. Cheap: reads only the index and the latest release.json.
 */
export async function bookVersionFromHistory(book: Book, today: string): Promise<BookVersion> {
  const index = await readIndex(book.root);
  const latest = index?.releases?.[index.releases.length - 1];
  if (!latest) return { label: 'unreleased', date: today, unreleasedChanges: true };
  let contentHash: string | undefined;
  try {
    const record = JSON.parse(await readFile(path.join(releasesDir(book.root), latest.version, 'release.json'), 'utf8')) as ReleaseRecord;
    contentHash = record.bookContentHash;
  } catch {
    /* a damaged history is reported by release and site generation; the label stays conservative */
  }
  const unreleasedChanges = contentHash !== book.contentHash;
  return {
    label: unreleasedChanges ? `${latest.version} + unreleased changes` : latest.version,
    version: latest.version,
    date: unreleasedChanges ? today : latest.date,
    unreleasedChanges,
  };
}
