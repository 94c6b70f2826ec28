import { type Stats, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { type FSWatcher, watch } from 'chokidar';

export interface ChangeWatcherOptions {
  /** The folder watched (the book project). Only what `relevant` accepts inside it is looked at. */
  root: string;
  /**
   * Which paths under `root` matter (e.g. manuscript/ and everything in it, templates/, tsconfig.json).
   * Watching the project folder itself, filtered, is what lets a folder created later (templates/) be seen.
   */
  relevant: (file: string) => boolean;
  /** Quiet time after the last event before a batch is delivered. Tens of milliseconds: saves feel instant. */
  debounceMs?: number;
  /** Receives every batch of changed absolute paths (a burst of saves arrives as one batch) and when its first event came. */
  onChange: (paths: Set<string>, firstEventAt: number) => void;
  onError?: (error: unknown) => void;
}

export interface ChangeWatcher {
  /** Resolves once the initial scan is done and events are being delivered. */
  ready: Promise<void>;
  /** Watches more files, anywhere (e.g. a file a sample started to include). */
  add(paths: string[]): void;
  /** Stops watching paths that are no longer needed. */
  remove(paths: string[]): void;
  close(): Promise<void>;
}

/**
 * Editors' scratch files: vim's swap files and its `4913` write probe, emacs' lock and backup files,
 * JetBrains' `___jb_tmp___`, Chromium's `.crswap`, and the `*.tmp` of an atomic save (write temp + rename:
 * the rename then shows up as a change of the real file).
 */
export function isEditorScratchFile(file: string): boolean {
  const name = path.basename(file);
  return /^\.#|^#.*#$|~$|^4913$|\.sw[a-p]$|\.temp$|\.crswap$|___jb_(tmp|old)___$|\.kate-swp$/i.test(name) || /\.tmp([.-][\w-]*)?$/i.test(name) || name === '.DS_Store';
}

/** Anything inside node_modules, .git or Evergreen's own output is never a source. */
function isIgnored(file: string): boolean {
  return /[\\/](node_modules|\.git|\.evergreen)([\\/]|$)/.test(file) || isEditorScratchFile(file);
}

/**
 * Watches the book's sources with chokidar and delivers debounced batches. No timers of seconds that wait
 * for writes to settle: editors save atomically (temp + rename), which chokidar reports as one change of the
 * real file, and a burst is coalesced by the short quiet window (the last state wins).
 */
export function watchChanges(options: ChangeWatcherOptions): ChangeWatcher {
  const debounceMs = options.debounceMs ?? 20;
  let batch = new Set<string>();
  let firstEventAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  // chokidar drops a second `change` of a file within 50 ms of the one it reported (its throttle), so the last
  // save of a quick burst, or the second half of an editor's truncate-then-write, could be lost. So each
  // changed file is stat'ed when its batch is handed over (before the build reads it) and once more just
  // after chokidar's window; if the two differ, that is one more change. (A short trailing check, not a timer
  // that waits for writes to settle: the batch itself is never delayed.)
  const trailing = new Map<string, { seen?: string; timer: NodeJS.Timeout }>();
  const signature = (s: Stats | undefined) => (s ? `${s.mtimeMs}:${s.size}:${s.ino}` : 'missing');
  const flush = () => {
    timer = undefined;
    if (closed || batch.size === 0) return;
    const delivered = batch;
    batch = new Set();
    for (const file of delivered) {
      const entry = trailing.get(file);
      if (!entry) continue;
      try {
        entry.seen = signature(statSync(file));
      } catch {
        entry.seen = 'missing';
      }
    }
    options.onChange(delivered, firstEventAt);
  };
  const record = (file: string) => {
    if (closed || skip(file)) return;
    if (batch.size === 0) firstEventAt = performance.now();
    batch.add(path.resolve(file));
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, debounceMs);
  };
  const verifyLater = (file: string) => {
    if (closed || skip(file)) return;
    const entry = trailing.get(file);
    if (entry) clearTimeout(entry.timer);
    const timer = setTimeout(async () => {
      const now = await stat(file).catch(() => undefined);
      const current = trailing.get(file);
      if (closed || current?.timer !== timer) return;
      trailing.delete(file);
      // Not handed over yet (a busy event loop): the pending batch reads the file anyway.
      if (current.seen !== undefined && signature(now) !== current.seen) {
        record(file);
        verifyLater(file);
      }
    }, 60);
    trailing.set(file, { seen: undefined, timer });
  };
  const root = path.resolve(options.root);
  const extra = new Set<string>();
  const skip = (file: string) => {
    const abs = path.resolve(file);
    if (abs === root || extra.has(abs)) return false;
    if (isIgnored(abs)) return true;
    return abs.startsWith(root + path.sep) ? !options.relevant(abs) : false;
  };
  const watcher: FSWatcher = watch(root, {
    ignoreInitial: true,
    ignored: skip,
    // An unlink followed by an add of the same file within this window is reported as one change.
    atomic: 50,
    persistent: true,
  });
  for (const event of ['unlink', 'addDir', 'unlinkDir'] as const) watcher.on(event, (file: string) => record(file));
  for (const event of ['add', 'change'] as const) {
    watcher.on(event, (file: string) => {
      record(file);
      verifyLater(path.resolve(file));
    });
  }
  watcher.on('error', (error) => options.onError?.(error));
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    add: (paths) => {
      const fresh = paths.map((p) => path.resolve(p)).filter((p) => !extra.has(p));
      for (const p of fresh) extra.add(p);
      if (fresh.length > 0) watcher.add(fresh);
    },
    remove: (paths) => {
      const gone = paths.map((p) => path.resolve(p)).filter((p) => extra.delete(p));
      if (gone.length > 0) watcher.unwatch(gone);
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const entry of trailing.values()) clearTimeout(entry.timer);
      trailing.clear();
      await watcher.close();
    },
  };
}
