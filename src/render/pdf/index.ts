import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Chapter } from '../../book/model.js';
import { BrowserNotFoundError, BrowserStartError, findBrowser, launchBrowser, noBrowserHint } from '../../util/browser.js';
import { DiskCache } from '../../util/diskCache.js';
import { evergreenVersion } from '../../util/version.js';
import type { CodePresenter } from '../../book/codePresentation.js';
import type { Root as HastRoot } from 'hast';
import { codeBlocksByChapter, presentingOnce, renderChapterHtml, type RenderedChapter } from '../shared/chapterHtml.js';
import { hyphenateTree, hyphenatorFor } from '../shared/hyphenate.js';
import { chapterRenderKey } from '../shared/renderKey.js';
import { bookHasMath, katexStylesheet, writeKatexAssets } from '../shared/mathAssets.js';
import { bookDiagrams, drawnDiagramsKey } from '../shared/diagrams.js';
import { lightThemeForeground, prepareHighlighter } from '../shared/highlight.js';
import type { RenderContext, Renderer, RenderResult } from '../renderer.js';
import { linkOrCopy, loadTheme } from '../theme.js';
import type { PrintPageMap } from '../shared/pageMap.js';
import { changeMarkCss } from './changeMarks.js';
import { compactHighlighting } from './compactCode.js';
import { measurePageStarts } from './pageStarts.js';
import { finishPdf } from './finishPdf.js';
import type { OutlineHeading } from './outline.js';
import { copyPrintFonts, loadPrintFonts } from './printFonts.js';
import { layOut, type LayoutResult } from './layoutPasses.js';
import { lengthToMm, pageCss, pageGeometry, type PageGeometry } from './pageStyle.js';
import { chapterPageName, printDocument, type PrintChapter } from './printDocument.js';
import { printIndexPageName } from './printIndex.js';

/**
 * The print PDF: the same chapter HTML as the HTML book, assembled into one print document and laid out by
 * headless Chromium (found on the machine, never downloaded). See layoutPasses.ts for the two-pass layout.
 */
export interface PdfRendererOptions {
  /** Also measure where every printed page starts (`RenderResult.pageMap`, for the EPUB's page list). */
  pageMap?: boolean;
  /**
   * Lay the book out only to measure its pages, without writing a PDF (an EPUB built without the PDF still
   * gets print page numbers). Without a browser this is silent: the EPUB says what it left out.
   */
  measureOnly?: boolean;
}

export function pdfRenderer(options: PdfRendererOptions = {}): Renderer {
  return {
    name: options.measureOnly ? 'printPages' : 'pdf',
    async render(ctx) {
      try {
        return await renderPdf(ctx, options);
      } catch (error) {
        // A PDF that cannot be made must not cost the author the other formats: report it, write nothing.
        if (options.measureOnly) return { outputs: [] };
        ctx.diagnostics.add({
          severity: 'error',
          file: ctx.book.configPath,
          message: `The PDF was not built: ${(error as Error).message.split('\n')[0]}`,
          hint: 'The other formats were still written. Please report this with the book if it keeps happening.',
          ruleId: 'pdf/failed',
        });
        return { outputs: [] };
      }
    },
  };
}

