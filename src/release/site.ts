import { createPrivateKey, createPublicKey, type KeyObject, sign } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { toHtml } from 'hast-util-to-html';
import type { Heading } from 'mdast';
import { toHast } from 'mdast-util-to-hast';
import { visit } from 'unist-util-visit';
import type { Book } from '../book/model.js';
import type { DiagnosticBag } from '../diagnostics/diagnostic.js';
import { parseMarkdown } from '../parse/markdown.js';
import type { Renderer, RenderContext, RenderResult } from '../render/renderer.js';
import { copyFonts, escapeHtml, fillTemplate, loadFonts, loadTheme } from '../render/theme.js';
import { DiskCache } from '../util/diskCache.js';
import { packageRoot, evergreenVersion, toolchainFingerprint } from '../util/version.js';
import { type BlockChange, type BookDiff, type ChapterDiff, diffSnapshots, type InlinePart, plural, type SectionDiff } from './diff.js';
import { artifactPath, type History, openHistory, type PublishedRelease, sha256Bytes } from './history.js';
import { unzipBook } from './zip.js';
import { titlePageHeader } from '../render/html/navigation.js';
import { inlineMarksHtml } from './inlineMarks.js';

/**
 * The reader site, `site/` in the output: regenerated from the release history on every build.
 *
 *     index.html                 latest version, downloads (size, sha256), what changed since each version
 *     versions.html              every version with its notes (yanked ones marked)
 *     changes-since-<X>.html     what changed from X directly to the latest, with the notes in between
 *     changes/<X>..<Y>.json      machine-readable change summary for every pair of versions
 *     v/<version>/               each version's HTML book, from its published zip
 *     downloads/                 the published artifacts, byte for byte
 *     feed.xml                   Atom feed, one entry per release
 *     manifest.json (+ .sig, public-key.pem when signing is configured)
 */
export function siteRenderer(): Renderer {
  return {
    name: 'site',
    render: (ctx) => renderSite(ctx),
  };
}

export const manifestFormat = 'evergreen-manifest/1';
export const changesFormat = 'evergreen-changes/1';

interface SiteVersion {
  release: PublishedRelease;
  /** Summaries against every earlier version. */
  changesSince: Map<string, { summary: string; sha256: string; page?: string; diff: BookDiff }>;
}

