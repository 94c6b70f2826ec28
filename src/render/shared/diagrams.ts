import type { Book, Chapter } from '../../book/model.js';
import { type Diagnostic, DiagnosticBag } from '../../diagnostics/diagnostic.js';
import { findBrowser } from '../../util/browser.js';
import { DiskCache } from '../../util/diskCache.js';
import { type DiagramSvgs, diagramSlots } from './diagramHast.js';
import { diagramHash, mermaidVersion } from './diagramKey.js';
import type { MermaidFailure, MermaidResult } from './mermaidPages.js';
import { type MermaidDrawer, startMermaid } from './mermaidThread.js';

export { diagramHash } from './diagramKey.js';
export type { DiagramSvgs } from './diagramHast.js';

/**
 * ```` ```mermaid ```` blocks rendered to inline SVG when the book is built, in the Chromium Evergreen already
 * drives for the PDF (render/shared/mermaidPages.ts): every diagram not in the cache, in a light and a dark
 * variant. Results (and syntax errors) are cached by content hash,
 * so a rebuild renders only diagrams that changed, and none at all when no diagram changed.
 */
type Rendered = MermaidResult;

/** Which of a chapter's diagrams were drawn: part of its render cache key (a diagram drawn later re-renders it). */
export function drawnDiagramsKey(chapter: Chapter, diagrams: Map<string, DiagramSvgs>): string {
  const blocks = chapter.analysis.features?.diagrams ?? [];
  return blocks.length ? `\0diagrams:${blocks.map((b) => (diagrams.has(diagramHash(b.source)) ? '1' : '0')).join('')}` : '';
}

export interface BookDiagrams {
  svgs: Map<string, DiagramSvgs>;
  /** Diagrams drawn in the browser by this build (the rest came from the cache). */
  drawn: number;
  /** Syntax errors (positioned at the chapter), and diagrams that could not be drawn. */
  problems: Diagnostic[];
}

const inFlight = new WeakMap<Book, Promise<BookDiagrams>>();
/** The bags each book's diagram problems were reported to: once per build, whichever renderer or check asks. */
const reportedTo = new WeakMap<BookDiagrams, WeakSet<DiagnosticBag>>();

/**
 * Every diagram of the book as SVG, by diagramHash. The first renderer (or `check`) to ask renders them;
 * later ones of the same book model get the same answer, and each diagnostics bag gets the problems once.
 */
export async function bookDiagrams(book: Book, diagnostics: DiagnosticBag, cacheDir: string | undefined): Promise<BookDiagrams> {
  let pending = inFlight.get(book);
  if (!pending) {
    pending = renderBookDiagrams(book, cacheDir);
    inFlight.set(book, pending);
  }
  const result = await pending;
  const bags = reportedTo.get(result) ?? new WeakSet<DiagnosticBag>();
  reportedTo.set(result, bags);
  if (!bags.has(diagnostics)) {
    bags.add(diagnostics);
    diagnostics.addAll(result.problems);
  }
  return result;
}

/**
 * The diagram cache, read once per diagram in a build: the text scan, the slots and the drawing step each
 * ask for the same entries (content-addressed, so a remembered entry is never stale). Bounded, for `dev`.
 */
const remembered = new Map<string, Rendered>();
function diagramCache(cacheDir: string | undefined): { get(hash: string): Rendered | undefined; set(hash: string, value: Rendered): void } | undefined {
  if (!cacheDir) return undefined;
  const disk = new DiskCache<Rendered>(cacheDir, 'diagrams');
  const key = (hash: string) => `${cacheDir}\0${hash}`;
  const remember = (hash: string, value: Rendered) => {
    if (remembered.size >= 2000) remembered.delete(remembered.keys().next().value!);
    remembered.set(key(hash), value);
  };
  return {
    get(hash) {
      const found = remembered.get(key(hash)) ?? disk.get(hash);
      if (found) remember(hash, found);
      return found;
    },
    set(hash, value) {
      disk.set(hash, value);
      remember(hash, value);
    },
  };
}

