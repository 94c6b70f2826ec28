import type { SourceExpansion } from '../parse/sourceExpansion.js';
import type { BookConfig } from '../book/configSchema.js';
import type { ChapterAnalysis, IncludedCode } from '../book/model.js';
import type { CodePresentation } from '../book/codePresentation.js';
import type { RenderedChapter } from '../render/shared/chapterHtml.js';
import type { ChapterBlocks, HighlightedEntries } from '../render/shared/highlight.js';

/** What a worker needs to know about the whole book to resolve links and render one chapter. */
export interface BookIndex {
  manuscriptDir: string;
  /** What rendering reads from book.yaml (math macros). */
  config: Pick<BookConfig, 'math'>;
  chapters: {
    relPath: string;
    path: string;
    slug: string;
    title: string;
    titleHeadingId?: string;
    hash: string;
    number?: number;
    source: string;
    expansions?: readonly SourceExpansion[];
    configuredTitle?: string;
    id?: string;
    part?: string;
    includes?: IncludedCode[];
    /** `features`: cross-reference labels, so every worker numbers them as the main thread does. */
    analysis: Pick<ChapterAnalysis, 'headings' | 'frontMatter' | 'titleHeadingId' | 'title' | 'features'>;
  }[];
}

export type WorkerJob =
  /** `title`: the chapter's book.yaml title, which the parse must know (see parseMarkdown). */
  | { op: 'analyze'; path: string; source: string; hash: string; title?: string; expansions?: readonly SourceExpansion[] }
  | { op: 'index'; index: BookIndex }
  /** `presentations`: how to show each code block, keyed by the block's offset in the chapter. */
  /** `cacheDir`: the book's cache folder, where highlighted blocks are shared between runs. */
  | HighlightJob
  | { op: 'render'; path: string; presentations?: [number, CodePresentation][]; diagrams?: [string, { light: string; dark: string }][]; cacheDir?: string };

export type HighlightJob = { op: 'highlight'; chapters: ChapterBlocks[]; cacheDir?: string };

export type WorkerRequest = WorkerJob & { id: number };

export type WorkerResponse = { id: number; error?: string; analysis?: ChapterAnalysis; rendered?: RenderedChapter; highlighted?: HighlightedEntries };