async function renderSite(ctx: RenderContext): Promise<RenderResult> {
  const { book } = ctx;
  if (!existsSync(path.join(book.root, 'releases'))) return { outputs: [] };
  const history = await openHistory(book.root, { verifyArtifacts: true });
  if (history.releases.length === 0) return { outputs: [] };
  ctx.progress?.('generating the release site');
  const started = performance.now();
  const siteDir = path.join(ctx.stagingDir, 'site');
  await mkdir(path.join(siteDir, 'assets'), { recursive: true });
  const releases = history.releases;
  const latest = [...releases].reverse().find((r) => !r.yanked) ?? releases[releases.length - 1];
  const rel = (p: string) => p; // site-relative paths (manifest, pages)

  // Direct diffs from every earlier version to every later one (never chained), cached by snapshot hashes.
  const cache = ctx.cacheDir ? new DiskCache<BookDiff>(ctx.cacheDir, 'release-diffs') : undefined;
  const versions: SiteVersion[] = releases.map((release) => ({ release, changesSince: new Map() }));
  for (let j = 0; j < releases.length; j++) {
    for (let i = 0; i < j; i++) {
      const from = releases[i];
      const to = releases[j];
      const key = sha256Bytes(['site-diff', toolchainFingerprint(), snapshotHash(from), snapshotHash(to)].join('\0'));
      let diff = cache?.get(key);
      if (!diff) {
        diff = diffSnapshots({ label: from.version, snapshot: from.snapshot }, { label: to.version, snapshot: to.snapshot }, history.store);
        cache?.set(key, diff);
      }
      const summaryPath = `changes/${from.version}..${to.version}.json`;
      const summaryText = `${JSON.stringify(changeSummary(diff), null, 2)}\n`;
      await mkdir(path.join(siteDir, 'changes'), { recursive: true });
      await writeFile(path.join(siteDir, summaryPath), summaryText);
      versions[j].changesSince.set(from.version, { summary: summaryPath, sha256: sha256Bytes(summaryText), page: to === latest ? changesPage(from.version) : undefined, diff });
    }
  }

  const theme = await loadTheme(book.root);
  const siteCss = await readFile(path.join(packageRoot, 'templates', 'theme', 'site.css'), 'utf8');
  await writeFile(path.join(siteDir, 'assets', 'book.css'), theme.files['book.css'] ?? '');
  await writeFile(path.join(siteDir, 'assets', 'site.css'), siteCss);
  await writeFile(path.join(siteDir, 'assets', 'book.js'), theme.files['book.js'] ?? '');
  await writeFile(path.join(siteDir, 'assets', 'update-check.js'), updateCheckScript);
  await writeFile(path.join(siteDir, 'assets', 'fonts.css'), (await loadFonts()).css);
  await copyFonts(path.join(siteDir, 'assets'));
  await writeFile(path.join(siteDir, 'search-data.js'), 'window.EVERGREEN_SEARCH = [];\n');

  // Downloads, byte for byte, and each version's HTML book from its zip.
  for (const v of versions) {
    for (const artifact of v.release.artifacts) {
      const target = path.join(siteDir, 'downloads', path.posix.basename(artifact.path));
      await mkdir(path.dirname(target), { recursive: true });
      await copyFile(artifactPath(v.release, artifact), target);
    }
    await extractVersion(siteDir, v, latest, versions, history);
  }

  const page = (title: string, content: string, bodyClass: string, current: string) =>
    fillTemplate(theme.files['page.html']!, {
      lang: book.config.language,
      pageTitle: `${title} · ${book.config.title}`,
      description: book.config.description ?? book.config.subtitle ?? book.config.title,
      bookTitle: book.config.title,
      evergreenVersion,
      bookVersion: latest.version,
      versionLabel: latest.version,
      bodyClass: `site-page ${bodyClass}`,
      extraHead: '<link rel="stylesheet" href="assets/site.css">\n<link rel="alternate" type="application/atom+xml" href="feed.xml" title="Updates">',
      toc: siteNav(versions, latest, current),
      content,
      prevNext: '',
    });

  const pages: string[] = ['index.html', 'versions.html'];
  await writeFile(path.join(siteDir, 'index.html'), page(book.config.title, landingContent(book, versions, latest), 'site-landing', 'index.html'));
  await writeFile(path.join(siteDir, 'versions.html'), page('All versions', versionsContent(versions, latest), 'site-versions', 'versions.html'));
  const latestSite = versions.find((v) => v.release === latest)!;
  for (const [fromVersion, entry] of latestSite.changesSince) {
    const name = changesPage(fromVersion);
    const between = releases.filter((r) => r.version !== fromVersion && releases.indexOf(r) > releases.findIndex((x) => x.version === fromVersion) && releases.indexOf(r) <= releases.indexOf(latest));
    await writeFile(path.join(siteDir, name), page(`What changed since ${fromVersion}`, changesContent(entry.diff, history.get(fromVersion)!, latest, between), 'site-changes', name));
    pages.push(name);
  }

  const manifest = buildManifest(book, versions, latest);
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  await writeFile(path.join(siteDir, 'manifest.json'), manifestText);
  const signed = await signManifest(book, manifestText, siteDir, ctx.diagnostics);
  await writeFile(path.join(siteDir, 'feed.xml'), atomFeed(book, versions, latest));
  return {
    outputs: ['site'],
    stats: { versions: releases.length, pages: pages.length, diffs: versions.reduce((n, v) => n + v.changesSince.size, 0), signed: signed ? 1 : 0, ms: performance.now() - started },
  };
}

