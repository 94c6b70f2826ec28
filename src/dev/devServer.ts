import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import type { Book } from '../book/model.js';
import { type Diagnostic, EvergreenError, formatLocation } from '../diagnostics/diagnostic.js';
import { buildDate, buildProject, type BuildResult } from '../driver/build.js';
import { openProject, type Project } from '../driver/project.js';
import { findConfigFile } from '../driver/projectConfig.js';
import { bookVersionFromHistory } from '../release/version.js';
import { loadTheme } from '../render/theme.js';
import { keepCachesInMemory } from '../util/diskCache.js';
import { devHead } from './browserClient.js';
import { devSamplePresenter } from './cacheablePresenter.js';
import { type ChangeWatcher, watchChanges } from './changeWatcher.js';
import { createBookServer, listen } from './httpServer.js';
import { LiveReloadHub, type LiveEvent, type OverlayProblem } from './liveReloadHub.js';
import { diffOutput, type OutputChanges, snapshotOutput, type OutputSnapshot } from './outputChanges.js';
import { RebuildQueue } from './rebuildQueue.js';
import { SampleChecks } from './sampleChecks.js';
import { extraWatchPaths, includedFiles, isBookSource } from './watchTargets.js';
import { missingBookError } from '../book/loadConfig.js';

export interface DevServerOptions {
  /** The book project folder (contains manuscript/book.yaml). */
  root?: string;
  /** Default 3000; 0 picks any free port. */
  port?: number;
  /** Default 127.0.0.1 (this machine only). */
  host?: string;
  /** Fail when the port is taken instead of trying the next ones. */
  strictPort?: boolean;
  /** Re-check the samples of changed chapters in the background. Default true. */
  checkSamples?: boolean;
  /** Quiet time that groups a burst of file events into one rebuild. Default 20 ms. */
  debounceMs?: number;
  /** Where messages go (the terminal); silent by default. */
  reporter?: DevReporter;
}

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

/**
 * A running `evergreen dev`: emits `rebuild` (RebuildReport), `event` (each live-reload message sent) and
 * `samples` (after each background sample check).
 */
export interface DevServer extends EventEmitter {
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** `<root>/.evergreen/dev`: never the release build's dist/. */
  readonly outDir: string;
  /** Resolves when no rebuild and no sample check is running or waiting. */
  idle(): Promise<void>;
  /** Stops the watcher, the server (ending open event streams) and the sample checker; waits for a running build. */
  close(): Promise<void>;
}

/** How long a failed build waits for a follow-up change before its errors are shown. */
const failureGraceMs = 80;

const silent: DevReporter = { info: () => {}, problems: () => {}, rebuilt: () => {} };

/** Where `evergreen dev` builds a book. */
export function devOutDir(root: string): string {
  return path.join(root, '.evergreen', 'dev');
}

