import type { Book, Chapter } from '../book/model.js';
import type { DiagnosticBag } from '../diagnostics/diagnostic.js';
import type { CodePresenter } from '../book/codePresentation.js';
import type { PrintPageMap } from './shared/pageMap.js';

/** Which version of the book a build shows (footer, title page, PDF colophon). */
export interface BookVersion {
  /** What readers see, e.g. `1.2.0`, `1.2.0 + unreleased changes`, or `unreleased`. */
  label: string;
  /** The latest published version, if any. */
  version?: string;
  /** ISO date (YYYY-MM-DD) of that release, or of the build for unreleased books. */
  date: string;
  /** True when the manuscript differs from the latest release. */
  unreleasedChanges: boolean;
  /** Sections this release changed (a release build only): the PDF puts a mark in their margin. */
  changedSections?: ChangedSection[];
}

/** A section changed in the release being built ("Updated in 2.3.0"), told by the release's diff. */
export interface ChangedSection {
  chapterSlug: string;
  /** The section's heading id; '' for the chapter's opening text (or, with `wholeChapter`, all of it). */
  headingId: string;
  /** A chapter new in this release: all of it is marked. */
  wholeChapter?: boolean;
  /** What the mark says, e.g. "Updated in 2.3.0" or "New in 2.3.0". */
  label: string;
}

export interface RenderContext {
  book: Book;
  /**
   * A private staging folder. A renderer writes its outputs here (`html/`, `<slug>.pdf`); the driver moves
   * them into the output folder only when every renderer has succeeded.
   */
  stagingDir: string;
  /** The output folder the staged outputs will be moved into (where the previous build's outputs are). */
  outDir?: string;
  diagnostics: DiagnosticBag;
  presenter?: CodePresenter;
  /**
   * Given to a renderer that `rendersChaptersAsReady` while samples are still being type-checked (a first
   * build checks them on a thread of its own): resolves when the presentations of a chapter's code are
   * final. Until then the presenter throws for that chapter. Without it, every chapter is ready.
   */
  chapterReady?: (chapter: Chapter) => Promise<void>;
  version: BookVersion;
  /** Cache folder for content-addressed intermediate results, or undefined to disable caching. */
  cacheDir?: string;
  /** Reports progress of long steps (drawn on a TTY, silent when piped). */
  progress?: (message: string) => void;
  /** Renders many chapters on other threads, when the driver has workers to offer. */
  parallel?: ParallelChapterRenderer;
  /** Where the print PDF's pages start, once a renderer earlier in this build has laid it out (for the EPUB's page list). */
  printPageMap?: PrintPageMap;
}

export interface ParallelChapterRenderer {
  /** Fewest chapters worth sending to workers. */
  minBatch: number;
  render(
    book: Book,
    chapters: Chapter[],
    presenter: CodePresenter | undefined,
    /** Renders the share of chapters that stays on this thread. */
    renderHere: (chapters: Chapter[]) => Promise<Map<Chapter, RenderedBody>>,
    /** Diagrams already drawn as SVG (render/shared/diagrams.ts), by content hash. */
    diagrams?: Map<string, { light: string; dark: string }>,
    /** The book's cache folder, where workers share highlighted blocks between runs. */
    cacheDir?: string,
  ): Promise<Map<Chapter, RenderedBody>>;
}

/** A chapter's rendered body and the manuscript files it references. */
export interface RenderedBody {
  html: string;
  assets: { file: string; relPath: string }[];
}

/** A renderer turns the book model into one output format. It only reads the model (like mdBook's `Renderer`). */
export interface Renderer {
  name: string;
  render(ctx: RenderContext): Promise<RenderResult>;
  /**
   * Awaits `ctx.chapterReady` before presenting a chapter's code, so it may start before every sample is
   * type-checked. A renderer without it starts once every chapter is ready.
   */
  rendersChaptersAsReady?: boolean;
}

export interface RenderResult {
  /** Paths inside the staging folder this renderer produced (moved into the output folder on success). */
  outputs: string[];
  /** Per-renderer figures for benchmarks and the summary line (e.g. pages written, chapters re-rendered). */
  stats?: Record<string, number>;
  /** Where the printed pages start (the PDF renderer, when asked for it): later renderers get it as `printPageMap`. */
  pageMap?: PrintPageMap;
}