function snapshotHash(release: PublishedRelease): string {
  return release.files.find((f) => f.path === 'snapshot.json')?.sha256 ?? sha256Bytes(JSON.stringify(release.snapshot));
}

/** Whether the version's HTML book is on the site (it was published with an HTML zip). */
function readable(release: PublishedRelease): boolean {
  return release.artifacts.some((a) => a.kind === 'html-zip');
}

export function changesPage(fromVersion: string): string {
  return `changes-since-${fromVersion}.html`;
}

/** The machine-readable change summary (a public format: see the user guide). */
export function changeSummary(diff: BookDiff) {
  return {
    format: changesFormat,
    from: diff.from,
    to: diff.to,
    bump: diff.bump,
    summary: diff.summary,
    chapters: diff.chapters.map((c) => ({
      status: c.status,
      id: c.key,
      title: c.title,
      ...(c.oldTitle ? { oldTitle: c.oldTitle } : {}),
      page: `${c.slug}.html`,
      renamed: c.renamed,
      moved: c.moved,
      sections: c.sections.map((s) => ({
        status: s.status,
        id: s.id,
        title: s.title,
        ...(s.oldTitle ? { oldTitle: s.oldTitle } : {}),
        renamed: s.renamed,
        moved: s.moved,
        ...(s.movedFrom ? { movedFrom: s.movedFrom.chapterKey } : {}),
        wordsAdded: s.wordsAdded,
        wordsRemoved: s.wordsRemoved,
        samplesChanged: s.samplesChanged,
      })),
    })),
  };
}

function buildManifest(book: Book, versions: SiteVersion[], latest: PublishedRelease) {
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
      ...(readable(v.release) ? { read: `v/${v.release.version}/index.html` } : {}),
      artifacts: v.release.artifacts.map((a) => ({ kind: a.kind, path: `downloads/${path.posix.basename(a.path)}`, size: a.size, sha256: a.sha256 })),
      changesSince: Object.fromEntries([...v.changesSince].map(([from, e]) => [from, { summary: e.summary, sha256: e.sha256, ...(e.page ? { page: e.page } : {}) }])),
    })),
  };
}

/** Ed25519 signature of manifest.json's exact bytes, when a key is configured (never read from or copied into the book). */
async function signManifest(book: Book, manifestText: string, siteDir: string, diagnostics: DiagnosticBag): Promise<boolean> {
  const key = await loadSigningKey(book, diagnostics);
  if (!key) return false;
  const signature = sign(null, Buffer.from(manifestText, 'utf8'), key);
  await writeFile(path.join(siteDir, 'manifest.json.sig'), `${signature.toString('base64')}\n`);
  const publicPem = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  await writeFile(path.join(siteDir, 'public-key.pem'), publicPem);
  // The public key is published with the book too, so readers' tools can pin it.
  const committed = path.join(book.root, 'releases', 'public-key.pem');
  if (!existsSync(committed)) await writeFile(committed, publicPem);
  else if ((await readFile(committed, 'utf8')) !== publicPem) {
    diagnostics.warn(committed, 'The signing key does not match releases/public-key.pem: readers who pinned the old key will reject this manifest', {
      ruleId: 'release/key-changed',
      hint: 'Sign with the key whose public half is in releases/public-key.pem, or replace that file deliberately (and tell your readers).',
    });
  }
  return true;
}

