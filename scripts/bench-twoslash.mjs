// Twoslash-heavy books (part of `npm run bench`, or `npm run bench -- twoslash`): the generated
// handbook-like book (scripts/generate-twoslash-book.mjs) and, when it is on this machine, the TypeScript
// Handbook (BENCH_HANDBOOK, default /work/books/handbook; copied, never built in place). Peers run on the
// same chapters side by side when installed: pandoc (HTML) and twoslash (type-checking only). Figures are
// wall time and CPU time (the CPU of peers includes their child processes, read by /usr/bin/time); on a
// shared machine compare the ratios, and prefer the CPU ones.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTwoslashBook } from './generate-twoslash-book.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const hasTime = existsSync('/usr/bin/time');

/** Runs a peer command; wall and (with /usr/bin/time) CPU of it and its children. */
function peer(command, args) {
  const started = performance.now();
  const child = hasTime ? spawnSync('/usr/bin/time', ['-f', '__TIME__ %U %S', command, ...args], { encoding: 'utf8' }) : spawnSync(command, args, { encoding: 'utf8' });
  const wallMs = performance.now() - started;
  if (child.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${child.stderr}`);
  const time = child.stderr.split('\n').find((l) => l.startsWith('__TIME__'));
  const cpuMs = time
    ? time
        .split(' ')
        .slice(1, 3)
        .reduce((n, s) => n + Number(s) * 1000, 0)
    : undefined;
  return { wallMs, cpuMs, stdout: child.stdout };
}

const installed = (command) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
const twoslashInstalled = () => {
  try {
    return existsSync(path.join(here, '..', 'node_modules', 'twoslash', 'package.json'));
  } catch {
    return false;
  }
};

/**
 * One whole CLI run in a fresh process (as bench.mjs's `cli`), but a run that exits 1 still gives a figure:
 * the Handbook has samples that fail on their own (docs/benchmarks.md). Returns stderr too (`--timings`).
 */
function cliRun(args) {
  const started = performance.now();
  const child = spawnSync(process.execPath, [path.join(here, 'measure-cli.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' } });
  const wallMs = performance.now() - started;
  const marker = child.stderr.split('\n').find((l) => l.startsWith('__BENCH__'));
  if (child.status !== 0 && child.status !== 1) throw new Error(`evergreen ${args.join(' ')} crashed:\n${child.stderr}`);
  return { wallMs, stderr: child.stderr, ...(marker ? JSON.parse(marker.slice(9)) : {}) };
}

function chapterFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? chapterFiles(file) : name.endsWith('.md') ? [file] : [];
  });
}

/** The Handbook five times over: every chapter in five folders, one book.yaml listing all of them. */
function timesFive(source, target) {
  const yaml = readFileSync(path.join(source, 'manuscript', 'book.yaml'), 'utf8');
  const listed = [...yaml.matchAll(/^ {2}- "?(.+?)"?$/gm)].map((m) => m[1]);
  mkdirSync(path.join(target, 'manuscript'), { recursive: true });
  for (let copy = 1; copy <= 5; copy++) cpSync(path.join(source, 'manuscript'), path.join(target, 'manuscript', `part${copy}`), { recursive: true });
  const chapters = [1, 2, 3, 4, 5].flatMap((copy) => listed.map((c) => `  - "part${copy}/${c}"`));
  writeFileSync(path.join(target, 'manuscript', 'book.yaml'), `${yaml.replace(/^chapters:[\s\S]*$/m, '').trimEnd()}\nchapters:\n${chapters.join('\n')}\n`);
  for (let copy = 1; copy <= 5; copy++) rmSync(path.join(target, 'manuscript', `part${copy}`, 'book.yaml'));
}

export async function run({ report, fmt, median, runs }) {
  const work = mkdtempSync(path.join(os.tmpdir(), 'evergreen-bench-twoslash-'));
  const cpu = (list) => fmt(median(list.map((r) => r.cpuMs)));
  const wall = (list) => fmt(median(list.map((r) => r.wallMs)));
  const ratio = (peerList, oursList, key) => `${(median(peerList.map((r) => r[key])) / median(oursList.map((r) => r[key]))).toFixed(1)}×`;
  const repeat = (fn) => Array.from({ length: runs }, fn);
  const books = [];
  const generated = path.join(work, 'generated');
  const { counts } = generateTwoslashBook(generated);
  books.push({ label: `generated (${counts.samples} code blocks, ${counts.queries} ^?, ${counts.errors} @errors, ${counts.crlf} CRLF chapters)`, root: generated });
  const handbook = process.env.BENCH_HANDBOOK ?? '/work/books/handbook';
  if (existsSync(path.join(handbook, 'manuscript', 'book.yaml'))) {
    cpSync(handbook, path.join(work, 'handbook'), { recursive: true });
    books.push({ label: 'TypeScript Handbook', root: path.join(work, 'handbook') });
  }
  const withPandoc = installed('pandoc');
  const withTwoslash = twoslashInstalled();
  console.log(`\nTwoslash books · peers: ${[withPandoc ? 'pandoc' : 'no pandoc', withTwoslash ? 'twoslash' : 'no twoslash'].join(', ')}`);
  const clean = (root) => rmSync(path.join(root, '.evergreen'), { recursive: true, force: true });

  for (const { label, root } of books) {
    const manuscript = path.join(root, 'manuscript');
    // Cold is an author's first build: no cache to read, and the build writes one as it always does.
    const html = repeat(() => {
      clean(root);
      return cliRun(['build', '--root', root, '--format', 'html']);
    });
    report(`${label}: cold HTML build`, wall(html), `CPU ${cpu(html)}`);
    if (withPandoc) {
      const pandoc = repeat(() => peer(process.execPath, [path.join(here, 'peers', 'pandoc-html.mjs'), manuscript, path.join(work, 'pandoc')]));
      report(
        `${label}: pandoc, same chapters`,
        wall(pandoc),
        `CPU ${cpu(pandoc)} · Evergreen ${ratio(pandoc, html, 'wallMs')} faster (CPU ${ratio(pandoc, html, 'cpuMs')}) · target ≥ 3×`,
      );
    }
    const checks = repeat(() => {
      clean(root);
      return cliRun(['check', '--root', root, '--timings']);
    });
    const split = checks[0].stderr.split('\n').find((l) => l.startsWith('timings:')) ?? '';
    report(`${label}: cold check`, wall(checks), `CPU ${cpu(checks)} · ${split}`);
    if (withTwoslash) {
      const twoslash = repeat(() => peer(process.execPath, [path.join(here, 'peers', 'twoslash-check.mjs'), manuscript]));
      const { blocks } = JSON.parse(twoslash[0].stdout);
      report(
        `${label}: twoslash type-check only (${blocks} blocks)`,
        wall(twoslash),
        `CPU ${cpu(twoslash)} · Evergreen ${ratio(twoslash, checks, 'wallMs')} faster (CPU ${ratio(twoslash, checks, 'cpuMs')}) · target ≥ 5×`,
      );
    }
    // After that check, a build takes every type from the shared store.
    const afterCheck = cliRun(['build', '--root', root, '--format', 'html']);
    report(`${label}: HTML build right after check`, fmt(afterCheck.wallMs), `CPU ${fmt(afterCheck.cpuMs)} (the same book cold: ${wall(html)})`);
    const target = chapterFiles(manuscript).sort()[1];
    const original = readFileSync(target, 'utf8');
    const edits = repeat((_, i) => {
      writeFileSync(target, `${original}\nOne more line, number ${i}.\n`);
      return cliRun(['build', '--root', root, '--format', 'html']);
    });
    writeFileSync(target, original);
    report(`${label}: HTML rebuild after editing one chapter`, wall(edits), `CPU ${cpu(edits)} · target ≤ 1 s`);
    // Two busy processes beside the check: samples still must not time out.
    const hogs = [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    try {
      clean(root);
      const loaded = spawnSync(process.execPath, [path.join(here, '..', 'bin', 'evergreen.js'), 'check', '--root', root, '--reporter', 'json'], { encoding: 'utf8' });
      const result = JSON.parse(loaded.stdout);
      const timeouts = result.diagnostics.filter((d) => /timeout|time limit|timed out/i.test(`${d.ruleId} ${d.message}`)).length;
      report(`${label}: cold check beside 2 CPU hogs`, `${timeouts} timeouts`, `${result.passed} passed, ${result.failed} failed · target 0 timeouts`);
    } finally {
      for (const hog of hogs) hog.kill();
    }
  }

  // The print PDF against Vivliostyle CLI, both timed by /usr/bin/time so that Chromium's CPU counts too.
  const pdfBook = books.find((b) => b.label === 'TypeScript Handbook');
  if (pdfBook && process.env.VIVLIOSTYLE) {
    const evergreenPdf = repeat(() => {
      clean(pdfBook.root);
      return peer(process.execPath, [path.join(here, '..', 'bin', 'evergreen.js'), 'build', '--root', pdfBook.root, '--format', 'pdf', '--no-cache']);
    });
    report('TypeScript Handbook: cold PDF build', wall(evergreenPdf), `CPU ${cpu(evergreenPdf)} (Node + Chromium)`);
    const viv = repeat(() => peer(process.execPath, [path.join(here, 'peers', 'vivliostyle-pdf.mjs'), pdfBook.root, path.join(work, 'vivliostyle.pdf')]));
    report(
      'TypeScript Handbook: Vivliostyle CLI, same chapters (no highlighting, no types)',
      wall(viv),
      `CPU ${cpu(viv)} · Evergreen ${ratio(viv, evergreenPdf, 'wallMs')} faster (CPU ${ratio(viv, evergreenPdf, 'cpuMs')}) · target ≥ 2×`,
    );
  } else if (pdfBook) {
    console.log('  (PDF against Vivliostyle skipped: set VIVLIOSTYLE to its `vivliostyle` binary, see scripts/peers/vivliostyle-pdf.mjs)');
  }

  const handbookCopy = books.find((b) => b.label === 'TypeScript Handbook');
  if (handbookCopy) {
    const five = path.join(work, 'handbook-x5');
    timesFive(handbookCopy.root, five);
    // As above, cold but writing the cache, so that the rebuilds below follow a build as an author's do.
    const html = repeat(() => {
      clean(five);
      return cliRun(['build', '--root', five, '--format', 'html']);
    });
    report('Handbook ×5 (80 chapters): cold HTML build', wall(html), `CPU ${cpu(html)}`);
    if (withPandoc) {
      const pandoc = repeat(() => peer(process.execPath, [path.join(here, 'peers', 'pandoc-html.mjs'), path.join(five, 'manuscript'), path.join(work, 'pandoc5')]));
      report(
        'Handbook ×5: pandoc, same chapters',
        wall(pandoc),
        `CPU ${cpu(pandoc)} · Evergreen ${ratio(pandoc, html, 'wallMs')} faster (CPU ${ratio(pandoc, html, 'cpuMs')}) · target ≥ 5×`,
      );
    }
    const target = path.join(five, 'manuscript', 'part3', 'Narrowing.md');
    const original = readFileSync(target, 'utf8');
    const edits = repeat((_, i) => {
      writeFileSync(target, `${original}\nOne more line, number ${i}.\n`);
      return cliRun(['build', '--root', five, '--format', 'html']);
    });
    writeFileSync(target, original);
    report('Handbook ×5: HTML rebuild after editing one chapter', wall(edits), `CPU ${cpu(edits)} · target ≤ 1.5 s`);
  }
  rmSync(work, { recursive: true, force: true });
}
