import type { Book } from '../../book/model.js';
import { sha256Bytes } from '../../util/hash.js';
import { evergreenVersion } from '../../util/version.js';
import { changeSentence } from '../changeSentence.js';
import type { ArtifactRecord, PublishedRelease } from '../history/index.js';
import type { ArtifactFacts } from './artifacts.js';
import { changesPage, type SiteVersion } from './diffs.js';
import { downloadPath } from './manifest.js';
import { notesHtml } from './notes.js';

function xml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The release's recorded time; records from before it was kept have only the date. */
function releaseTime(release: PublishedRelease): string {
  return release.released ?? `${release.date}T00:00:00Z`;
}

/** A stable URN for the book or one of its versions (name-based: the same book and version always give the same id). */
export function stableId(slug: string, version?: string): string {
  const h = sha256Bytes(`evergreen:${slug}${version ? `:${version}` : ''}`);
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Atom (RFC 4287): one entry per release, newest first, linking the "what changed" page; each download is an enclosure. */
export function atomFeed(book: Book, versions: SiteVersion[], latest: PublishedRelease, facts: (a: ArtifactRecord) => ArtifactFacts): string {
  const base = book.config.url ? (book.config.url.endsWith('/') ? book.config.url : `${book.config.url}/`) : '';
  const link = (p: string) => xml(`${base}${p}`);
  const authors = book.config.authors.length ? book.config.authors : [book.config.title];
  const entries = [...versions].reverse().map((v) => {
    const r = v.release;
    const previous = versions[versions.indexOf(v) - 1]?.release;
    // The latest release links to what it changed; an older entry to its notes (pages diff only to the latest).
    const changes = previous && r === latest ? changesPage(previous.version) : r === latest ? undefined : `versions.html#v${r.version}`;
    const summary = previous ? changeSentence(v.changesSince.get(previous.version)!.diff.summary) : 'First release.';
    const content = `${notesHtml(r.notes)}<p>${escapeHtml(summary)}</p>${r.yanked ? `<p>Withdrawn: ${escapeHtml(r.yanked.reason)}</p>` : ''}`;
    return [
      '  <entry>',
      `    <id>${stableId(book.config.slug, r.version)}</id>`,
      `    <title>${xml(`${book.config.title} ${r.version}${r.yanked ? ' (withdrawn)' : ''}`)}</title>`,
      `    <updated>${releaseTime(r)}</updated>`,
      `    <published>${releaseTime(r)}</published>`,
      `    <link rel="alternate" type="text/html" href="${link(changes ?? (v.browsable ? `v/${r.version}/index.html` : 'index.html'))}"/>`,
      v.browsable ? `    <link rel="related" type="text/html" href="${link(`v/${r.version}/index.html`)}" title="Read ${xml(r.version)} online"/>` : '',
      ...r.artifacts.map((a) => `    <link rel="enclosure" type="${xml(facts(a).mediaType)}" length="${a.size}" href="${link(downloadPath(a))}" title="${xml(facts(a).label)}"/>`),
      `    <summary>${xml(summary)}</summary>`,
      `    <content type="html">${xml(content)}</content>`,
      '  </entry>',
    ]
      .filter(Boolean)
      .join('\n');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom"${base ? ` xml:base="${xml(base)}"` : ''}>`,
    `  <id>${stableId(book.config.slug)}</id>`,
    `  <title>${xml(book.config.title)}</title>`,
    book.config.subtitle ? `  <subtitle>${xml(book.config.subtitle)}</subtitle>` : '',
    `  <updated>${releaseTime(latest)}</updated>`,
    ...authors.map((a) => `  <author><name>${xml(a)}</name></author>`),
    `  <link rel="alternate" type="text/html" href="${link('index.html')}"/>`,
    base ? `  <link rel="self" type="application/atom+xml" href="${link('feed.xml')}"/>` : '',
    `  <generator version="${xml(evergreenVersion)}">Evergreen</generator>`,
    ...entries,
    '</feed>',
    '',
  ]
    .filter((l) => l !== '')
    .join('\n');
}