export async function loadSigningKey(book: Book, diagnostics?: DiagnosticBag): Promise<KeyObject | undefined> {
  const conf = book.config.release;
  if (!conf?.signingKeyEnv && !conf?.signingKeyFile) return undefined;
  let pem: string | undefined;
  if (conf.signingKeyEnv) pem = process.env[conf.signingKeyEnv];
  if (!pem && conf.signingKeyFile) {
    const file = path.resolve(book.root, conf.signingKeyFile.replace(/^~(?=$|\/)/, os.homedir()));
    if (!path.relative(book.root, file).startsWith('..')) {
      diagnostics?.warn(book.configPath, `The signing key ${conf.signingKeyFile} is inside the book folder; keep it outside the repository`, { ruleId: 'release/key-in-book' });
    }
    if (existsSync(file)) pem = await readFile(file, 'utf8');
  }
  if (!pem) {
    diagnostics?.warn(book.configPath, 'Signing is configured but no key was found; manifest.json is not signed', {
      ruleId: 'release/no-signing-key',
      hint: conf.signingKeyEnv ? `Set the environment variable ${conf.signingKeyEnv} to the Ed25519 private key (PEM).` : `Create ${conf.signingKeyFile}.`,
    });
    return undefined;
  }
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`a ${key.asymmetricKeyType} key, not Ed25519`);
    return key;
  } catch (error) {
    diagnostics?.error(book.configPath, `The signing key cannot be used: ${(error as Error).message}`, { ruleId: 'release/bad-signing-key' });
    return undefined;
  }
}

// --- pages ------------------------------------------------------------------------------------------------

