import type { Root } from 'mdast';
import type { VFile } from 'vfile';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { FrontMatter } from '../parse/frontMatter.js';
import type { SourceExpansion } from '../parse/sourceExpansion.js';
import type { BookConfig } from './configSchema.js';
import type { ChapterFeatures } from './crossRefAnalysis.js';

/**
 * The book model (like mdbook-core's `Book`): built once by `loadBook`, then only read by every later
 * stage: renderers, the sample checker, the release snapshot. Nothing downstream mutates it.
 */
export interface Book {
  /** The book project folder (contains manuscript/). */
  root: string;
  /** The folder holding the chapters: `<root>/manuscript`, or the `manuscript:` folder of book.yaml. */
  manuscriptDir: string;
  /** `<root>/manuscript/book.yaml`. */
  configPath: string;
  config: BookConfig;
  /** All chapters in reading order. */
  chapters: Chapter[];
  /** The table of contents: chapters, optionally grouped into parts. */
  toc: TocEntry[];
  /** sha256 over every chapter's source and the config: the same text always gives the same hash. */
  contentHash: string;
  /** Problems found while loading (config, chapters, links). */
  diagnostics: Diagnostic[];
}

export type TocEntry = { kind: 'chapter'; chapter: Chapter } | { kind: 'part'; title: string; chapters: Chapter[] };

export interface HeadingInfo {
  depth: number;
  /** The anchor id (`{#id}` or a GitHub-style slug). */
  id: string;
  /** True when the author wrote `{#id}`. */
  explicitId: boolean;
  /** `{.unlisted}`: on the page, not in the contents (sidebar, contents pages, EPUB navigation). */
  unlisted?: boolean;
  /** `{.unnumbered}` / `{-}` (pandoc): on a chapter's title heading, the chapter has no number. */
  unnumbered?: boolean;
  text: string;
  line: number;
  column: number;
}

export interface LinkReference {
  kind: 'link' | 'image' | 'definition' | 'html';
  url: string;
  line: number;
  column: number;
}

/** A section of a chapter's text for full-text search: the text under one heading. */
export interface SearchSection {
  /** Heading id, or '' for the text before the first section heading. */
  id: string;
  title: string;
  text: string;
}

/** What loading learns about a chapter without keeping its tree: cacheable by content hash. */
export interface ChapterAnalysis {
  frontMatter: FrontMatter;
  /** From front matter `title`, else the first H1 (see `chapterTitle`); undefined when neither exists. */
  title?: string;
  /** Id of the H1 that is the title (rendered as the page's h1), if any; other headings are sections. */
  titleHeadingId?: string;
  headings: HeadingInfo[];
  links: LinkReference[];
  words: number;
  search: SearchSection[];
  /** Author problems found while parsing (front matter, duplicate ids…). */
  diagnostics: Diagnostic[];
  /** Cross-reference labels and uses, formulas: absent only in partial models (workers, tests). */
  features?: ChapterFeatures;
}

export interface Chapter {
  /** Position in reading order, from 0. */
  index: number;
  /**
   * The chapter's number in the contents, the sidebar, the PDF and cross-references ("Figure 3.2"); undefined
   * for an unnumbered chapter (`numbered: false` in book.yaml, `{.unnumbered}` on its title heading), which
   * the following chapters do not count.
   */
  number?: number;
  /** Path relative to the manuscript folder, with forward slashes (as written in book.yaml). */
  relPath: string;
  /** Absolute path of the Markdown file. */
  path: string;
  source: string;
  /**
   * sha256 of everything the chapter's tree is parsed from: its source text and the title book.yaml gives
   * it (which decides whether its `# H1` is the title or a section). See chapterParseHash.
   */
  hash: string;
  /** The title given in book.yaml (`- file: x.md` with `title: X`); the chapter is parsed knowing it. */
  configuredTitle?: string;
  /** Front matter `id`: a stable identity across renames. */
  id?: string;
  /** Page name without extension: from `id`, else from the file name. */
  slug: string;
  title: string;
  /**
   * The heading shown as the chapter's title (the page's h1; not a section of its own in the sidebar, the
   * contents, search or release diffs); undefined when the page gets a generated title heading. See chapterTitle.ts.
   */
  titleHeadingId?: string;
  /** Title of the part this chapter belongs to, if any. */
  part?: string;
  analysis: ChapterAnalysis;
  /** Text parsed in place of spans of the source (mdBook's `{{#include}}` with `dialect: mdbook`); see mdbookLinks.ts. */
  expansions?: SourceExpansion[];
  /** Files those expansions read (absolute): the dev watcher watches them, and a change to one changes the chapter. */
  includedFiles?: string[];
  /** Code blocks shown from other files (`include=`), read when the book is loaded (book/includes.ts). */
  includes?: IncludedCode[];
  /**
   * The chapter's syntax tree (parsed on first use, then shared). Read-only: transforms work on the
   * trees they derive from it (e.g. the hast from remark-rehype), never on this one.
   */
  tree(): Root;
  /** The vfile the tree was parsed into (its messages are already in `analysis.diagnostics`). */
  file(): VFile;
}

/** A code block's `include=file#region`, resolved. */
export interface IncludedCode {
  /** Offset of the code block in the chapter's source. */
  offset: number;
  /** Absolute path of the included file. */
  path: string;
  region?: string;
  /** What the block shows: the file, or its region (dedented). */
  text: string;
}
