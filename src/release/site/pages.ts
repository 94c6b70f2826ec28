import type { ElementContent } from 'hast';
import { h } from 'hastscript';
import type { Book } from '../../book/model.js';
import { titlePageHeader } from '../../render/html/navigation.js';
import { fillTemplate } from '../../render/theme.js';
import { evergreenVersion } from '../../util/version.js';
import { changeSentence } from '../changeSentence.js';
import type { ArtifactRecord, PublishedRelease } from '../history/index.js';
import type { ArtifactFacts } from './artifacts.js';
import { changesPage, type SiteVersion } from './diffs.js';
import { type Child, raw, serialize } from './hast.js';
import { downloadPath } from './manifest.js';
import { notesHtml } from './notes.js';
import { provenance } from './provenance.js';

export interface SitePageContext {
  book: Book;
  /** The theme's page.html. */
  template: string;
  versions: SiteVersion[];
  latest: PublishedRelease;
  facts: (artifact: ArtifactRecord) => ArtifactFacts;
}

/** A whole site page: the book theme's page template around the content, with the site's navigation. */
export function sitePage(ctx: SitePageContext, name: string, title: string, bodyClass: string, content: Child): string {
  const { book, latest } = ctx;
  return fillTemplate(ctx.template, {
    lang: book.config.language,
    pageTitle: `${title} · ${book.config.title}`,
    description: book.config.description ?? book.config.subtitle ?? book.config.title,
    bookTitle: book.config.title,
    evergreenVersion,
    bookVersion: latest.version,
    versionLabel: latest.version,
    bodyClass: `site-page ${bodyClass}`,
    extraHead: '<link rel="stylesheet" href="assets/site.css">\n<link rel="alternate" type="application/atom+xml" href="feed.xml" title="Updates">',
    toc: serialize(siteNav(ctx, name)),
    content: serialize(content),
    prevNext: '',
    // The template's line for the (empty) prev/next links would be left as trailing whitespace.
  }).replace(/^[ \t]+$/gm, '');
}

function isEarlierThanLatest(ctx: SitePageContext, v: SiteVersion): boolean {
  return ctx.versions.indexOf(v) < ctx.versions.findIndex((x) => x.release === ctx.latest);
}

function siteNav(ctx: SitePageContext, current: string): ElementContent {
  const item = (href: string, text: string) =>
    h('li', { className: href === current ? ['chapter', 'current'] : ['chapter'] }, [h('a', { href, ariaCurrent: href === current ? 'page' : undefined }, [h('span', text)])]);
  const latestSite = ctx.versions.find((v) => v.release === ctx.latest)!;
  const since = [...ctx.versions]
    .reverse()
    .filter((v) => v.release !== ctx.latest && isEarlierThanLatest(ctx, v))
    .map((v) => item(changesPage(v.release.version), `Changes since ${v.release.version}`));
  return h('ol', { className: ['toc'] }, [
    item('index.html', 'Home'),
    latestSite.browsable ? item(`v/${ctx.latest.version}/index.html`, `Read ${ctx.latest.version}`) : null,
    item('versions.html', 'All versions'),
    ...since,
  ]);
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function downloads(ctx: SitePageContext, release: PublishedRelease): ElementContent | undefined {
  if (release.artifacts.length === 0) return undefined;
  return h(
    'ul',
    { className: ['downloads'] },
    release.artifacts.map((a) =>
      h('li', [
        h('a', { href: downloadPath(a), download: true, type: ctx.facts(a).mediaType }, ctx.facts(a).label),
        ' ',
        h('span', { className: ['size'] }, formatSize(a.size)),
        ' ',
        h('code', { className: ['sha256'], title: 'sha256' }, `sha256 ${a.sha256}`),
      ]),
    ),
  );
}

const muted = (text: string) => h('span', { className: ['muted'] }, text);
const badge = (text: string, kind?: string) => h('span', { className: kind ? ['badge', kind] : ['badge'] }, text);

export function landingContent(ctx: SitePageContext): Child {
  const { book, latest, versions } = ctx;
  const latestSite = versions.find((v) => v.release === latest)!;
  const since = [...latestSite.changesSince]
    .reverse()
    .map(([from, e]) => h('li', [h('a', { href: changesPage(from) }, `What changed since ${from}`), ' ', muted(changeSentence(e.diff.summary))]));
  const list = [...versions]
    .reverse()
    .map((v) =>
      h('li', [
        v.browsable ? h('a', { href: `v/${v.release.version}/index.html` }, v.release.version) : v.release.version,
        ' ',
        muted(v.release.date),
        v.release.yanked ? [' ', badge('withdrawn', 'yanked')] : null,
        v.release === latest ? [' ', badge('latest')] : null,
      ]),
    );
  return [
    raw(
      titlePageHeader(
        book.config,
        `Latest version <span class="book-version">${latest.version}</span>, released ${latest.date}`,
        latestSite.browsable ? `<a class="start-reading" href="v/${latest.version}/index.html">Read version ${latest.version} online →</a>` : '',
      ),
    ),
    h('section', { ariaLabelledBy: 'downloads-heading' }, [
      h('h2', { id: 'downloads-heading' }, 'Downloads'),
      downloads(ctx, latest) ?? h('p', 'No downloads for this version.'),
      h('p', { className: ['muted'] }, [
        'Check a download against its sha256, or let a tool do it with ',
        h('a', { href: 'manifest.json' }, 'manifest.json'),
        '. Follow updates with the ',
        h('a', { href: 'feed.xml' }, 'Atom feed'),
        '.',
      ]),
    ]),
    since.length
      ? h('section', { ariaLabelledBy: 'since-heading' }, [h('h2', { id: 'since-heading' }, 'You have an earlier version?'), h('ul', { className: ['since-list'] }, since)])
      : null,
    h('section', { ariaLabelledBy: 'notes-heading' }, [h('h2', { id: 'notes-heading' }, `What's new in ${latest.version}`), raw(notesHtml(latest.notes)), provenance(latest)]),
    h('section', { ariaLabelledBy: 'versions-heading' }, [
      h('h2', { id: 'versions-heading' }, 'Versions'),
      h('ul', { className: ['version-list'] }, list),
      h('p', [h('a', { href: 'versions.html' }, 'All versions with their release notes')]),
    ]),
  ];
}

export function versionsContent(ctx: SitePageContext): Child {
  const { latest } = ctx;
  const items = [...ctx.versions].reverse().map((v) => {
    const r = v.release;
    const links: (ElementContent | string)[] = [];
    if (v.browsable) links.push(h('a', { href: `v/${r.version}/index.html` }, `Read ${r.version} online`));
    if (r !== latest && isEarlierThanLatest(ctx, v)) {
      if (links.length) links.push(' · ');
      links.push(h('a', { href: changesPage(r.version) }, `What changed since ${r.version}`));
    }
    return h('section', { className: r.yanked ? ['version-entry', 'yanked'] : ['version-entry'], id: `v${r.version}` }, [
      h('h2', [r.version, ' ', muted(r.date), r === latest ? [' ', badge('latest')] : null]),
      r.yanked ? h('p', { className: ['yank-note'] }, [h('strong', 'Withdrawn'), ` on ${r.yanked.date}: ${r.yanked.reason}`]) : null,
      raw(notesHtml(r.notes)),
      provenance(r),
      h('p', links),
      downloads(ctx, r),
    ]);
  });
  return [h('h1', 'All versions'), ...items];
}
