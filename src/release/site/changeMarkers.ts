import type { PublishedRelease } from '../history/index.js';
import { changedForReaders } from '../releaseMarks.js';
import { anchorFor } from './changesPage.js';
import type { SiteVersion } from './diffs.js';

/** A marker under a heading of the latest version's page: the version the section last changed in. */
export interface ChangeMarker {
  /** Heading id ('' for the chapter's title heading). */
  id: string;
  version: string;
  /** The release before `version`: its changes page shows this section's change. */
  since: string;
  label: string;
  anchor: string;
}

/**
 * Each section of the latest version knows the release in which it last changed: walking the history one
 * release at a time, a section's entry is set whenever a release added it, rewrote it or renamed it (typo
 * corrections and pure moves do not count). Renamed sections carry their history under their new id.
 */
export function lastChangedMarkers(versions: SiteVersion[], latest: PublishedRelease): Map<string, ChangeMarker[]> {
  const ordered = versions.filter((v) => !v.release.yanked || v.release === latest);
  const last = new Map<string, { version: string; since: string; isNew: boolean }>();
  for (let k = 1; k < ordered.length && ordered[k - 1].release !== latest; k++) {
    const from = ordered[k - 1].release.version;
    const to = ordered[k].release.version;
    const diff = ordered[k].changesSince.get(from)?.diff;
    if (!diff) continue;
    for (const c of diff.chapters) {
      if (c.status === 'removed') continue;
      if (c.status === 'added') last.set(`${c.key}#`, { version: to, since: from, isNew: true });
      for (const s of c.sections) {
        if (s.status === 'removed') continue;
        if (s.oldId !== undefined && last.has(`${c.key}#${s.oldId}`)) last.set(`${c.key}#${s.id}`, last.get(`${c.key}#${s.oldId}`)!);
        if (changedForReaders(c, s)) last.set(`${c.key}#${s.id}`, { version: to, since: from, isNew: s.status === 'added' });
      }
    }
  }
  const markers = new Map<string, ChangeMarker[]>();
  for (const chapter of latest.snapshot.chapters) {
    const list: ChangeMarker[] = [];
    const whole = last.get(`${chapter.key}#`);
    if (whole) list.push({ id: '', version: whole.version, since: whole.since, label: `New in ${whole.version}`, anchor: anchorFor(chapter.key) });
    for (const s of chapter.sections) {
      const entry = last.get(`${chapter.key}#${s.id}`);
      if (!entry || (whole && entry.version === whole.version)) continue;
      list.push({ id: s.id, version: entry.version, since: entry.since, label: `${entry.isNew ? 'New' : 'Updated'} in ${entry.version}`, anchor: anchorFor(chapter.key, s.id) });
    }
    if (list.length) markers.set(`${chapter.slug}.html`, list);
  }
  return markers;
}