function siteNav(versions: SiteVersion[], latest: PublishedRelease, current: string): string {
  const item = (href: string, text: string) => `<li class="chapter${href === current ? ' current' : ''}"><a href="${href}"${href === current ? ' aria-current="page"' : ''}><span>${escapeHtml(text)}</span></a></li>`;
  const since = [...versions]
    .reverse()
    .filter((v) => v.release !== latest && versions.indexOf(v) < versions.findIndex((x) => x.release === latest))
    .map((v) => item(changesPage(v.release.version), `Changes since ${v.release.version}`));
  return `<ol class="toc">${item('index.html', 'Home')}${readable(latest) ? item(`v/${latest.version}/index.html`, `Read ${latest.version}`) : ''}${item('versions.html', 'All versions')}${since.join('')}</ol>`;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function downloads(release: PublishedRelease): string {
  if (release.artifacts.length === 0) return '';
  const label = (kind: string) => (kind === 'pdf' ? 'PDF' : 'HTML book (zip)');
  return `<ul class="downloads">${release.artifacts
    .map(
      (a) =>
        `<li><a href="downloads/${escapeHtml(path.posix.basename(a.path))}" download>${label(a.kind)}</a> <span class="size">${formatSize(a.size)}</span> <code class="sha256" title="sha256">sha256 ${a.sha256}</code></li>`,
    )
    .join('')}</ul>`;
}

function notesHtml(notes: string): string {
  if (!notes.trim()) return '<p class="no-notes">No release notes.</p>';
  const { tree } = parseMarkdown(notes, 'notes.md');
  // Notes sit under the page's own headings: a "# Heading" in them becomes an h4.
  visit(tree, 'heading', (h: Heading) => {
    h.depth = Math.min(6, h.depth + 3) as Heading['depth'];
  });
  // No raw HTML from notes: they are text for readers.
  return toHtml(toHast(tree) as never);
}

function summaryLine(diff: BookDiff): string {
  const s = diff.summary;
  const parts: string[] = [];
  if (s.chaptersAdded) parts.push(`${plural(s.chaptersAdded, 'chapter')} added`);
  if (s.chaptersRemoved) parts.push(`${plural(s.chaptersRemoved, 'chapter')} removed`);
  if (s.chaptersRenamed) parts.push(`${plural(s.chaptersRenamed, 'chapter')} renamed`);
  if (s.chaptersMoved) parts.push(`${plural(s.chaptersMoved, 'chapter')} moved`);
  if (s.sectionsAdded) parts.push(`${plural(s.sectionsAdded, 'section')} added`);
  if (s.sectionsRemoved) parts.push(`${plural(s.sectionsRemoved, 'section')} removed`);
  if (s.sectionsChanged) parts.push(`${plural(s.sectionsChanged, 'section')} changed`);
  if (s.sectionsMoved) parts.push(`${plural(s.sectionsMoved, 'section')} moved`);
  if (s.samplesChanged) parts.push(`${plural(s.samplesChanged, 'code sample')} changed`);
  if (parts.length === 0) return 'No changes to the text.';
  return `${parts.join(', ')}; ${s.wordsAdded} words added, ${s.wordsRemoved} removed; about ${s.rereadMinutes} min of re-reading.`;
}

function landingContent(book: Book, versions: SiteVersion[], latest: PublishedRelease): string {
  const { config } = book;
  const latestSite = versions.find((v) => v.release === latest)!;
  const since = [...latestSite.changesSince]
    .reverse()
    .map(([from, e]) => `<li><a href="${changesPage(from)}">What changed since ${escapeHtml(from)}</a> <span class="muted">${escapeHtml(summaryLine(e.diff))}</span></li>`)
    .join('');
  const list = [...versions]
    .reverse()
    .map((v) => `<li>${readable(v.release) ? `<a href="v/${v.release.version}/index.html">${v.release.version}</a>` : v.release.version} <span class="muted">${v.release.date}</span>${v.release.yanked ? ' <span class="badge yanked">withdrawn</span>' : ''}${v.release === latest ? ' <span class="badge">latest</span>' : ''}</li>`)
    .join('');
  return [
    titlePageHeader(
      config,
      `Latest version <span class="book-version">${latest.version}</span>, released ${latest.date}`,
      readable(latest) ? `<a class="start-reading" href="v/${latest.version}/index.html">Read version ${latest.version} online →</a>` : '',
    ),
    `<section aria-labelledby="downloads-heading"><h2 id="downloads-heading">Downloads</h2>${downloads(latest) || '<p>No downloads for this version.</p>'}`,
    `<p class="muted">Check a download against its sha256, or let a tool do it with <a href="manifest.json">manifest.json</a>. Follow updates with the <a href="feed.xml">Atom feed</a>.</p></section>`,
    since ? `<section aria-labelledby="since-heading"><h2 id="since-heading">You have an earlier version?</h2><ul class="since-list">${since}</ul></section>` : '',
    `<section aria-labelledby="notes-heading"><h2 id="notes-heading">What's new in ${latest.version}</h2>${notesHtml(latest.notes)}</section>`,
    `<section aria-labelledby="versions-heading"><h2 id="versions-heading">Versions</h2><ul class="version-list">${list}</ul><p><a href="versions.html">All versions with their release notes</a></p></section>`,
  ].join('\n');
}

function versionsContent(versions: SiteVersion[], latest: PublishedRelease): string {
  const items = [...versions].reverse().map((v) => {
    const r = v.release;
    return [
      `<section class="version-entry${r.yanked ? ' yanked' : ''}" id="v${escapeHtml(r.version)}">`,
      `<h2>${r.version} <span class="muted">${r.date}</span>${r === latest ? ' <span class="badge">latest</span>' : ''}</h2>`,
      r.yanked ? `<p class="yank-note"><strong>Withdrawn</strong> on ${escapeHtml(r.yanked.date)}: ${escapeHtml(r.yanked.reason)}</p>` : '',
      notesHtml(r.notes),
      `<p>${readable(r) ? `<a href="v/${r.version}/index.html">Read ${r.version} online</a>` : ''}${r !== latest && v.release.version !== latest.version && versions.indexOf(v) < versions.findIndex((x) => x.release === latest) ? ` · <a href="${changesPage(r.version)}">What changed since ${r.version}</a>` : ''}</p>`,
      downloads(r),
      `</section>`,
    ].join('\n');
  });
  return `<h1>All versions</h1>\n${items.join('\n')}`;
}

function changesContent(diff: BookDiff, from: PublishedRelease, latest: PublishedRelease, between: PublishedRelease[]): string {
  const notes = [...between]
    .reverse()
    .map((r) => `<section class="notes-entry"><h3>${r.version} <span class="muted">${r.date}</span>${r.yanked ? ' <span class="badge yanked">withdrawn</span>' : ''}</h3>${notesHtml(r.notes)}</section>`)
    .join('');
  const chapters = diff.chapters.map((c) => chapterChanges(c, from, latest)).join('\n');
  return [
    `<h1>What changed since ${from.version}</h1>`,
    `<p class="changes-lede">From version ${from.version} (${from.date}) to version ${latest.version} (${latest.date}), compared directly. ${escapeHtml(summaryLine(diff))}</p>`,
    `<p class="changes-legend"><ins>inserted text</ins> · <del>deleted text</del> · changed sections link to the new version.</p>`,
    `<section class="release-notes" aria-labelledby="notes-heading"><h2 id="notes-heading">Release notes since ${from.version}</h2>${notes}</section>`,
    `<section aria-labelledby="changed-heading"><h2 id="changed-heading">Changed chapters</h2>`,
    chapters || '<p>No changes to the text.</p>',
    `</section>`,
  ].join('\n');
}

function anchorFor(chapterKey: string, sectionId?: string): string {
  return `c-${chapterKey.replace(/[^A-Za-z0-9_-]+/g, '-')}${sectionId !== undefined ? `--${sectionId.replace(/[^A-Za-z0-9_-]+/g, '-') || 'intro'}` : ''}`;
}

function chapterChanges(c: ChapterDiff, from: PublishedRelease, latest: PublishedRelease): string {
  const base = c.status === 'removed' ? `v/${from.version}/` : `v/${latest.version}/`;
  const badges = [
    c.status === 'added' ? '<span class="badge added">new chapter</span>' : '',
    c.status === 'removed' ? '<span class="badge removed">removed</span>' : '',
    c.renamed ? `<span class="badge">renamed from “${escapeHtml(c.oldTitle ?? '')}”</span>` : '',
    c.moved ? '<span class="badge">moved</span>' : '',
  ].join(' ');
  const sections = c.status === 'removed' ? '' : c.sections.map((s) => sectionChanges(c, s, base)).join('\n');
  return `<section class="change-chapter change-${c.status}" id="${anchorFor(c.key)}"><h3><a href="${base}${escapeHtml(c.slug)}.html">${escapeHtml(c.title)}</a> ${badges}</h3>\n${sections}</section>`;
}

function sectionChanges(c: ChapterDiff, s: SectionDiff, base: string): string {
  const title = s.title || (s.id === '' ? 'Opening text' : s.id);
  const href = `${base}${escapeHtml(c.slug)}.html${s.id ? `#${escapeHtml(s.id)}` : ''}`;
  const badges = [
    s.status === 'added' ? '<span class="badge added">new section</span>' : '',
    s.status === 'removed' ? '<span class="badge removed">removed</span>' : '',
    s.renamed ? `<span class="badge">renamed from “${escapeHtml(s.oldTitle ?? '')}”</span>` : '',
    s.moved ? `<span class="badge">moved${s.movedFrom ? ` from “${escapeHtml(s.movedFrom.chapterTitle)}”` : ''}</span>` : '',
    s.samplesChanged ? `<span class="badge code">code changed</span>` : '',
  ].join(' ');
  const heading = s.status === 'removed' ? `<h4>${escapeHtml(title)} ${badges}</h4>` : `<h4><a href="${href}">${escapeHtml(title)}</a> ${badges}</h4>`;
  const body = s.contentChanged && c.status !== 'added' ? blocksHtml(s.blocks) : c.status === 'added' ? '' : '<p class="muted">Text unchanged.</p>';
  return `<article class="change-section change-${s.status}" id="${anchorFor(c.key, s.id)}">${heading}${body}</article>`;
}

/** Changed blocks with one unchanged block of context on each side; longer unchanged runs are elided. */
function blocksHtml(blocks: BlockChange[]): string {
  const changed = blocks.map((b) => b.op !== 'same');
  const out: string[] = [];
  let elided = false;
  blocks.forEach((b, i) => {
    const near = changed[i] || changed[i - 1] || changed[i + 1];
    if (!near) {
      if (!elided) out.push('<p class="elided" aria-label="unchanged text">…</p>');
      elided = true;
      return;
    }
    elided = false;
    out.push(blockHtml(b));
  });
  return `<div class="change-blocks">${out.join('\n')}</div>`;
}

function blockHtml(b: BlockChange): string {
  const isCode = b.block.k === 'code';
  const text = (x: string) => (isCode ? escapeHtml(x) : inlineMarksHtml(x));
  const wrap = (inner: string, cls: string) => (isCode ? `<pre class="change-block ${cls}"><code>${inner}</code></pre>` : `<div class="change-block ${cls}">${inner}</div>`);
  switch (b.op) {
    case 'same':
      return wrap(text(b.block.x), 'same');
    case 'added':
      return wrap(`<ins>${text(b.block.x)}</ins>`, 'added');
    case 'removed':
      return wrap(`<del>${text(b.block.x)}</del>`, 'removed');
    case 'moved':
      return wrap(text(b.block.x), 'moved') + '<p class="moved-note">(moved here)</p>';
    case 'modified':
      return wrap(partsHtml(b.parts, isCode), `modified${b.replaced ? ' replaced' : ''}`);
  }
}

function partsHtml(parts: InlinePart[], code: boolean): string {
  return parts
    .map((p) => {
      const text = code ? `${escapeHtml(p.v)}\n` : inlineMarksHtml(p.v);
      return p.t === 'ins' ? `<ins>${text}</ins>` : p.t === 'del' ? `<del>${text}</del>` : text;
    })
    .join('');
}

// --- per-version HTML books --------------------------------------------------------------------------------

async function extractVersion(siteDir: string, v: SiteVersion, latest: PublishedRelease, versions: SiteVersion[], history: History): Promise<void> {
  const zip = v.release.artifacts.find((a) => a.kind === 'html-zip');
  if (!zip) return;
  const files = unzipBook(await readFile(artifactPath(v.release, zip)));
  const dir = path.join(siteDir, 'v', v.release.version);
  const isLatest = v.release === latest;
  const older = versions.indexOf(v) < versions.findIndex((x) => x.release === latest);
  // "Updated in X" markers in the latest version: sections changed by its own release.
  const markers = new Map<string, { id: string; label: string; anchor: string }[]>();
  if (isLatest) {
    const index = history.releases.indexOf(latest);
    const previous = index > 0 ? history.releases[index - 1] : undefined;
    if (previous) {
      const diff = versions.find((x) => x.release === latest)!.changesSince.get(previous.version)!.diff;
      for (const c of diff.chapters) {
        if (c.status === 'removed') continue;
        const list = markers.get(`${c.slug}.html`) ?? [];
        if (c.status === 'added') list.push({ id: '', label: `New in ${latest.version}`, anchor: anchorFor(c.key) });
        else for (const s of c.sections) if (s.status !== 'removed') list.push({ id: s.id, label: `Updated in ${latest.version}`, anchor: anchorFor(c.key, s.id) });
        markers.set(`${c.slug}.html`, list);
      }
    }
  }
  const previousVersion = isLatest ? history.releases[history.releases.indexOf(latest) - 1]?.version : undefined;
  for (const [name, data] of files) {
    const target = path.join(dir, ...name.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    if (!name.endsWith('.html')) {
      await writeFile(target, data);
      continue;
    }
    const depth = name.split('/').length - 1;
    const up = '../'.repeat(depth + 2);
    let html = Buffer.from(data).toString('utf8');
    const head = `<link rel="stylesheet" href="${up}assets/site.css">\n<script src="${up}assets/update-check.js" data-version="${v.release.version}" data-site="${up}" defer></script>\n`;
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
      const link = `${up}${previousVersion ? `${changesPage(previousVersion)}#${m.anchor}` : 'index.html'}`;
      const marker = `<p class="evergreen-updated"><a href="${link}">${escapeHtml(m.label)}</a></p>`;
      html = insertAfterHeading(html, m.id, marker);
    }
    await writeFile(target, html);
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

/** Reads manifest.json at view time and shows (or updates) the "newer version" note; silent offline. */
const updateCheckScript = `(function () {
  var me = document.currentScript; if (!me || !window.fetch) return;
  var version = me.getAttribute('data-version'); var site = me.getAttribute('data-site') || '';
  fetch(site + 'manifest.json', { cache: 'no-cache' }).then(function (r) { return r.ok ? r.json() : null; }).then(function (m) {
    if (!m || !m.latest || m.latest === version) return;
    var entry = (m.versions || []).filter(function (v) { return v.version === m.latest; })[0];
    var since = entry && entry.changesSince && entry.changesSince[version];
    var note = document.querySelector('.evergreen-newer');
    if (!note) { note = document.createElement('div'); note.className = 'evergreen-newer'; note.setAttribute('role', 'note');
      var main = document.querySelector('main') || document.body; main.insertBefore(note, main.firstChild); }
    if (note.getAttribute('data-newer') === m.latest) return;
    note.textContent = 'You are reading version ' + version + '. A newer version, ' + m.latest + ', is available. ';
    var a = document.createElement('a'); a.href = site + (since && since.page ? since.page : 'v/' + m.latest + '/index.html');
    a.textContent = since && since.page ? 'What changed since ' + version : 'Read ' + m.latest; note.appendChild(a);
  }).catch(function () {});
})();
`;

// --- Atom feed --------------------------------------------------------------------------------------------

function xml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** A stable URN for the book or one of its versions (name-based: the same book and version always give the same id). */
export function stableId(slug: string, version?: string): string {
  const h = sha256Bytes(`evergreen:${slug}${version ? `:${version}` : ''}`);
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Atom (RFC 4287): one entry per release, newest first, linking the "what changed" page and the downloads. */
export function atomFeed(book: Book, versions: SiteVersion[], latest: PublishedRelease): string {
  const base = book.config.url ? (book.config.url.endsWith('/') ? book.config.url : `${book.config.url}/`) : '';
  const link = (p: string) => xml(`${base}${p}`);
  const authors = book.config.authors.length ? book.config.authors : [book.config.title];
  const entries = [...versions].reverse().map((v) => {
    const r = v.release;
    const previous = versions[versions.indexOf(v) - 1]?.release;
    // The latest release links to what it changed; an older entry to its notes (pages diff only to the latest).
    const changes = previous && r === latest ? changesPage(previous.version) : r === latest ? undefined : `versions.html#v${r.version}`;
    const pdf = r.artifacts.find((a) => a.kind === 'pdf');
    const zip = r.artifacts.find((a) => a.kind === 'html-zip');
    const summary = previous ? summaryLine(v.changesSince.get(previous.version)!.diff) : 'First release.';
    const content = `${notesHtml(r.notes)}<p>${escapeHtml(summary)}</p>${r.yanked ? `<p>Withdrawn: ${escapeHtml(r.yanked.reason)}</p>` : ''}`;
    return [
      '  <entry>',
      `    <id>${stableId(book.config.slug, r.version)}</id>`,
      `    <title>${xml(`${book.config.title} ${r.version}${r.yanked ? ' (withdrawn)' : ''}`)}</title>`,
      `    <updated>${r.date}T00:00:00Z</updated>`,
      `    <published>${r.date}T00:00:00Z</published>`,
      `    <link rel="alternate" type="text/html" href="${link(changes ?? (readable(r) ? `v/${r.version}/index.html` : 'index.html'))}"/>`,
      readable(r) ? `    <link rel="related" type="text/html" href="${link(`v/${r.version}/index.html`)}" title="Read ${xml(r.version)} online"/>` : '',
      pdf ? `    <link rel="enclosure" type="application/pdf" length="${pdf.size}" href="${link(`downloads/${path.posix.basename(pdf.path)}`)}"/>` : '',
      zip ? `    <link rel="enclosure" type="application/zip" length="${zip.size}" href="${link(`downloads/${path.posix.basename(zip.path)}`)}"/>` : '',
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
    `  <updated>${latest.date}T00:00:00Z</updated>`,
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
