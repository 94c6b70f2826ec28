import path from 'node:path';
import { loadBook } from '../book/loadBook.js';
import type { Book } from '../book/model.js';
import { analysisCacheName } from '../book/loadBook.js';
import { htmlChapterCacheName } from '../render/html/cacheNames.js';
import { closeWarmDiagrams, warmUpDiagrams } from '../render/shared/diagrams.js';
import { closeWarmTypeCheck, warmUpTypeCheck } from '../samples/languages/typescript/typeCheckThread.js';
import { cacheRoot, keepCachesInMemory } from '../util/diskCache.js';
import { ChapterWorkers } from './chapterWorkers.js';
import { FormatRegistry } from './formatRegistry.js';
import { loadProjectConfig } from './projectConfig.js';

export interface OpenProjectOptions {
  /** The book project folder (holds manuscript/, and book.yaml or evergreen.config.js). Default: the current folder. */
  root?: string;
  /** Ignore the on-disk caches (every chapter is parsed, every output rendered again). */
  noCache?: boolean;
  /** Chapter worker threads for large cold builds (default on; off for a live preview, whose edits are small). */
  workers?: boolean;
  /**
   * Start Chromium for Mermaid diagrams not drawn before as soon as the chapters are read, so that its start
   * overlaps parsing (for commands that draw diagrams: build, check, dev). Closed by `close()` if unused.
   */
  warmUpDiagrams?: boolean;
  /**
   * Start the TypeScript samples' type-check on a thread of its own as soon as the chapters are read, when
   * no type-check results are stored yet (for `build`, which highlights code meanwhile).
   */
  warmUpTypeCheck?: boolean;
}

/**
 * A book project, opened once per command (like mdBook's `MDBook::load`): the config, the format registry
 * with the formats the config brings, the book model, the cache folder and the chapter worker threads.
 * `build`, `check`, `release`, `diff` and `dev` all take a project; none of them loads the book itself.
 */
export class Project {
  private constructor(
    readonly root: string,
    readonly formats: FormatRegistry,
    /** The book model; replaced (never mutated) by `reload`. */
    public book: Book,
    readonly noCache: boolean,
    private readonly workers: ChapterWorkers | undefined,
  ) {}

  static async open(options: OpenProjectOptions = {}): Promise<Project> {
    const root = path.resolve(options.root ?? '.');
    const formats = new FormatRegistry();
    // A type-check thread the command preloaded for this folder is stopped when no book can be opened.
    const config = await loadProjectConfig(root, formats).catch(async (error: unknown) => {
      await closeWarmTypeCheck(root);
      throw error;
    });
    // Threads for chapter-level work on a cold or mostly stale build; they start only if a batch is large.
    const workers = options.workers === false ? undefined : ChapterWorkers.create();
    try {
      const cacheDir = options.noCache ? undefined : cacheRoot(root);
      const onSources = (sources: string[]) => {
        if (options.warmUpDiagrams) warmUpDiagrams(root, sources, cacheDir);
        if (options.warmUpTypeCheck) warmUpTypeCheck({ root, configPath: config.path, config: config.config }, sources);
      };
      const book = await loadBook(root, { noCache: options.noCache, parallel: workers, config, onSources });
      return new Project(root, formats, book, options.noCache ?? false, workers);
    } catch (error) {
      await Promise.all([workers?.close(), closeWarmDiagrams(root), closeWarmTypeCheck(root)]);
      throw error;
    }
  }

  /** Content-addressed intermediate results (analysis, rendered chapters, samples), or undefined with `noCache`. */
  get cacheDir(): string | undefined {
    return this.noCache ? undefined : cacheRoot(this.root);
  }

  /** Chapter worker threads, when this machine has cores to spare. */
  get parallel(): ChapterWorkers | undefined {
    return this.workers;
  }

  /**
   * Reads the config and the book again (for `evergreen dev`): chapters whose files are not in `changed` are
   * taken over from the current model without being read again. A config error throws and keeps the old book.
   */
  async reload(changed: ReadonlySet<string>): Promise<Book> {
    const formats = new FormatRegistry();
    const config = await loadProjectConfig(this.root, formats);
    for (const format of formats.list()) if (!this.formats.get(format.name)) this.formats.register(format);
    this.book = await loadBook(this.root, { config, previous: { book: this.book, changed } });
    return this.book;
  }

  async close(): Promise<void> {
    await Promise.all([this.workers?.close(), closeWarmDiagrams(this.root), closeWarmTypeCheck(this.root)]);
  }
}

/** Opens a book project: see {@link Project}. */
export function openProject(options: OpenProjectOptions = {}): Promise<Project> {
  return Project.open(options);
}

/**
 * Keeps the chapter analyses and rendered chapters of recent builds in memory as well as on disk (for
 * `evergreen dev`, whose rebuilds read them again at once). The stages name their own caches.
 */
export function keepBuildCachesInMemory(limit: number): void {
  keepCachesInMemory([analysisCacheName, htmlChapterCacheName], limit);
}
