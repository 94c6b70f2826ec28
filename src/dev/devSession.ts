import type { EventEmitter } from 'node:events';
import path from 'node:path';
import type { Book } from '../book/model.js';
import { type Diagnostic, EvergreenError, formatLocation } from '../diagnostics/diagnostic.js';
import { buildDate, buildProject, type BuildResult } from '../driver/build.js';
import { openProject, type Project } from '../driver/project.js';
import { bookVersionFromHistory } from '../release/version.js';
import { loadTheme } from '../render/theme.js';
import { devHead } from './browserClient.js';
import { devSamplePresenter } from './cacheablePresenter.js';
import type { ChangeWatcher } from './changeWatcher.js';
import type { LiveReloadHub, OverlayProblem } from './liveReloadHub.js';
import { diffOutput, type OutputSnapshot, snapshotOutput } from './outputChanges.js';
import { RebuildQueue } from './rebuildQueue.js';
import { SampleChecks } from './sampleChecks.js';
import { extraWatchPaths, includedFiles } from './watchTargets.js';

/** What the dev server tells the person at the terminal. */
export interface DevReporter {
  info(message: string): void;
  /** Problems of a failed build or of failing samples (all of them, each time they change). */
  problems(diagnostics: Diagnostic[], what: 'build' | 'samples'): void;
  rebuilt(report: RebuildReport): void;
}

export interface RebuildReport {
  ok: boolean;
  /** Files whose change caused the rebuild (absolute), empty for the first build. */
  changed: string[];
  /** From the first file event of the batch (or the start) to the reload event being sent. */
  durationMs: number;
  /**
   * The build's figures (`loadMs`, `htmlMs`, `html.chaptersRendered`…) plus the dev server's: `waitMs` (debounce
   * and queueing after the first event), `buildMs` (the whole build() call), `compareMs` (finding changed pages).
   */
  stats: Record<string, number>;
  /** What the browser was told to reload. */
  reload?: { pages: string[] | 'all'; stylesheets: string[] };
  diagnostics: Diagnostic[];
}

/** How long a failed build waits for a follow-up change before its errors are shown. */
const failureGraceMs = 80;

type DevBuildResult = Omit<BuildResult, 'book'> & { book?: Book };

export interface DevSessionOptions {
  root: string;
  configPath: string;
  outDir: string;
  hub: LiveReloadHub;
  events: EventEmitter;
  reporter: DevReporter;
  checkSamples: boolean;
}

/**
 * What `evergreen dev` keeps between saves: the project (its book reloaded per rebuild, unchanged chapters
 * taken over), the output snapshot to find changed pages, the problems shown in the overlay, the watched
 * extra files and the background sample checks. One rebuild at a time, through the queue.
 */
export class DevSession {
  readonly queue: RebuildQueue;
  readonly samples?: SampleChecks;
  watcher?: ChangeWatcher;
  /** The book of the last build that loaded one. */
  book?: Book;
  private project?: Project;
  private snapshot?: OutputSnapshot;
  /** The book of the last successful build: samples are re-checked for chapters that differ from it. */
  private lastGoodBook?: Book;
  /** Files changed since the project's book was last loaded: the next load reuses everything else. */
  private changedSinceLoad = new Set<string>();
  /** Chapters shown without their samples' types, until the background check has found them. */
  private awaitingTypes = new Set<string>();
  private buildProblems: Diagnostic[] = [];
  private readonly sampleProblems = new Map<string, Diagnostic[]>();
  private extraWatched: string[] = [];
  private failureNotice?: NodeJS.Timeout;
  /** When the oldest change not yet built was seen: rebuild times are measured from the save. */
  private pendingSince?: number;
  private closing?: Promise<void>;

  constructor(private readonly options: DevSessionOptions) {
    this.queue = new RebuildQueue((changed) => {
      const since = this.pendingSince ?? performance.now();
      this.pendingSince = undefined;
      return this.rebuild(changed, since);
    });
    if (options.checkSamples) {
      this.samples = new SampleChecks({
        root: options.root,
        onResults: (results) => this.samplesChecked(results),
        onError: (error) => options.reporter.info(`sample check failed: ${String(error)}`),
      });
    }
  }

  private get htmlDir(): string {
    return path.join(this.options.outDir, 'html');
  }

  /** Files changed on disk (first seen at `firstEventAt`): queued for the next rebuild. */
  changed(paths: Iterable<string>, firstEventAt: number): void {
    this.pendingSince ??= firstEventAt;
    this.queue.push(paths);
  }

  /** One rebuild: load, render into the dev folder, compare outputs, tell the pages. Never throws. */
  async rebuild(changed: ReadonlySet<string>, since: number): Promise<void> {
    const { reporter, events } = this.options;
    if (this.failureNotice) clearTimeout(this.failureNotice);
    this.failureNotice = undefined;
    this.snapshot ??= await snapshotOutput(this.htmlDir);
    const buildStarted = performance.now();
    for (const file of changed) this.changedSinceLoad.add(file);
    const { result, loadMs } = await this.build();
    const stats: Record<string, number> = { ...result.stats, loadMs, waitMs: buildStarted - since, buildMs: performance.now() - buildStarted };
    const compareStarted = performance.now();
    const reload = result.ok ? await this.publishOutput() : undefined;
    const durationMs = performance.now() - since;
    stats.compareMs = performance.now() - compareStarted;
    if (result.book) this.book = result.book;
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    this.buildProblems = result.ok ? [] : errors.length > 0 ? errors : result.diagnostics;
    if (result.book) {
      const chapters = new Set(result.book.chapters.map((c) => c.path));
      for (const file of this.sampleProblems.keys()) if (!chapters.has(file)) this.sampleProblems.delete(file);
    }
    const report: RebuildReport = { ok: result.ok, changed: [...changed], durationMs, stats, reload, diagnostics: result.diagnostics };
    if (result.ok) {
      this.publishProblems();
      reporter.rebuilt(report);
    } else {
      // A file caught half-written (an editor that truncates, then writes) fails the build for an instant and
      // is followed at once by another change: the failure is shown only if no rebuild follows shortly.
      const announce = () => {
        this.failureNotice = undefined;
        this.publishProblems();
        reporter.problems(result.diagnostics, 'build');
        reporter.rebuilt(report);
      };
      if (changed.size === 0) announce();
      else this.failureNotice = setTimeout(announce, failureGraceMs);
    }
    events.emit('rebuild', report);
    if (result.book) await this.updateWatchList(result.book);
    if (result.ok && result.book) {
      this.samples?.schedule(result.book, chaptersToCheck(result.book, this.lastGoodBook, changed));
      this.lastGoodBook = result.book;
    }
  }

