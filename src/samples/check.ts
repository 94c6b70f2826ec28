import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Book, Chapter } from '../book/model.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { cacheRoot, DiskCache } from '../util/diskCache.js';
import { toolchainFingerprint } from '../util/version.js';
import { bookKey, loadTypeScript, sampleKey } from './cacheKey.js';
import { bookCompilerOptions } from './compilerOptions.js';
import { extractSamples } from './extract.js';
import { judgeSample } from './judge.js';
import { defaultOutputLimit, RunnerPool } from './runner/pool.js';
import { type SampleTypeChecker, type TypeCheckResult } from './typeCheck.js';
import type { CachedOutcome, CheckOptions, CheckResult, Sample, SampleResult } from './types.js';
import { rewriteOutputBlocks, type OutputEdit } from './updateOutput.js';

export function sampleCache(root: string): DiskCache<CachedOutcome> {
  return new DiskCache<CachedOutcome>(cacheRoot(root), `samples-${toolchainFingerprint()}`);
}

/**
 * The check stage: extract → type-check → run → compare → cache. A session keeps the language services
 * and runner processes alive between checks, so `evergreen dev` (or a benchmark) re-checks one edited
 * sample in milliseconds; `check()` opens one for a single run.
 */
export class CheckSession {
  private checker?: { key: string; checker: SampleTypeChecker; diagnostics: Diagnostic[] };
  private pool?: RunnerPool;

  constructor(private readonly sessionOptions: Pick<CheckOptions, 'workers' | 'env'> = {}) {}

  async check(options: CheckOptions): Promise<CheckResult> {
    const started = performance.now();
    const { book } = options;
    const diagnostics: Diagnostic[] = book.diagnostics.filter((d) => d.severity === 'error' && d.ruleId?.startsWith('config/'));
    const chapters = selectChapters(book, options.files, diagnostics);
    const extracted = extractSamples(book, chapters, options.strict, options.noCache);
    const samples = options.grep ? extracted.samples.filter((s) => matchesGrep(s, options.grep!)) : extracted.samples;

    const cache = options.noCache ? undefined : sampleCache(book.root);
    const bookHash = bookKey(book);
    const keys = new Map(samples.map((s) => [s, sampleKey(bookHash, s)]));
    const outcomes = new Map<Sample, { outcome: CachedOutcome; cached: boolean }>();
    const toCheck: Sample[] = [];
    for (const sample of samples) {
      if (!sample.check) continue;
      const hit = cache?.get(keys.get(sample)!);
      // Complete when it ran, or was not to run, or did not compile (then it is never run).
      const complete = hit && (!sample.run || hit.run || hit.types.problems.some((p) => p.severity !== 'warning'));
      if (complete) outcomes.set(sample, { outcome: hit, cached: true });
      else toCheck.push(sample);
    }

    if (toCheck.length > 0) {
      // Runner processes start while the compiler loads.
      if (toCheck.some((s) => s.run)) this.startPool();
      const checker = await this.typeChecker(book);
      diagnostics.push(...checker.diagnostics);
      const runs: Promise<void>[] = [];
      await checker.checker.checkAll(toCheck, (s) => s.run, (sample, checked) => {
        const outcome: CachedOutcome = { types: checked.types };
        outcomes.set(sample, { outcome, cached: false });
        // A sample that does not compile is reported for that; running it would only add noise.
        const runnable = sample.run && checked.emitted && !checked.types.problems.some((p) => p.severity !== 'warning');
        if (!runnable) {
          cache?.set(keys.get(sample)!, outcome);
          return;
        }
        runs.push(
          this.runSample(book, sample, checked).then((run) => {
            outcome.run = run;
            // A timeout or a crashed runner may come from a loaded machine: run it again next time.
            if (!run.timedOut && !run.crashed) cache?.set(keys.get(sample)!, outcome);
          }),
        );
      });
      await Promise.all(runs);
    }

    const results: SampleResult[] = samples.map((s) => judgeSample(s, outcomes.get(s)?.outcome, outcomes.get(s)?.cached ?? false, options.strict ?? false));
    // Problems in a sample's fence (unknown attribute, missing include or continue target) belong to that
    // sample: an error there fails it, so the summary line agrees with the exit code.
    const unclaimed = new Set(extracted.diagnostics);
    for (const result of results) {
      const own = extracted.diagnostics.filter((d) => d.file === result.file && d.line === result.line);
      if (own.length === 0) continue;
      for (const d of own) unclaimed.delete(d);
      result.diagnostics.unshift(...own);
      if (own.some((d) => d.severity === 'error')) result.status = 'failed';
    }
    // Samples left out by --grep are not reported on at all.
    for (const skipped of extracted.samples) {
      if (samples.includes(skipped)) continue;
      for (const d of unclaimed) if (d.file === skipped.chapter.path && d.line === skipped.firstLine - 1) unclaimed.delete(d);
    }
    diagnostics.push(...unclaimed);
    const updatedFiles = options.update ? applyUpdates(samples, results) : [];
    for (const r of results) diagnostics.push(...r.diagnostics);
    return {
      samples: results,
      diagnostics,
      passed: results.filter((r) => r.status === 'passed').length,
      failed: results.filter((r) => r.status === 'failed').length,
      skipped: results.filter((r) => r.status === 'skipped').length,
      cached: results.filter((r) => r.cached).length,
      updatedFiles,
      durationMs: Math.round(performance.now() - started),
    };
  }