/**
 * The book's diagrams as far as they are known before drawing: those in the cache, and a slot
 * (diagramHast.ts) for each one a browser is about to draw, so that chapters can be rendered meanwhile.
 */
export function diagramsSoFar(book: Book, cacheDir: string | undefined): Map<string, DiagramSvgs> {
  const cache = diagramCache(cacheDir);
  const known = new Map<string, DiagramSvgs>();
  let browser: boolean | undefined;
  for (const chapter of book.chapters) {
    for (const block of chapter.analysis.features?.diagrams ?? []) {
      const hash = diagramHash(block.source);
      if (known.has(hash)) continue;
      const cached = cache?.get(hash);
      if (cached) {
        if (!('error' in cached)) known.set(hash, cached);
      } else if ((browser ??= findBrowser() !== undefined)) {
        known.set(hash, diagramSlots(hash));
      }
    }
  }
  return known;
}

async function renderBookDiagrams(book: Book, cacheDir: string | undefined): Promise<BookDiagrams> {
  const diagnostics = new DiagnosticBag();
  const blocks = book.chapters.flatMap((chapter) => (chapter.analysis.features?.diagrams ?? []).map((block) => ({ chapter, block, hash: diagramHash(block.source) })));
  const svgs = new Map<string, DiagramSvgs>();
  let drawn = 0;
  if (blocks.length === 0) {
    await closeWarmDiagrams(book.root);
    return { svgs, drawn, problems: [] };
  }
  const cache = diagramCache(cacheDir);
  const results = new Map<string, Rendered>();
  for (const { hash } of blocks) {
    const cached = cache?.get(hash);
    if (cached) results.set(hash, cached);
  }
  const missing = [...new Map(blocks.filter((b) => !results.has(b.hash)).map((b) => [b.hash, b.block.source])).entries()];
  if (missing.length === 0) await closeWarmDiagrams(book.root);
  if (missing.length > 0) {
    const executablePath = findBrowser();
    if (!executablePath) {
      for (const { chapter, block, hash } of blocks) {
        if (results.has(hash)) continue;
        diagnostics.add({
          severity: 'warning',
          file: chapter.path,
          line: block.line,
          column: block.column,
          message: 'This Mermaid diagram was not drawn: no Chromium or Chrome was found, so the HTML shows its source',
          hint: 'Install Chromium (or set PUPPETEER_EXECUTABLE_PATH) and build again to get the diagram as SVG.',
          ruleId: 'diagram/no-browser',
        });
      }
    } else {
      drawn = missing.length;
      for (const [hash, rendered] of await drawInBrowser(book.root, executablePath, missing)) {
        results.set(hash, rendered);
        cache?.set(hash, rendered);
      }
    }
  }
  for (const { chapter, block, hash } of blocks) {
    const result = results.get(hash);
    if (!result) continue;
    if ('error' in result) {
      // Mermaid counts lines from the diagram's first line; the block's text starts on the line after the fence.
      diagnostics.add({
        severity: 'error',
        file: chapter.path,
        line: block.line + (result.line ?? 1),
        column: block.column + (result.column ?? 0),
        ...failureReport(result),
      });
    } else {
      svgs.set(hash, result);
    }
  }
  return { svgs, drawn, problems: diagnostics.items };
}

/** What an author is told of a diagram Mermaid could not draw. */
function failureReport(failure: MermaidFailure): Pick<Diagnostic, 'message' | 'hint' | 'ruleId'> {
  if (failure.kind === 'type') {
    const named = /for text: *(\S*)/.exec(failure.error)?.[1];
    return {
      message: `Mermaid ${mermaidVersion} has no diagram type${named ? ` "${named}"` : ''}: the diagram's first line must name one`,
      hint: `Check its spelling (flowchart, sequenceDiagram, classDiagram…: https://mermaid.js.org/intro/syntax-reference.html). Evergreen draws with the Mermaid it ships (${mermaidVersion}), without external diagrams such as ZenUML.`,
      ruleId: 'diagram/unknown-type',
    };
  }
  if (failure.kind === 'drawing') {
    return {
      message: `Mermaid could not draw this diagram: ${failure.error}`,
      hint: 'Its text parses; what it needs when drawn could not be had (an image by URL is loaded at build time: put it under manuscript/, or check that this machine can reach it).',
      ruleId: 'diagram/draw-failed',
    };
  }
  return {
    message: `Mermaid syntax error: ${failure.error}`,
    hint: 'Fix the diagram (syntax: https://mermaid.js.org/intro/syntax-reference.html); try it in https://mermaid.live.',
    ruleId: 'diagram/syntax-error',
  };
}

