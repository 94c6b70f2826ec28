import type { Book, Chapter } from '../../book/model.js';
import { DiskCache } from '../../util/diskCache.js';
import type { RenderContext } from '../renderer.js';
import { codeBlocksByChapter, presentingOnce, renderChapterHtml, type RenderedChapter } from './chapterHtml.js';
import { chapterCacheName } from './chapterCacheName.js';
import { fillDiagramSlots, hasDiagramSlots } from './diagramHast.js';
import { drawnDiagramsKey, type DiagramSvgs } from './diagrams.js';
import { prepareHighlighter } from './highlight.js';
import { chapterRenderKey } from './renderKey.js';

/**
 * Chapters rendered by this process, by render key, for each book model: the EPUB step of a build that also
 * makes the HTML book reuses the HTML step's chapters instead of highlighting every code block again.
 */
const renderedThisRun = new WeakMap<Book, Map<string, RenderedChapter>>();

/**
 * Diagrams still being drawn: `soFar` has the cached ones and a slot for each one being drawn
 * (diagrams.ts `diagramsSoFar`), `drawn` resolves to every diagram drawn. Chapters are rendered with the
 * slots while the browser draws, and the slots filled when it is done, so drawing and rendering overlap.
 */
export interface DiagramsInProgress {
  soFar: Map<string, DiagramSvgs>;
  drawn: Promise<Map<string, DiagramSvgs>>;
}

export interface ChapterBodies {
  bodies: Map<Chapter, RenderedChapter>;
  /** Chapters rendered here (neither from this run nor from the disk cache). */
  rendered: number;
}

/**
 * Every chapter's body as the HTML book shows it (`pages` mode, drawn diagrams, type hovers): from this
 * run, else from the disk cache, else rendered, spread over the chapter workers when there are many.
 * Formats that show less (the EPUB has no hovers nor dark diagrams) take these apart rather than render again.
 */
export async function renderChapterBodies(ctx: RenderContext, diagramsGiven: Map<string, DiagramSvgs> | DiagramsInProgress, presenterKey = ''): Promise<ChapterBodies> {
  const { book } = ctx;
  const inProgress = diagramsGiven instanceof Map ? undefined : diagramsGiven;
  // A chapter with no diagram being drawn has its final key now; the others are looked up as drawn.
  const diagrams = inProgress ? inProgress.soFar : (diagramsGiven as Map<string, DiagramSvgs>);
  const memo = renderedThisRun.get(book) ?? new Map<string, RenderedChapter>();
  renderedThisRun.set(book, memo);
  const cache = ctx.cacheDir ? new DiskCache<RenderedChapter>(ctx.cacheDir, chapterCacheName) : undefined;
  // A presenter that cannot say what it depends on makes its chapters uncacheable.
  const cacheable = !ctx.presenter || ctx.presenter.cacheKey !== undefined;
  const bodies = new Map<Chapter, RenderedChapter>();
  const stale: { chapter: Chapter; key: string }[] = [];
  const keyOf = (chapter: Chapter) => chapterRenderKey(book, chapter, `${presenterKey}${drawnDiagramsKey(chapter, diagrams)}`, ctx.presenter);
  const lookUp = (chapter: Chapter): boolean => {
    const key = keyOf(chapter);
    const found = cacheable ? (memo.get(key) ?? cache?.get(key)) : undefined;
    if (found) bodies.set(chapter, found);
    else stale.push({ chapter, key });
    return found === undefined;
  };
  const renderHere = async (chapters: Chapter[], diagrams: Map<string, DiagramSvgs>) => {
    const rendered = new Map<Chapter, RenderedChapter>();
    if (chapters.length === 0) return rendered;
    const presenter = presentingOnce(ctx.presenter);
    const highlighter = await prepareHighlighter(codeBlocksByChapter(chapters, presenter), ctx.cacheDir);
    for (const chapter of chapters) rendered.set(chapter, renderChapterHtml({ book, chapter, highlighter, presenter, mode: 'pages', diagrams, hovers: true }));
    return rendered;
  };
  const workers = ctx.parallel && book.chapters.length >= ctx.parallel.minBatch ? ctx.parallel : undefined;
  let rendered: Map<Chapter, RenderedChapter>;
  if (ctx.chapterReady && !workers) {
    ctx.progress?.('rendering chapters as their samples are type-checked');
    rendered = new Map();
    for await (const chapter of inOrderOfReadiness(book.chapters, ctx.chapterReady)) {
      if (lookUp(chapter)) for (const [c, body] of await renderHere([chapter], diagrams)) rendered.set(c, body);
    }
    if (stale.length === 0) return { bodies, rendered: 0 };
  } else {
    if (ctx.chapterReady) await Promise.all(book.chapters.map(ctx.chapterReady));
    for (const chapter of book.chapters) lookUp(chapter);
    if (stale.length === 0) return { bodies, rendered: 0 };
    ctx.progress?.(`rendering ${stale.length} chapter${stale.length === 1 ? '' : 's'}`);
    const chapters = stale.map((s) => s.chapter);
    rendered =
      workers && stale.length >= workers.minBatch
        ? await workers.render(book, chapters, ctx.presenter, (some) => renderHere(some, diagrams), diagrams, ctx.cacheDir)
        : await renderHere(chapters, diagrams);
  }
  const chapters = stale.map((s) => s.chapter);
  if (inProgress) {
    const drawn = await inProgress.drawn;
    const undrawn: Chapter[] = [];
    for (const chapter of chapters) {
      const body = rendered.get(chapter)!;
      if (!hasDiagramSlots(body.html)) continue;
      const html = fillDiagramSlots(body.html, drawn);
      if (html === undefined) undrawn.push(chapter);
      else rendered.set(chapter, { ...body, html });
    }
    // A diagram that could not be drawn is shown as its source: those few chapters are rendered again.
    for (const [chapter, body] of await renderHere(undrawn, drawn)) rendered.set(chapter, body);
    for (const entry of stale) entry.key = chapterRenderKey(book, entry.chapter, `${presenterKey}${drawnDiagramsKey(entry.chapter, drawn)}`, ctx.presenter);
  }
  for (const { chapter, key } of stale) {
    const body = rendered.get(chapter)!;
    bodies.set(chapter, body);
    if (!cacheable) continue;
    memo.set(key, body);
    cache?.set(key, body);
  }
  return { bodies, rendered: stale.length };
}

/**
 * The chapters as each becomes ready, those ready at once in book order: a chapter whose samples are
 * copies of an earlier chapter's is ready as soon as those are, before the chapters in between. Exported for tests.
 */
export async function* inOrderOfReadiness(chapters: readonly Chapter[], chapterReady: (chapter: Chapter) => Promise<void>): AsyncGenerator<Chapter> {
  const ready: Chapter[] = [];
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  for (const chapter of chapters) {
    chapterReady(chapter).then(
      () => {
        ready.push(chapter);
        wake?.();
      },
      (error: unknown) => {
        failure ??= { error };
        wake?.();
      },
    );
  }
  for (let left = chapters.length; left > 0; ) {
    if (failure) throw failure.error;
    const next = ready.shift();
    if (next) {
      left--;
      yield next;
    } else await new Promise<void>((resolve) => (wake = resolve));
  }
}
