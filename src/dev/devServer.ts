import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { missingBookError } from '../book/loadConfig.js';
import { keepBuildCachesInMemory } from '../driver/project.js';
import { findConfigFile } from '../driver/projectConfig.js';
import { watchChanges } from './changeWatcher.js';
import { DevSession } from './devSession.js';
import { createBookServer, listen } from './httpServer.js';
import { LiveReloadHub, type LiveEvent } from './liveReloadHub.js';
import { isBookSource } from './watchTargets.js';

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

export type { DevReporter, RebuildReport } from './devSession.js';
import type { DevReporter } from './devSession.js';

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
  const hub = new LiveReloadHub();
  const events = new EventEmitter();
  hub.onSend = (event: LiveEvent) => events.emit('event', event);
  keepBuildCachesInMemory(4_000);
  const session = new DevSession({ root, configPath, outDir, hub, events, reporter, checkSamples: options.checkSamples !== false });

  const host = options.host ?? '127.0.0.1';
  const server: Server = createBookServer({ htmlDir: path.join(outDir, 'html'), hub });
  let port: number;
  try {
    const listening = await listen(server, host, options.port ?? 3000, { strictPort: options.strictPort });
    port = listening.port;
    if (listening.note) reporter.info(listening.note);
  } catch (error) {
    await session.close();
    throw error;
  }
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;

  // The first build, once the port is ours (a taken port fails before any work). A page opened meanwhile
  // shows the previous session's build, or "not built yet", and reloads when this build is done.
  reporter.info('building the book…');
  await session.rebuild(new Set(), performance.now());

  session.watcher = watchChanges({
    root,
    relevant: (file) => isBookSource(root, file, session.book?.manuscriptDir),
    debounceMs: options.debounceMs,
    onChange: (paths, firstEventAt) => session.changed(paths, firstEventAt),
    onError: (error) => reporter.info(`watcher: ${String(error)}`),
  });
  await session.watcher.ready;
  if (session.book) await session.updateWatchList(session.book);

  let closing: Promise<void> | undefined;
  const devServer = Object.assign(events, {
    url: `http://${shownHost}:${port}/`,
    port,
    host,
    outDir,
    idle: () => session.idle(),
    close() {
      closing ??= (async () => {
        await session.close();
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