/** Builds the book, serves it, and rebuilds on every save. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const root = path.resolve(options.root ?? '.');
  const reporter = options.reporter ?? silent;
  const configPath = findConfigFile(root);
  if (!existsSync(configPath)) throw missingBookError(configPath);
  const outDir = devOutDir(root);
  const htmlDir = path.join(outDir, 'html');
  const hub = new LiveReloadHub();
  const events = new EventEmitter();
  hub.onSend = (event: LiveEvent) => events.emit('event', event);

  let snapshot: OutputSnapshot = await snapshotOutput(htmlDir);
  let book: Book | undefined;
  /** The book of the last successful build: samples are re-checked for chapters that differ from it. */
  let lastGoodBook: Book | undefined;
  let failureNotice: NodeJS.Timeout | undefined;
  let closing: Promise<void> | undefined;
  /** The project, opened by the first build that could read the config; each rebuild reloads its book. */
  let project: Project | undefined;
  /** Files changed since the project's book was last loaded: the next load reuses everything else. */
  let changedSinceWarm = new Set<string>();
  /** Chapters shown without their samples' types, until the background check has found them. */
  let awaitingTypes = new Set<string>();
  keepCachesInMemory(['analysis-', 'html-chapters'], 4_000);
  let buildProblems: Diagnostic[] = [];
  const sampleProblems = new Map<string, Diagnostic[]>();
  let extraWatched: string[] = [];
  let watcher: ChangeWatcher | undefined;

  const toOverlay = (d: Diagnostic, source: OverlayProblem['source']): OverlayProblem => ({
    location: formatLocation(d, root),
    message: d.message,
    hint: d.hint,
    details: d.details,
    source,
  });
  const publishProblems = () => {
    const fromSamples = [...sampleProblems.values()].flat().filter((d) => d.severity === 'error');
    hub.setProblems([...buildProblems.map((d) => toOverlay(d, 'build')), ...fromSamples.map((d) => toOverlay(d, 'samples'))]);
  };

  const samples =
    options.checkSamples !== false
    ? new SampleChecks({
        root,
        onResults: (results) => {
          for (const [file, list] of results) {
            if (list.length > 0) sampleProblems.set(file, list);
            else sampleProblems.delete(file);
          }
          reporter.problems([...sampleProblems.values()].flat(), 'samples');
          publishProblems();
          events.emit('samples', results);
          // The check has cached these chapters' types: build them again to show them.
          const typed = [...results.keys()].filter((file) => awaitingTypes.has(file));
          if (typed.length > 0 && !closing) queue.push(typed);
        },
        onError: (error) => reporter.info(`sample check failed: ${String(error)}`),
      })
    : undefined;

  /** One rebuild: load, render into the dev folder, compare outputs, tell the pages. Never throws. */
  const rebuild = async (changed: ReadonlySet<string>, since: number): Promise<void> => {
    if (failureNotice) clearTimeout(failureNotice);
    failureNotice = undefined;
    const buildStarted = performance.now();
    for (const file of changed) changedSinceWarm.add(file);
    let result: Omit<BuildResult, 'book'> & { book?: Book };
    let loadMs = 0;
    try {
      // The book stays warm: chapters whose files did not change are taken over from the last load.
      if (project) await project.reload(changedSinceWarm);
      else project = await openProject({ root });
      const loaded = project.book;
      loadMs = performance.now() - buildStarted;
      changedSinceWarm = new Set();
      const shown = loaded.diagnostics.some((d) => d.severity === 'error') ? { awaitingTypes: new Set<string>() } : devSamplePresenter(loaded);
      awaitingTypes = shown.awaitingTypes;
      const version = await bookVersionFromHistory(loaded, buildDate());
      result = await buildProject(project, { outDir, formats: ['html'], extraHead: devHead, presenter: shown.presenter, version });
    } catch (error) {
      const diagnostics: Diagnostic[] =
        error instanceof EvergreenError
          ? error.diagnostics
          : [{ severity: 'error', file: configPath, message: `Build crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, ruleId: 'dev/crash' }];
      result = { ok: false, outDir, outputs: [], stats: {}, diagnostics };
    }
    const stats: Record<string, number> = { ...result.stats, loadMs, waitMs: buildStarted - since, buildMs: performance.now() - buildStarted };
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    let reload: RebuildReport['reload'];
    const compareStarted = performance.now();
    if (result.ok) {
      const next = await snapshotOutput(htmlDir);
      const changes: OutputChanges = diffOutput(snapshot, next);
      snapshot = next;
      const pages = changes.assets.length > 0 ? 'all' : changes.pages;
      hub.published({ pages, stylesheets: changes.stylesheets });
      if (pages === 'all' || pages.length > 0 || changes.stylesheets.length > 0) reload = { pages, stylesheets: changes.stylesheets };
    }
    const durationMs = performance.now() - since;
    stats.compareMs = performance.now() - compareStarted;
    if (result.book) book = result.book;
    buildProblems = result.ok ? [] : errors.length > 0 ? errors : result.diagnostics;
    if (result.book) {
      const chapters = new Set(result.book.chapters.map((c) => c.path));
      for (const file of sampleProblems.keys()) if (!chapters.has(file)) sampleProblems.delete(file);
    }
    const report: RebuildReport = { ok: result.ok, changed: [...changed], durationMs, stats, reload, diagnostics: result.diagnostics };
    if (result.ok) {
      publishProblems();
      reporter.rebuilt(report);
    } else {
      // A file caught half-written (an editor that truncates, then writes) fails the build for an instant and
      // is followed at once by another change: the failure is shown only if no rebuild follows shortly.
      const announce = () => {
        failureNotice = undefined;
        publishProblems();
        reporter.problems(result.diagnostics, 'build');
        reporter.rebuilt(report);
      };
      if (changed.size === 0) announce();
      else failureNotice = setTimeout(announce, failureGraceMs);
    }
    events.emit('rebuild', report);
    if (result.book) await updateWatchList(result.book);
    if (result.ok && result.book) {
      samples?.schedule(result.book, chaptersToCheck(result.book, lastGoodBook, changed));
      lastGoodBook = result.book;
    }
  };

  const updateWatchList = async (current: Book) => {
    if (!watcher) return;
    const theme = await loadTheme(root).catch(() => ({ sources: [] as string[] }));
    const next = extraWatchPaths(current, theme.sources);
    watcher.add(next.filter((p) => !extraWatched.includes(p)));
    watcher.remove(extraWatched.filter((p) => !next.includes(p)));
    extraWatched = next;
  };

  // When the oldest change not yet built was seen: rebuild times are measured from the save.
  let pendingSince: number | undefined;
  const queue = new RebuildQueue((changed) => {
    const since = pendingSince ?? performance.now();
    pendingSince = undefined;
    return rebuild(changed, since);
  });

  const host = options.host ?? '127.0.0.1';
  const server: Server = createBookServer({ htmlDir, hub });
  let port: number;
  try {
    const listening = await listen(server, host, options.port ?? 3000, { strictPort: options.strictPort });
    port = listening.port;
    if (listening.note) reporter.info(listening.note);
  } catch (error) {
    await samples?.close();
    throw error;
  }
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;

  // The first build, once the port is ours (a taken port fails before any work). A page opened meanwhile
  // shows the previous session's build, or "not built yet", and reloads when this build is done.
  reporter.info('building the book…');
  await rebuild(new Set(), performance.now());

  watcher = watchChanges({
    root,
    relevant: (file) => isBookSource(root, file),
    debounceMs: options.debounceMs,
    onChange: (paths, firstEventAt) => {
      pendingSince ??= firstEventAt;
      queue.push(paths);
    },
    onError: (error) => reporter.info(`watcher: ${String(error)}`),
  });
  await watcher.ready;
  if (book) await updateWatchList(book);

  const devServer = Object.assign(events, {
    url: `http://${shownHost}:${port}/`,
    port,
    host,
    outDir,
    async idle() {
      await queue.idle();
      await samples?.idle();
      await queue.idle();
    },
    close() {
      closing ??= (async () => {
        await watcher?.close();
        await queue.close();
        if (failureNotice) clearTimeout(failureNotice);
        await samples?.close();
        await project?.close();
        hub.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  });
  return devServer as DevServer;
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
