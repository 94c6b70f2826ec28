import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Book } from '../../book/model.js';
import { evergreenVersion } from '../../util/version.js';
import type { BookVersion, Renderer, RenderContext, RenderResult } from '../renderer.js';
import { copyFonts, escapeHtml, fillTemplate, linkOrCopy, loadFonts, loadTheme, pagePlaceholders, unknownPlaceholders } from '../theme.js';
import { bookHasMath, katexStylesheet, writeKatexAssets } from '../shared/mathAssets.js';
import { bookDiagrams, diagramsSoFar } from '../shared/diagrams.js';
import { renderChapterBodies } from '../shared/chapterBodies.js';
import { renderPrevNext, renderTitlePage, tocRenderer } from './navigation.js';
import { hasIndex, indexPageName, renderIndexPage } from './indexPage.js';
import { OutputWriter } from '../outputWriter.js';

const require = createRequire(import.meta.url);

export interface HtmlRendererOptions {
  /** Extra HTML for every page's <head> (the dev server injects its live-reload client here). */
  extraHead?: string;
  /** Identifies the presenter's behaviour in cache keys (e.g. the sample checker's version and inputs). */
  presenterKey?: string;
}

/** The multi-page HTML book: one page per chapter, a title page, search data and the theme's assets. */
export function htmlRenderer(options: HtmlRendererOptions = {}): Renderer {
  return {
    name: 'html',
    render: (ctx) => renderHtmlBook(ctx, options),
    rendersChaptersAsReady: true,
  };
}

async function renderHtmlBook(ctx: RenderContext, options: HtmlRendererOptions): Promise<RenderResult> {
  const { book, version } = ctx;
  const outDir = path.join(ctx.stagingDir, 'html');
  const assetsDir = path.join(outDir, 'assets');
  await mkdir(assetsDir, { recursive: true });
  const theme = await loadTheme(book.root);
  const unknown = unknownPlaceholders(theme.files['page.html'] ?? '', pagePlaceholders);
  if (unknown.length > 0) {
    // Pages with silently empty placeholders are wrong output: write no HTML (the previous output stays).
    for (const u of unknown) {
      ctx.diagnostics.add({
        severity: 'error',
        file: theme.paths['page.html']!,
        line: u.line,
        column: u.column,
        message: `Unknown placeholder {{${u.name}}} in page.html`,
        hint: `The placeholders that exist are ${pagePlaceholders.map((n) => `{{${n}}}`).join(', ')} ({{{name}}} inserts HTML unescaped).`,
        ruleId: 'theme/unknown-placeholder',
      });
    }
    return { outputs: [] };
  }
  // Chapters are rendered while the browser draws the diagrams the cache lacks.
  const soFar = diagramsSoFar(book, ctx.cacheDir);
  const drawing = bookDiagrams(book, ctx.diagnostics, ctx.cacheDir);
  const drawn = drawing.then((d) => d.svgs);
  drawn.catch(() => {});
  const { bodies, rendered: chaptersRendered } = await renderChapterBodies(ctx, { soFar, drawn }, options.presenterKey);
  const { drawn: diagramsDrawn } = await drawing;

  const page = theme.files['page.html']!;
  const hasMath = bookHasMath(book);
  const common = {
    lang: book.config.language,
    bookTitle: book.config.title,
    description: book.config.description ?? book.config.subtitle ?? book.config.title,
    evergreenVersion,
    bookVersion: version.label,
    versionLabel: version.label,
    latestLink: latestLink(book, version),
    extraHead: [
      hasMath ? `<link rel="stylesheet" href="assets/${katexStylesheet}">` : '',
      theme.files['custom.css'] ? '<link rel="stylesheet" href="assets/custom.css">' : '',
      options.extraHead ?? '',
    ].join('\n'),
  };
  const writer = new OutputWriter(outDir, ctx.outDir ? path.join(ctx.outDir, 'html') : undefined);
  const toc = tocRenderer(book);
  const writes: Promise<unknown>[] = [];
  writes.push(
    writer.write(
      'index.html',
      fillTemplate(page, {
        ...common,
        pageTitle: book.config.subtitle ? `${book.config.title}: ${book.config.subtitle}` : book.config.title,
        bodyClass: 'title-page-body',
        toc: toc(),
        content: renderTitlePage(book, version.label, version.date),
        prevNext: renderPrevNext(book, undefined),
      }),
    ),
  );
  const copied = new Set<string>();
  for (const chapter of book.chapters) {
    const body = bodies.get(chapter)!;
    writes.push(
      writer.write(
        `${chapter.slug}.html`,
        fillTemplate(page, {
          ...common,
          pageTitle: `${chapter.title} · ${book.config.title}`,
          bodyClass: 'chapter-page',
          toc: toc(chapter),
          content: body.html,
          prevNext: renderPrevNext(book, chapter),
        }),
      ),
    );
    for (const asset of body.assets) {
      if (copied.has(asset.relPath)) continue;
      copied.add(asset.relPath);
      writes.push(copyAsset(asset.file, path.join(outDir, 'media', asset.relPath)));
    }
  }
  if (hasIndex(book)) {
    writes.push(
      writer.write(
        indexPageName,
        fillTemplate(page, {
          ...common,
          pageTitle: `Index · ${book.config.title}`,
          bodyClass: 'chapter-page index-page-body',
          toc: toc('index'),
          content: renderIndexPage(book),
          prevNext: '',
        }),
      ),
    );
  }
  writes.push(writer.write('search-data.js', searchData(book)));
  writes.push(writer.write('assets/book.css', theme.files['book.css'] ?? ''));
  writes.push(writer.write('assets/book.js', theme.files['book.js'] ?? ''));
  if (theme.files['custom.css']) writes.push(writer.write('assets/custom.css', theme.files['custom.css']));
  writes.push(loadFonts().then((fonts) => writer.write('assets/fonts.css', fonts.css)));
  writes.push(copyFonts(assetsDir));
  if (hasMath) writes.push(writeKatexAssets(assetsDir));
  writes.push(linkOrCopy(minisearchBrowserBuild(), path.join(assetsDir, 'minisearch.js')));
  // A static host serves this when a reader follows an old link; opened from disk it is never needed.
  writes.push(writer.write('.nojekyll', ''));
  await Promise.all(writes);
  return {
    outputs: ['html'],
    stats: { pages: book.chapters.length + 1 + (hasIndex(book) ? 1 : 0), chaptersRendered, diagramsDrawn, filesWritten: writer.written, filesReused: writer.reused },
  };
}

