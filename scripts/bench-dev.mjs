#!/usr/bin/env node
// Benchmark of `evergreen dev`: the time from saving one chapter to the live-reload event being sent to the
// open page, median of several edits, on a large book.
//
//   node scripts/bench-dev.mjs [BOOK_FOLDER] [--edits N] [--chapters N] [--with-checks] [--json]
//
// BOOK_FOLDER is copied to a temp folder first (the benchmark edits chapters). Without it, the book comes from
// scripts/generate-book.mjs (`generateBook(dir, options)`). Needs the compiled library (`npm run compile`).
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const source = args.find((a, i) => !a.startsWith('--') && !/^--(edits|chapters)$/.test(args[i - 1] ?? ''));
const edits = option('--edits', 10);
const json = flag('--json');
const log = (line) => (json ? process.stderr : process.stdout).write(`${line}\n`);

const lib = path.join(repo, 'lib', 'dev', 'devServer.js');
if (!existsSync(lib)) {
  console.error('bench-dev: compile first (npm run compile).');
  process.exit(2);
}
const { startDevServer } = await import(pathToFileURL(lib).href);
const { loadBook } = await import(pathToFileURL(path.join(repo, 'lib', 'book', 'loadBook.js')).href);

const root = mkdtempSync(path.join(os.tmpdir(), 'evergreen-bench-dev-'));
if (source) {
  cpSync(path.resolve(source), root, { recursive: true, filter: (f) => !/[\\/](node_modules|\.evergreen|dist|\.git)$/.test(f) });
} else if (existsSync(path.join(here, 'generate-book.mjs'))) {
  const { generateBook } = await import(pathToFileURL(path.join(here, 'generate-book.mjs')).href);
  const chapters = option('--chapters', undefined);
  await generateBook(root, chapters ? { chapters } : {});
} else {
  console.error('bench-dev: give a book folder (node scripts/bench-dev.mjs path/to/book), or add scripts/generate-book.mjs.');
  process.exit(2);
}

let server;
try {
  const book = await loadBook(root);
  const chapterCount = book.chapters.length;
  log(`bench-dev: ${chapterCount} chapters; first build…`);
  const firstStarted = performance.now();
  server = await startDevServer({ root, port: 0, checkSamples: flag('--with-checks') });
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
    const edited = original.replace(/\n/, `\n\nBench edit ${i}: ${Math.random().toString(36).slice(2)}.\n`);
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
  const median = (list) => {
    const s = [...list].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
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
  if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    log(`bench-dev: save → reload event: median ${result.saveToReloadMs.median} ms (min ${result.saveToReloadMs.min}, max ${result.saveToReloadMs.max}) over ${result.edits} edits; target < ${result.targetMs} ms; CPU ${result.cpuMsPerEdit} ms per edit; load average ${result.loadAverage} on ${result.cores} cores`);
    log(`bench-dev: median breakdown: ${Object.entries(result.breakdownMedianMs).map(([k, v]) => `${k} ${v} ms`).join(', ')}; ${result.chaptersRenderedPerEdit} chapter(s) rendered per edit; first build ${result.firstBuildMs} ms`);
  }
} finally {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
}