  /** Stops the runner processes. */
  close(): void {
    this.pool?.close();
    this.pool = undefined;
  }

  private async typeChecker(book: Book) {
    const key = bookKey(book) + book.root;
    if (this.checker?.key !== key) {
      // Loaded only when something is not cached: importing the compiler alone takes ~0.4 s.
      const ts = loadTypeScript();
      const { SampleTypeChecker } = await import('./typeCheck.js');
      const diagnostics: Diagnostic[] = [];
      const options = bookCompilerOptions(ts, book, diagnostics);
      this.checker = { key, checker: new SampleTypeChecker(ts, book, options), diagnostics };
    }
    return this.checker;
  }

  private startPool(): RunnerPool {
    this.pool ??= new RunnerPool({ size: this.sessionOptions.workers, env: this.sessionOptions.env });
    this.pool.warmUp();
    return this.pool;
  }

  private async runSample(book: Book, sample: Sample, checked: TypeCheckResult) {
    this.startPool();
    const emitted = checked.emitted!;
    const realPath = sample.files[sample.files.length - 1]!.realPath;
    return this.pool!.run({
      files: emitted.files,
      entry: emitted.entry,
      entryUrl: realPath ? pathToFileURL(realPath).href : undefined,
      splitAtContinue: sample.continues !== undefined,
      timeoutMs: sample.timeoutMs,
      root: book.root,
      outputLimit: defaultOutputLimit,
    });
  }
}

/** Type-checks and runs the book's samples (or a subset) and reports every failure at its chapter position. */
export async function check(options: CheckOptions): Promise<CheckResult> {
  const session = new CheckSession({ workers: options.workers, env: options.env });
  try {
    return await session.check(options);
  } finally {
    session.close();
  }
}

function selectChapters(book: Book, files: string[] | undefined, diagnostics: Diagnostic[]): Chapter[] {
  if (!files || files.length === 0) return book.chapters;
  const selected = new Set<Chapter>();
  for (const file of files) {
    const absolute = path.resolve(file);
    const rel = file.replace(/\\/g, '/').replace(/^(\.\/)?manuscript\//, '');
    const chapter = book.chapters.find((c) => c.path === absolute || c.relPath === rel || c.path === path.resolve(book.root, file));
    if (chapter) selected.add(chapter);
    else
      diagnostics.push({
        severity: 'error',
        file: book.configPath,
        message: `"${file}" is not a chapter of this book`,
        hint: 'Name chapters by their path under manuscript/ (as listed in book.yaml).',
        ruleId: 'samples/unknown-chapter',
      });
  }
  return book.chapters.filter((c) => selected.has(c));
}

function matchesGrep(sample: Sample, grep: string): boolean {
  const needle = grep.toLowerCase();
  return [sample.name, sample.id ?? '', sample.meta.title ?? '', sample.node.value, sample.include?.content ?? ''].some((text) => text.toLowerCase().includes(needle));
}

/** `--update`: rewrites output blocks whose sample ran but printed something else. Returns the chapters written. */
function applyUpdates(samples: readonly Sample[], results: SampleResult[]): string[] {
  const byChapter = new Map<Chapter, OutputEdit[]>();
  samples.forEach((sample, i) => {
    const result = results[i]!;
    const mismatch = result.diagnostics.find((d) => d.ruleId === 'samples/output-mismatch');
    if (!mismatch || !sample.output || result.actualOutput === undefined) return;
    const edits = byChapter.get(sample.chapter) ?? [];
    edits.push({ node: sample.output.node, text: result.actualOutput });
    byChapter.set(sample.chapter, edits);
    result.diagnostics = result.diagnostics.filter((d) => d !== mismatch);
    result.updated = true;
    if (!result.diagnostics.some((d) => d.severity === 'error')) result.status = 'passed';
  });
  for (const [chapter, edits] of byChapter) {
    const raw = readFileSync(chapter.path, 'utf8');
    const bom = raw.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
    writeFileSync(chapter.path, bom + rewriteOutputBlocks(chapter.source, edits));
  }
  return [...byChapter.keys()].map((c) => c.path);
}