/**
 * Chromium started early for a book's new diagrams (by book root), with the diagrams its text shows
 * already being drawn, until its build takes them.
 */
interface WarmDrawing {
  drawer: Promise<MermaidDrawer | undefined>;
  /** The diagrams found in the chapters' text, by hash. */
  early: Set<string>;
  drawn: Promise<Map<string, MermaidResult>>;
}
const warmPages = new Map<string, WarmDrawing>();

/** Opening fences of Mermaid blocks as GitHub, pandoc (`{.mermaid …}`) and Quarto (`{mermaid}`) write them. */
const mermaidFence = /^(`{3,}|~{3,})[ \t]*(?:\{\s*\.?)?mermaid\b[^\n]*\n([\s\S]*?)^\1[`~]*[ \t]*$/gm;

/**
 * Starts Chromium with Mermaid loaded, and draws the diagrams the cache lacks, as soon as the chapters are
 * read (before they are parsed): drawing overlaps parsing and rendering instead of following them. A cheap
 * look at the text: a diagram it misjudges (say, one inside a list) is drawn all the same when the build
 * asks for it. Returns whether a browser was started.
 */
export function warmUpDiagrams(root: string, sources: readonly string[], cacheDir: string | undefined): boolean {
  if (warmPages.has(root)) return true;
  const cache = diagramCache(cacheDir);
  const unseen = new Map<string, string>();
  for (const source of sources) {
    if (!source.includes('mermaid')) continue;
    for (const match of source.matchAll(mermaidFence)) {
      const text = match[2].replace(/\r\n?/g, '\n').replace(/\n$/, '');
      const hash = diagramHash(text);
      if (!unseen.has(hash) && !cache?.get(hash)) unseen.set(hash, text);
    }
  }
  const executablePath = unseen.size > 0 ? findBrowser() : undefined;
  if (!executablePath) return false;
  // A failed start is not reported here: the build starts again when it needs the browser, and reports then.
  const started = startMermaid(executablePath, [...unseen]);
  const drawn = started.first.catch(() => new Map<string, MermaidResult>());
  warmPages.set(root, { drawer: started.drawer.catch(() => undefined), early: new Set(unseen.keys()), drawn });
  return true;
}

/** Closes a browser started early that no build took (the command ended first, or its book has no new diagram). */
export async function closeWarmDiagrams(root: string): Promise<void> {
  const warm = warmPages.get(root);
  warmPages.delete(root);
  await (await warm?.drawer)?.close();
}

async function drawInBrowser(root: string, executablePath: string, diagrams: [string, string][]): Promise<Map<string, Rendered>> {
  const warm = warmPages.get(root);
  warmPages.delete(root);
  const drawer = (await warm?.drawer) ?? (await startMermaid(executablePath).drawer);
  try {
    const rest = diagrams.filter(([hash]) => !warm?.early.has(hash));
    const [early, later] = await Promise.all([warm?.drawn ?? new Map<string, Rendered>(), rest.length ? drawer.draw(rest) : new Map<string, Rendered>()]);
    const results = new Map<string, Rendered>();
    for (const [hash] of diagrams) {
      const result = later.get(hash) ?? early.get(hash);
      if (result) results.set(hash, result);
    }
    // An early drawing that failed (the browser died while drawing) is drawn again, once.
    const lost = diagrams.filter(([hash]) => !results.has(hash));
    if (lost.length) for (const [hash, result] of await drawer.draw(lost)) results.set(hash, result);
    return results;
  } finally {
    await drawer.close();
  }
}
