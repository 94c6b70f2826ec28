#!/usr/bin/env node
// Benchmark of `evergreen dev`: the time from saving one chapter to the live-reload event being sent to the
// open page, median of several edits, on a large book. Part of `npm run bench` (its `run` export), or alone:
//
//   node scripts/bench-dev.mjs [BOOK_FOLDER] [--edits N] [--chapters N] [--with-checks] [--json]
//
// BOOK_FOLDER is copied to a temp folder first (the benchmark edits chapters). Without it, the book comes from
// scripts/generate-book.mjs (the benchmark book of `npm run bench`). Needs the compiled library.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
/** The book `npm run bench` uses (scripts/bench.mjs). */
const benchBook = { chapters: 60, words: 200_000, codeBlocks: 1200 };

const median = (list) => {
  const s = [...list].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Starts the dev server on a copy of `source` (or a generated book), keeps an event stream open like a page
 * would, saves one chapter `edits` times and measures save → reload event.
 */
/**
 * @param {{ source?: string, generateBook?: (dir: string, options?: object) => Promise<unknown>, generateOptions?: object, edits?: number, withChecks?: boolean, log?: (message: string) => void }} [options]
 */
export async function measureDev({ source, generateBook, generateOptions = benchBook, edits = 10, withChecks = false, log = () => {} } = {}) {
  const lib = path.join(repo, 'lib', 'dev', 'devServer.js');
  if (!existsSync(lib)) throw new Error('bench-dev: compile first (npm run compile).');
  const { startDevServer } = await import(pathToFileURL(lib).href);
  const { loadBook } = await import(pathToFileURL(path.join(repo, 'lib', 'book', 'loadBook.js')).href);
  const root = mkdtempSync(path.join(os.tmpdir(), 'evergreen-bench-dev-'));
  if (source) {
    cpSync(path.resolve(source), root, { recursive: true, filter: (f) => !/[\\/](node_modules|\.evergreen|dist|\.git)$/.test(f) });
  } else {
    generateBook ??= (await import(pathToFileURL(path.join(here, 'generate-book.mjs')).href)).generateBook;
    await generateBook(root, generateOptions);
  }
  let server;
  try {
    const book = await loadBook(root);
    const chapterCount = book.chapters.length;
    log(`bench-dev: ${chapterCount} chapters; first build…`);
    const firstStarted = performance.now();
    server = await startDevServer({ root, port: 0, checkSamples: withChecks });
    const firstBuildMs = performance.now() - firstStarted;

    // A page open in a "browser": an SSE client, as the real page script connects.
    const target = book.chapters[Math.floor(chapterCount / 2)];
    const pagePath = `/${target.slug}.html`;
    const waiters = [];
    await new Promise((resolve, reject) => {
      request(`${server.url}__evergreen/events?page=${encodeURIComponent(pagePath)}`, (res) => {
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          buffer += chunk;
          let end;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            const message = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = /^data: (.*)$/m.exec(message)?.[1];
            if (!data) continue;
            const event = JSON.parse(data);
            const at = performance.now();
            for (const w of waiters.splice(0)) w(event, at);
          }
        });
        resolve();
      })
        .on('error', reject)
        .end();
    });
    const nextReload = () =>
      new Promise((resolve) => {
        const wait = (event, at) => (event.type === 'reload' && (event.pages === 'all' || event.pages.includes(pagePath)) ? resolve(at) : waiters.push(wait));
        waiters.push(wait);
      });
    const reports = [];
    server.on('rebuild', (r) => reports.push(r));

    const original = readFileSync(target.path, 'utf8');
    const times = [];
    const cpuTimes = [];
    for (let i = 0; i <= edits; i++) {
      const reloaded = nextReload();
      const edited = `${original}\nBench edit ${i}: ${Math.random().toString(36).slice(2)}.\n`;
      const cpu = process.cpuUsage();
      const saved = performance.now();
      writeFileSync(target.path, edited);
      const at = await Promise.race([reloaded, new Promise((r) => setTimeout(() => r(undefined), 30_000))]);
      if (at === undefined) throw new Error('no reload event within 30 s');
      const used = process.cpuUsage(cpu);
      // The first edit warms up (JIT, file system caches).
      if (i > 0) {
        times.push(at - saved);
        cpuTimes.push((used.user + used.system) / 1000);
      }
      await server.idle();
      await new Promise((r) => setTimeout(r, 150));
    }
    const measured = reports.slice(-edits);
    const part = (key) => median(measured.map((r) => r.stats[key] ?? 0));
    const result = {
      chapters: chapterCount,
      edits: times.length,
      firstBuildMs: Math.round(firstBuildMs),
      saveToReloadMs: { median: Math.round(median(times)), min: Math.round(Math.min(...times)), max: Math.round(Math.max(...times)) },
      // CPU time (all threads) between the save and the event: less sensitive than wall time to a busy machine.
      cpuMsPerEdit: Math.round(median(cpuTimes)),
      loadAverage: Number(os.loadavg()[0].toFixed(2)),
      cores: os.availableParallelism(),
      breakdownMedianMs: {
        watchAndDebounce: Math.round(part('waitMs')),
        loadBook: Math.round(part('loadMs')),
        renderHtml: Math.round(part('htmlMs')),
        buildTotal: Math.round(part('buildMs')),
        compareOutputs: Math.round(part('compareMs')),
      },
      chaptersRenderedPerEdit: median(measured.map((r) => r.stats['html.chaptersRendered'] ?? 0)),
      targetMs: 200,
    };
    return result;
  } finally {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  }
}

const describe = (r) => [
  `save → reload event: median ${r.saveToReloadMs.median} ms (min ${r.saveToReloadMs.min}, max ${r.saveToReloadMs.max}) over ${r.edits} edits on ${r.chapters} chapters; target < ${r.targetMs} ms; CPU ${r.cpuMsPerEdit} ms per edit; load average ${r.loadAverage} on ${r.cores} cores`,
  `median breakdown: ${Object.entries(r.breakdownMedianMs)
    .map(([k, v]) => `${k} ${v} ms`)
    .join(', ')}; ${r.chaptersRenderedPerEdit} chapter(s) rendered per edit; first build ${r.firstBuildMs} ms`,
];

/** The `npm run bench` entry (scripts/bench.mjs calls it with its reporter). */
export async function run({ report, fmt, generateBook }) {
  const r = await measureDev({ generateBook, edits: 10 });
  report(
    'dev: save one chapter → reload event (median)',
    fmt(r.saveToReloadMs.median),
    `CPU ${fmt(r.cpuMsPerEdit)} · ${r.chaptersRenderedPerEdit} chapter re-rendered · target < 200 ms`,
  );
  const b = r.breakdownMedianMs;
  report('dev: … of which load / render / compare', `${b.loadBook}/${b.renderHtml}/${b.compareOutputs} ms`, `whole build ${fmt(b.buildTotal)} · debounce ${b.watchAndDebounce} ms`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = args.indexOf(name);
    return i === -1 ? fallback : Number(args[i + 1]);
  };
  const source = args.find((a, i) => !a.startsWith('--') && !/^--(edits|chapters)$/.test(args[i - 1] ?? ''));
  const json = args.includes('--json');
  const log = (line) => process.stderr.write(`${line}\n`);
  const chapters = option('--chapters', undefined);
  const result = await measureDev({
    source,
    edits: option('--edits', 10),
    withChecks: args.includes('--with-checks'),
    generateOptions: chapters ? { ...benchBook, chapters } : benchBook,
    log,
  });
  if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else for (const line of describe(result)) console.log(`bench-dev: ${line}`);
}