/** MiniSearch's UMD build (a plain script, so search works from file://); its exports map hides the path. */
function minisearchBrowserBuild(): string {
  const entry = require.resolve('minisearch');
  return path.join(entry.slice(0, entry.lastIndexOf(`${path.sep}dist${path.sep}`)), 'dist', 'umd', 'index.js');
}

/** Hard-links unchanged media into the staging folder when possible: large images cost no copy. */
async function copyAsset(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true });
  await linkOrCopy(from, to);
}

/** Each chapter's search documents as JSON, by everything they are made of: re-serialised only when it changes. */
const searchFragments = new Map<string, string>();

/** One search document per section: the browser builds its index from these on first search. */
function searchData(book: Book): string {
  const fragments = book.chapters.map((chapter) => {
    const key = `${chapter.hash}\0${chapter.slug}\0${chapter.title}`;
    let json = searchFragments.get(key);
    if (json === undefined) {
      json = chapter.analysis.search
        .map((section, i) =>
          JSON.stringify({
            id: `${chapter.slug}#${section.id || i}`,
            // The title heading's section is the chapter itself: it carries the chapter's title, as the sidebar does.
            title: (section.id !== '' && section.id === chapter.titleHeadingId ? '' : section.title) || chapter.title,
            chapter: chapter.title,
            url: `${chapter.slug}.html${section.id ? `#${section.id}` : ''}`,
            text: section.text,
          }),
        )
        .join(',');
      searchFragments.set(key, json);
    }
    return json;
  });
  return `window.EVERGREEN_SEARCH = [${fragments.filter(Boolean).join(',')}];\n`.replace(/<\/script/gi, '<\\/script');
}

/**
 * A released copy (the HTML zip readers download) says where the newest version is, so an old copy never
 * pretends to be current: a plain link, as it must work from file:// without scripts.
 */
function latestLink(book: Book, version: BookVersion): string {
  const url = book.config.url;
  if (!url || !version.version || version.unreleasedChanges) return '';
  const href = escapeHtml(url);
  return `<p class="footer-latest">This copy is version ${escapeHtml(version.version)}. The latest version is always at <a href="${href}">${href}</a>.</p>`;
}
