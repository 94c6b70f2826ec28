// `npm run bench`: builds a generated large book and prints its figures. Machines are shared and noisy:
// every figure is a median of several runs, and what matters is comparing figures taken in one run.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateBook } from './generate-book.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 3);
const only = process.argv.slice(2);
const wanted = (name) => only.length === 0 || only.includes(name);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const rows = [];
const report = (name, value, note = '') => {
  rows.push({ name, value, note });
  console.log(`${name.padEnd(48)} ${value.padStart(10)}  ${note}`);
};

/** Runs the CLI in a fresh process; returns wall time, CPU time and peak RSS. */
function cli(args) {
  const started = performance.now();
  const child = spawnSync(process.execPath, [path.join(here, 'measure-cli.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' } });
  const wallMs = performance.now() - started;
  const marker = child.stderr.split('\n').find((l) => l.startsWith('__BENCH__'));
  if (child.status !== 0) throw new Error(`evergreen ${args.join(' ')} failed:\n${child.stderr}`);
  return { wallMs, ...(marker ? JSON.parse(marker.slice(9)) : {}) };
}

function repeat(n, fn) {
  const results = [];
  for (let i = 0; i < n; i++) results.push(fn(i));
  return results;
}

console.log(
  `Evergreen benchmark · node ${process.version} · ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}) · ${runs} runs per figure · load average ${os.loadavg()[0].toFixed(1)}`,
);

const bookDir = mkdtempSync(path.join(os.tmpdir(), 'evergreen-bench-'));
if (wanted('html')) {
  const { manuscript, chapters } = generateBook(bookDir, { chapters: 60, words: 200_000, codeBlocks: 1200 });
  const text = chapters.map((c) => readFileSync(path.join(manuscript, c), 'utf8')).join('\n');
  console.log(
    `Generated book: ${chapters.length} chapters, ${text.split(/\s+/).length.toLocaleString('en')} words, ${(text.match(/^```\w/gm) ?? []).length} code blocks, ${(text.length / 1e6).toFixed(1)} MB of Markdown\n`,
  );

  const startup = repeat(5, () => cli(['--version']).wallMs);
  report('CLI start-up (evergreen --version)', fmt(median(startup)));
  const cold = repeat(runs, () => {
    rmSync(path.join(bookDir, '.evergreen'), { recursive: true, force: true });
    return cli(['build', '--root', bookDir, '--format', 'html', '--no-cache']);
  });
  report('HTML cold build (whole CLI run)', fmt(median(cold.map((r) => r.wallMs))), `CPU ${fmt(median(cold.map((r) => r.cpuMs)))} · target < 5 s`);
  report('HTML cold build peak RSS', `${Math.round(Math.max(...cold.map((r) => r.maxRssKb)) / 1024)} MB`, 'target < 1 GB');
  cli(['build', '--root', bookDir, '--format', 'html']);
  const noop = repeat(runs, () => cli(['build', '--root', bookDir, '--format', 'html']));
  report('HTML no-op rebuild (whole CLI run, cached)', fmt(median(noop.map((r) => r.wallMs))), `CPU ${fmt(median(noop.map((r) => r.cpuMs)))}`);

  // In-process, through the API, as `evergreen dev` and embedding tools use it.
  const { build, openProject } = await import('../lib/index.js');
  /** One `build` as a command runs it: open the project (config, book model), build, close. */
  const buildOnce = async () => {
    const project = await openProject({ root: bookDir });
    try {
      return await build(project, { formats: ['html'] });
    } finally {
      await project.close();
    }
  };
  await buildOnce();
  const target = path.join(manuscript, chapters[17]);
  const original = readFileSync(target, 'utf8');
  const edits = [];
  let rendered = 0;
  for (let i = 0; i < Math.max(5, runs); i++) {
    writeFileSync(target, `${original}\nAn edit number ${i} to one paragraph of one chapter.\n`);
    const started = performance.now();
    const result = await buildOnce();
    edits.push(performance.now() - started);
    rendered = result.stats['html.chaptersRendered'];
    if (!result.ok) throw new Error('rebuild failed');
  }
  writeFileSync(target, original);
  report('HTML rebuild after editing one chapter (API)', fmt(median(edits)), `${rendered} chapter re-rendered · target < 300 ms`);
}

for (const extra of [
  'bench-samples.mjs',
  'bench-twoslash.mjs',
  'bench-sandbox.mjs',
  'bench-pdf.mjs',
  'bench-epub.mjs',
  'bench-dev.mjs',
  'bench-release.mjs',
  'bench-features.mjs',
  'bench-storage.mjs',
]) {
  const name = extra.replace(/^bench-|\.mjs$/g, '');
  if (!wanted(name)) continue;
  try {
    const module = await import(`./${extra}`);
    await module.run({ report, fmt, median, cli, runs, generateBook });
  } catch (error) {
    const failure = /** @type {NodeJS.ErrnoException} */ (error);
    if (failure?.code !== 'ERR_MODULE_NOT_FOUND' || !String(failure.message).includes(extra)) throw error;
  }
}

rmSync(bookDir, { recursive: true, force: true });
if (process.env.BENCH_APPEND) {
  appendFileSync(process.env.BENCH_APPEND, `${rows.map((r) => `| ${r.name} | ${r.value} | ${r.note} |`).join('\n')}\n`);
}