  /** Reloads the book (opening the project on the first build that can read the config) and renders the HTML. */
  private async build(): Promise<{ result: DevBuildResult; loadMs: number }> {
    const started = performance.now();
    try {
      if (this.project) await this.project.reload(this.changedSinceLoad);
      else this.project = await openProject({ root: this.options.root, warmUpDiagrams: true });
      const book = this.project.book;
      const loadMs = performance.now() - started;
      this.changedSinceLoad = new Set();
      const shown = book.diagnostics.some((d) => d.severity === 'error') ? { awaitingTypes: new Set<string>() } : devSamplePresenter(book);
      this.awaitingTypes = shown.awaitingTypes;
      const version = await bookVersionFromHistory(book, buildDate());
      const result = await buildProject(this.project, { outDir: this.options.outDir, formats: ['html'], extraHead: devHead, presenter: shown.presenter, version });
      return { result, loadMs };
    } catch (error) {
      const diagnostics: Diagnostic[] =
        error instanceof EvergreenError
          ? error.diagnostics
          : [
              {
                severity: 'error',
                file: this.options.configPath,
                message: `Build crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
                ruleId: 'dev/crash',
              },
            ];
      return { result: { ok: false, outDir: this.options.outDir, outputs: [], stats: {}, diagnostics }, loadMs: 0 };
    }
  }

  /** Compares the new output with the last, and tells the pages what to reload. */
  private async publishOutput(): Promise<RebuildReport['reload']> {
    const next = await snapshotOutput(this.htmlDir);
    const changes = diffOutput(this.snapshot!, next);
    this.snapshot = next;
    const pages = changes.assets.length > 0 ? 'all' : changes.pages;
    this.options.hub.published({ pages, stylesheets: changes.stylesheets });
    return pages === 'all' || pages.length > 0 || changes.stylesheets.length > 0 ? { pages, stylesheets: changes.stylesheets } : undefined;
  }

  private samplesChecked(results: Map<string, Diagnostic[]>): void {
    for (const [file, list] of results) {
      if (list.length > 0) this.sampleProblems.set(file, list);
      else this.sampleProblems.delete(file);
    }
    this.options.reporter.problems([...this.sampleProblems.values()].flat(), 'samples');
    this.publishProblems();
    this.options.events.emit('samples', results);
    // The check has cached these chapters' types: build them again to show them.
    const typed = [...results.keys()].filter((file) => this.awaitingTypes.has(file));
    if (typed.length > 0 && !this.closing) this.queue.push(typed);
  }

  private publishProblems(): void {
    const toOverlay = (d: Diagnostic, source: OverlayProblem['source']): OverlayProblem => ({
      location: formatLocation(d, this.options.root),
      message: d.message,
      hint: d.hint,
      details: d.details,
      source,
    });
    const fromSamples = [...this.sampleProblems.values()].flat().filter((d) => d.severity === 'error');
    this.options.hub.setProblems([...this.buildProblems.map((d) => toOverlay(d, 'build')), ...fromSamples.map((d) => toOverlay(d, 'samples'))]);
  }

  /** Watches the files the book uses outside manuscript/ (included sources, the theme), as they change. */
  async updateWatchList(current: Book): Promise<void> {
    if (!this.watcher) return;
    const theme = await loadTheme(this.options.root).catch(() => ({ sources: [] as string[] }));
    const next = extraWatchPaths(current, theme.sources);
    this.watcher.add(next.filter((p) => !this.extraWatched.includes(p)));
    this.watcher.remove(this.extraWatched.filter((p) => !next.includes(p)));
    this.extraWatched = next;
  }

  async idle(): Promise<void> {
    await this.queue.idle();
    await this.samples?.idle();
    await this.queue.idle();
  }

  /** Stops watching, waits for a running build, stops the sample checks and the project's workers. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.watcher?.close();
      await this.queue.close();
      if (this.failureNotice) clearTimeout(this.failureNotice);
      await this.samples?.close();
      await this.project?.close();
    })();
    return this.closing;
  }
}

/** Which chapters' samples to re-check after a rebuild. */
function chaptersToCheck(book: Book, previous: Book | undefined, changed: ReadonlySet<string>): string[] {
  // The first build, a config or compiler-options change: every chapter (the checker's cache skips unchanged samples).
  if (!previous || [...changed].some((f) => f === book.configPath || path.basename(f) === 'tsconfig.json')) return book.chapters.map((c) => c.path);
  const before = new Map(previous.chapters.map((c) => [c.path, c.hash]));
  const out = new Set<string>();
  for (const chapter of book.chapters) if (before.get(chapter.path) !== chapter.hash) out.add(chapter.path);
  for (const [chapter, files] of includedFiles(book)) if (files.some((f) => changed.has(f))) out.add(chapter);
  return [...out];
}