async function renderPdf(ctx: RenderContext, options: PdfRendererOptions): Promise<RenderResult> {
  const { book } = ctx;
  // Look for the browser before doing any work: without one there is nothing to print with.
  const executablePath = findBrowser();
  if (!executablePath) {
    if (options.measureOnly) return { outputs: [] };
    reportNoBrowser(ctx, new BrowserNotFoundError().message);
    return { outputs: [] };
  }
  const started = performance.now();
  // Chromium starts while the print document is assembled: its start-up is a good part of a small build.
  const launchStarted = performance.now();
  const launching = launchBrowser({ executablePath }).then(
    (launched) => ({ launched, launchMs: performance.now() - launchStarted }),
    (error: Error) => ({ error }),
  );
  const workDir = process.env.EVERGREEN_PDF_WORK_DIR ?? path.join(ctx.stagingDir, '.pdf-work');
  await mkdir(workDir, { recursive: true });
  ctx.progress?.('PDF: assembling the print book');
  let htmlFile: string;
  let geometry: PageGeometry;
  try {
    ({ htmlFile, geometry } = await writePrintDocument(ctx, workDir));
  } catch (error) {
    await launching.then((r) => ('launched' in r ? r.launched.close() : undefined));
    throw error;
  }
  const assembledMs = performance.now() - started;

  ctx.progress?.('PDF: laying out pages');
  const launch = await launching;
  if ('error' in launch) {
    if (options.measureOnly) return { outputs: [] };
    reportNoBrowser(
      ctx,
      `Chromium at ${executablePath} could not be started: ${launch.error.message.split('\n')[0]}`,
      launch.error instanceof BrowserStartError ? launch.error.hint : undefined,
    );
    return { outputs: [] };
  }
  const { launched, launchMs } = launch;
  let layout: LayoutResult;
  let headings: OutlineHeading[];
  let pageMap: PrintPageMap | undefined;
  let pageMapMs = 0;
  const loadStarted = performance.now();
  let loadedMs = 0;
  try {
    const page = await launched.browser.newPage();
    // Images and fonts come from files next to the document: load it from disk, not with setContent.
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load', timeout: 0 });
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    loadedMs = performance.now() - loadStarted;
    layout = await layOut(page, { recto: book.config.pdf.recto });
    headings = await page.evaluate(() =>
      [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
        .filter((h) => h.getClientRects().length > 0)
        .map((h) => {
          const role = h.classList.contains('part-title') ? 'part' : h.tagName === 'H1' && h.closest('section.chapter[data-part]') ? 'part-chapter' : undefined;
          return { text: h.textContent ?? '', ...(role ? { role } : {}) } as OutlineHeading;
        }),
    );
    if (options.pageMap || options.measureOnly) {
      const measureStarted = performance.now();
      pageMap = await measurePageStarts(page, layout.frontPages);
      pageMapMs = performance.now() - measureStarted;
    }
  } finally {
    // Chromium holds the laid-out book (most of the memory): let it go before pdf-lib parses the PDF.
    await launched.close();
  }
  const layoutMs = performance.now() - loadStarted - loadedMs - pageMapMs;
  if (options.measureOnly) return { outputs: [], pageMap, stats: { pages: layout.pageCount, layoutMs, pageMapMs } };
  if (!layout.settled) {
    ctx.diagnostics.warn(book.configPath, `PDF: the page numbers in the table of contents did not settle after ${layout.passes} layouts; some may be off by a page`, {
      ruleId: 'pdf/toc-unsettled',
    });
  }
  ctx.progress?.('PDF: bookmarks and metadata');
  const finishStarted = performance.now();
  const { config } = book;
  const { bytes, headsRemoved } = await finishPdf(layout.pdf, {
    headings,
    frontPages: layout.frontPages,
    openingPages: layout.openingPages,
    topMarginPx: (lengthToMm(geometry.margins.top) / 25.4) * 96,
    metadata: {
      title: config.subtitle ? `${config.title}: ${config.subtitle}` : config.title,
      authors: config.authors,
      subject: config.description ?? config.subtitle,
      keywords: config.keywords,
      language: config.language,
      creator: `Evergreen ${evergreenVersion}`,
      date: ctx.version.date,
    },
  });
  const name = `${config.slug}.pdf`;
  await writeFile(path.join(ctx.stagingDir, name), bytes);
  return {
    outputs: [name],
    pageMap,
    stats: {
      ...(pageMap ? { pageMapMs } : {}),
      pages: layout.pageCount,
      passes: layout.passes,
      headsRemoved,
      bytes: bytes.length,
      assembleMs: assembledMs,
      launchMs,
      loadMs: loadedMs,
      layoutMs,
      finishMs: performance.now() - finishStarted,
    },
  };
}

function reportNoBrowser(ctx: RenderContext, message: string, remedy = noBrowserHint): void {
  ctx.diagnostics.add({
    severity: 'error',
    file: ctx.book.configPath,
    message: `The PDF was not built: ${message.replace(` ${noBrowserHint}`, '')}`,
    hint: `${remedy} The other formats were still written. To skip the PDF, build with \`--format html\` or set \`formats: [html]\` in book.yaml.`,
    ruleId: 'pdf/no-browser',
  });
}

/** Writes print.html with its fonts, stylesheets and media into the work folder. */
async function writePrintDocument(ctx: RenderContext, workDir: string): Promise<{ htmlFile: string; geometry: PageGeometry }> {
  const { book } = ctx;
  // Chapters are cached like the HTML book's (by text, link targets, Evergreen version and what the code
  // presenter depends on), except with a presenter that cannot name its inputs.
  const cache = ctx.cacheDir && (!ctx.presenter || ctx.presenter.cacheKey) ? new DiskCache<RenderedChapter>(ctx.cacheDir, 'pdf-chapters-4') : undefined;
  // Justified print text is hyphenated at build time, with the patterns of the book's language.
  const hyphenate = hyphenatorFor(book.config.language);
  if (!hyphenate) {
    ctx.diagnostics.warn(book.configPath, `PDF: no hyphenation patterns for language "${book.config.language}"; justified lines may have wide gaps`, {
      hint: 'Set `language:` in book.yaml to a language tag such as en, en-GB, de or fr.',
      ruleId: 'pdf/no-hyphenation',
    });
  }
  const { svgs: diagrams } = await bookDiagrams(book, ctx.diagnostics, ctx.cacheDir);
  const renderKey = (chapter: Chapter) => chapterRenderKey(book, chapter, `single:${hyphenate ? book.config.language : ''}${drawnDiagramsKey(chapter, diagrams)}`, ctx.presenter);
  const rendered = new Map<Chapter, RenderedChapter>();
  for (const chapter of book.chapters) {
    const cached = cache?.get(renderKey(chapter));
    if (cached) rendered.set(chapter, cached);
  }
  const stale = book.chapters.filter((c) => !rendered.has(c));
  const presenter = presentingOnce(ctx.presenter as CodePresenter | undefined);
  const highlighter = await prepareHighlighter(codeBlocksByChapter(stale, presenter), ctx.cacheDir);
  const defaultColour = await lightThemeForeground();
  for (const chapter of stale) {
    const finish = hyphenate ? (tree: HastRoot) => hyphenateTree(tree, hyphenate) : undefined;
    const screen = renderChapterHtml({ book, chapter, highlighter, presenter, mode: 'single', finish, diagrams });
    const html = { ...screen, html: compactHighlighting(screen.html, defaultColour) };
    rendered.set(chapter, html);
    cache?.set(renderKey(chapter), html);
  }
  const chapters: PrintChapter[] = [];
  const media = new Map<string, string>();
  for (const chapter of book.chapters) {
    const { html, assets } = rendered.get(chapter)!;
    chapters.push({ chapter, html });
    for (const asset of assets) media.set(asset.relPath, asset.file);
  }
  const theme = await loadTheme(book.root);
  const geometry = pageGeometry(book.config.pdf);
  const hasMath = bookHasMath(book);
  const html = printDocument({
    book,
    extraHead: hasMath ? `<link rel="stylesheet" href="${katexStylesheet}">` : undefined,
    version: ctx.version,
    chapters,
    pageCss:
      pageCss(geometry, book.config.title, [...book.chapters.map((c) => ({ pageName: chapterPageName(c), title: c.title })), { pageName: printIndexPageName, title: 'Index' }]) +
      (ctx.version.changedSections?.length ? changeMarkCss(geometry) : ''),
    printCss: theme.files['print.css'] ?? '',
    generator: `Evergreen ${evergreenVersion}`,
  });
  const htmlFile = path.join(workDir, 'print.html');
  await Promise.all([
    writeFile(htmlFile, html),
    writeFile(path.join(workDir, 'fonts.css'), loadPrintFonts().css),
    copyPrintFonts(workDir),
    hasMath ? writeKatexAssets(workDir) : undefined,
    ...[...media].map(async ([relPath, file]) => {
      const target = path.join(workDir, 'media', relPath);
      await mkdir(path.dirname(target), { recursive: true });
      await linkOrCopy(file, target);
    }),
  ]);
  return { htmlFile, geometry };
}
