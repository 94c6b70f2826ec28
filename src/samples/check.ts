import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Book, Chapter } from '../book/model.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { bookKey, LanguageKey, sampleKey } from './cacheKey.js';
import { extractSamples } from './extract.js';
import { hasWantedHovers } from './hovers.js';
import { judgeSample } from './judge.js';
import type { CompilerIdentity, LanguageChecker, SampleLanguage } from './languages/language.js';
import { languageById } from './languages/registry.js';
import { mergeVersions } from './matrix.js';
import { defaultOutputLimit, RunnerPool } from './runner/pool.js';
import type { SandboxPolicy } from './runner/sandbox/sandbox.js';
import { readTimings, sampleContentHash, selectShard } from './shard.js';
import type { CachedOutcome, CheckOptions, CheckResult, CheckTimings, RunOutcome, Sample, SampleResult, TypeCheckResult } from './types.js';
import { rewriteOutputBlocksInFile, type OutputEdit } from './updateOutput.js';
import { SampleStore } from './sampleStore.js';
import { normalizeLineEndings } from '../parse/decodeChapter.js';

type Outcomes = Map<Sample, { outcome: CachedOutcome; cached: boolean }>;

/**
 * The check stage: extract → type-check → run → compare → cache, once per TypeScript version the book
 * lists. A session keeps the language services and runner processes alive between checks, so
 * `evergreen dev` (or a benchmark) re-checks one edited sample in milliseconds; `check()` opens one for
 * a single run.
 */
export class CheckSession {
  private readonly checkers = new Map<string, { bookHash: string; checker: Promise<LanguageChecker> }>();
  private pool?: RunnerPool;
  private poolRoot?: string;

  constructor(private readonly sessionOptions: Pick<CheckOptions, 'workers' | 'env'> = {}) {}

  async check(options: CheckOptions): Promise<CheckResult> {
    const started = performance.now();
    const { book } = options;
    const diagnostics: Diagnostic[] = book.diagnostics.filter((d) => d.severity === 'error' && d.ruleId?.startsWith('config/'));
    const chapters = selectChapters(book, options.files, diagnostics);
    const extracted = extractSamples(book, chapters, options.strict, options.noCache);
    const selected = options.grep ? extracted.samples.filter((s) => matchesGrep(s, options.grep!)) : extracted.samples;
    const samples = options.shard ? selectShard(selected, options.shard, readTimings(book.root)) : selected;
    const timings: CheckTimings = { loadMs: performance.now() - started, typeCheckMs: 0, runMs: 0, sampleRunMs: 0, compareMs: 0 };

    const versions: (string | undefined)[] = options.typescriptVersions ?? book.config.typescript ?? [undefined];
    const perVersion: { version?: string; compilers: CompilerIdentity[]; results: SampleResult[] }[] = [];
    for (const [i, version] of versions.entries()) {
      const { outcomes, compilers } = await this.checkWith(book, samples, version, options, diagnostics, i === 0, timings);
      if (i > 0 && compilers.length === 0) continue;
      const judging = performance.now();
      const results = samples.map((s) => judgeSample(s, outcomes.get(s)?.outcome, outcomes.get(s)?.cached ?? false, options.strict ?? false));
      timings.compareMs += performance.now() - judging;
      perVersion.push({ version, compilers, results });
    }
    // What the sandbox could not enforce here is said, never passed over in silence.
    if (this.pool && samples.some((s) => s.run)) {
      for (const note of this.pool.notes())
        diagnostics.push({
          severity: 'warning',
          file: book.configPath,
          message: note,
          ruleId: 'samples/sandbox',
          hint: 'See “What a sample may do” in the samples chapter of the guide.',
        });
    }
    const results = perVersion.length > 1 ? mergeVersions(perVersion) : (perVersion[0]?.results ?? []);
    samples.forEach((sample, i) => {
      if (results[i]) results[i].contentHash = sampleContentHash(sample);
    });
    // Problems in a sample's fence or notation (unknown attribute, a malformed directive, a missing include
    // or continue target) belong to that sample: an error there fails it, so the summary agrees with the exit code.
    const unclaimed = new Set(extracted.diagnostics);
    const within = (d: Diagnostic, s: Sample) =>
      d.file === s.chapter.path && d.line !== undefined && d.line >= s.firstLine - 2 && d.line <= (s.node.position?.end.line ?? s.firstLine);
    samples.forEach((sample, i) => {
      const result = results[i]!;
      const own = extracted.diagnostics.filter((d) => within(d, sample));
      if (own.length === 0) return;
      for (const d of own) unclaimed.delete(d);
      result.diagnostics.unshift(...own);
      if (own.some((d) => d.severity === 'error')) result.status = 'failed';
    });
    // Samples left out by --grep or --shard are not reported on at all (another shard reports them).
    for (const skipped of extracted.samples) {
      if (samples.includes(skipped)) continue;
      for (const d of unclaimed) if (within(d, skipped)) unclaimed.delete(d);
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
      typeCheckedOnly: results.filter((r) => r.status === 'passed' && r.typeCheckedOnly).length,
      compilers: uniqueCompilers(perVersion.flatMap((v) => v.compilers)),
      updatedFiles,
      durationMs: Math.round(performance.now() - started),
      timings: roundTimings(timings),
      shard: options.shard ? { ...options.shard, bookSamples: selected.length } : undefined,
    };
  }

  /** Stops the runner processes. */
  close(): void {
    this.pool?.close();
    this.pool = undefined;
    for (const { checker } of this.checkers.values()) void checker.then((c) => c.close?.()).catch(() => {});
    this.checkers.clear();
  }

  /** Every sample, checked (or read from the cache) with one TypeScript version. */
  private async checkWith(
    book: Book,
    samples: readonly Sample[],
    version: string | undefined,
    options: CheckOptions,
    diagnostics: Diagnostic[],
    primary: boolean,
    timings: CheckTimings,
  ) {
    const outcomes: Outcomes = new Map();
    const compilers: CompilerIdentity[] = [];
    const cache = options.noCache ? undefined : new SampleStore(book.root);
    const bookHash = bookKey(book);
    const byLanguage = new Map<string, Sample[]>();
    for (const sample of samples) if (sample.check) byLanguage.set(sample.language, [...(byLanguage.get(sample.language) ?? []), sample]);
    for (const [id, list] of byLanguage) {
      const language = languageById(id);
      let identity: CompilerIdentity;
      try {
        identity = language.compiler(book, { version });
      } catch (error) {
        diagnostics.push(compilerDiagnostic(book, error, primary));
        continue;
      }
      if (!compilers.some((c) => c.version === identity.version)) compilers.push(identity);
      const key = new LanguageKey(book, bookHash, id, identity);
      const toCheck: Sample[] = [];
      for (const sample of list) {
        const hit = cache?.get(sample, sampleKey(key.value, sample));
        // Complete when it ran, or was not to run, or could not run, or did not compile (then it is never run).
        const complete =
          hit && hasWantedHovers(book, sample, hit.types) && (!sample.run || hit.run || hit.types.cannotRun || hit.types.problems.some((p) => p.severity !== 'warning'));
        if (complete) outcomes.set(sample, { outcome: hit, cached: true });
        else toCheck.push(sample);
      }
      if (toCheck.length === 0) continue;
      const typeCheckStarted = performance.now();
      let checker: LanguageChecker;
      try {
        checker = await this.checker(language, book, bookHash, version);
      } catch (error) {
        diagnostics.push(compilerDiagnostic(book, error, primary));
        compilers.splice(compilers.indexOf(identity), 1);
        continue;
      }
      for (const d of checker.diagnostics) if (!diagnostics.some((x) => x.message === d.message && x.file === d.file)) diagnostics.push(d);
      const fresh = await this.typeCheckAndRun(book, checker, toCheck, outcomes, timings, typeCheckStarted);
      // Stored under the key that includes what the compiler read this time (the first check learns it).
      key.update(checker.filesRead());
      for (const [sample, outcome] of fresh) cache?.set(sample, sampleKey(key.value, sample), outcome);
      cache?.flush();
    }
    return { outcomes, compilers };
  }

  private async typeCheckAndRun(
    book: Book,
    checker: LanguageChecker,
    toCheck: Sample[],
    outcomes: Outcomes,
    timings: CheckTimings,
    typeCheckStarted: number,
  ): Promise<Map<Sample, CachedOutcome>> {
    const fresh = new Map<Sample, CachedOutcome>();
    // Runner processes start while the compiler loads.
    if (toCheck.some((s) => s.run)) this.startPool(book);
    const runs: Promise<void>[] = [];
    await checker.checkAll(
      toCheck,
      (s) => s.run,
      (sample, checked) => {
        const outcome: CachedOutcome = { types: checked.types };
        outcomes.set(sample, { outcome, cached: false });
        // A sample that does not compile is reported for that; running it would only add noise.
        const runnable = sample.run && checked.emitted && !checked.cannotRun && !checked.types.problems.some((p) => p.severity !== 'warning');
        if (!runnable) {
          fresh.set(sample, outcome);
          return;
        }
        runs.push(
          this.runWithRetry(book, sample, checked).then((run) => {
            outcome.run = run;
            timings.sampleRunMs += run.durationMs;
            // A crashed runner may come from a loaded machine: run it again next time.
            if (!run.timedOut && !run.crashed && run.violation?.rule !== 'runner') fresh.set(sample, outcome);
          }),
        );
      },
    );
    const typeChecked = performance.now();
    timings.typeCheckMs += typeChecked - typeCheckStarted;
    await Promise.all(runs);
    timings.runMs += performance.now() - typeChecked;
    return fresh;
  }

  private checker(language: SampleLanguage, book: Book, bookHash: string, version: string | undefined): Promise<LanguageChecker> {
    const id = `${language.id}\0${version ?? ''}\0${book.root}`;
    const existing = this.checkers.get(id);
    if (existing?.bookHash === bookHash) return existing.checker;
    const checker = language.createChecker(book, { version });
    this.checkers.set(id, { bookHash, checker });
    checker.catch(() => this.checkers.delete(id));
    return checker;
  }

  private startPool(book: Book): RunnerPool {
    const policy = sandboxPolicy(book);
    if (this.pool && this.poolRoot !== book.root) {
      this.pool.close();
      this.pool = undefined;
    }
    if (this.pool) this.pool.refresh(policy);
    this.pool ??= new RunnerPool({ size: this.sessionOptions.workers, env: this.sessionOptions.env, policy });
    this.poolRoot = book.root;
    this.pool.warmUp();
    return this.pool;
  }

  /**
   * A timeout is retried once before it fails the sample: the limit is wall-clock time, and on a loaded
   * machine (CI, several checks at once) a trivial sample can miss it once; a real endless loop misses it twice.
   */
  private async runWithRetry(book: Book, sample: Sample, checked: TypeCheckResult): Promise<RunOutcome> {
    const first = await this.runSample(book, sample, checked);
    if (!first.timedOut) return first;
    const second = await this.runSample(book, sample, checked);
    return { ...second, retried: true };
  }

  private async runSample(book: Book, sample: Sample, checked: TypeCheckResult) {
    this.startPool(book);
    const emitted = checked.emitted!;
    const realPath = sample.files[sample.files.length - 1]!.realPath;
    return this.pool!.run({
      files: emitted.files,
      entry: emitted.entry,
      entryUrl: realPath ? pathToFileURL(realPath).href : undefined,
      format: emitted.format,
      splitAtContinue: sample.continues !== undefined,
      timeoutMs: sample.timeoutMs,
      root: book.root,
      outputLimit: defaultOutputLimit,
      network: sample.network,
      memoryMb: sample.memoryMb,
    });
  }
}

/** What samples of this book may read beyond the project, and what they may never read (book.yaml). */
function sandboxPolicy(book: Book): SandboxPolicy {
  const fromBook = (file: string) => path.resolve(book.root, file.replace(/^~(?=$|\/)/, os.homedir()));
  const keyFile = book.config.release?.signingKeyFile;
  return { root: book.root, read: (book.config.sandbox?.read ?? []).map(fromBook), hidden: keyFile ? [fromBook(keyFile)] : [] };
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

function roundTimings(timings: CheckTimings): CheckTimings {
  return Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])) as unknown as CheckTimings;
}

function uniqueCompilers(compilers: CompilerIdentity[]): CompilerIdentity[] {
  return compilers.filter((c, i) => compilers.findIndex((o) => o.name === c.name && o.version === c.version && o.source === c.source) === i);
}

/** A compiler the book asks for that is missing or unsupported: an error at book.yaml with what to do. */
function compilerDiagnostic(book: Book, error: unknown, primary: boolean): Diagnostic {
  const e = error as { message?: string; installCommand?: string };
  let line = -1;
  try {
    line = readFileSync(book.configPath, 'utf8')
      .split(/\r?\n/)
      .findIndex((l) => /^typescript\s*:/.test(l));
  } catch {
    // A book configured from code has no book.yaml line to point at.
  }
  return {
    severity: primary || e.installCommand ? 'error' : 'warning',
    file: book.configPath,
    line: line >= 0 ? line + 1 : undefined,
    column: line >= 0 ? 1 : undefined,
    message: e.message ?? String(error),
    hint: e.installCommand ? `Install it: ${e.installCommand}` : undefined,
    ruleId: e.installCommand ? 'samples/typescript-missing' : 'samples/typescript-unsupported',
  };
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

/**
 * `--update`: rewrites output blocks whose sample ran but printed something else, and adds the block
 * after a sample that prints but has none. Returns the chapters written.
 */
function applyUpdates(samples: readonly Sample[], results: SampleResult[]): string[] {
  const byChapter = new Map<Chapter, OutputEdit[]>();
  samples.forEach((sample, i) => {
    const result = results[i]!;
    const mismatch = result.diagnostics.find((d) => d.ruleId === 'samples/output-mismatch' || d.ruleId === 'samples/output-missing');
    if (!mismatch || result.actualOutput === undefined) return;
    // A block that came from an included file (mdBook's {{#include}}) is not in the chapter's text: the
    // mismatch stays reported rather than written into the wrong file.
    const target = sample.output?.node ?? sample.node;
    if ((target.position?.start.offset ?? 0) > sample.chapter.source.length || (target.position?.end.offset ?? 0) > sample.chapter.source.length) {
      mismatch.hint =
        'This block comes from a file the chapter includes (an mdBook {{#include}}): update the output there; --update rewrites only blocks written in the chapter itself.';
      return;
    }
    const edits = byChapter.get(sample.chapter) ?? [];
    if (sample.output) edits.push({ node: sample.output.node, text: result.actualOutput });
    else edits.push({ node: sample.node, text: result.actualOutput, insertAfter: true });
    byChapter.set(sample.chapter, edits);
    result.diagnostics = result.diagnostics.filter((d) => d !== mismatch);
    result.updated = true;
    if (!result.diagnostics.some((d) => d.severity === 'error')) result.status = 'passed';
  });
  for (const [chapter, edits] of byChapter) {
    const raw = readFileSync(chapter.path, 'utf8');
    const bom = raw.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
    // The file's own text (CRLF kept) when it is still what was checked; else the checked text.
    const own = raw.slice(bom.length);
    const text = normalizeLineEndings(own) === chapter.source ? own : chapter.source;
    writeFileSync(chapter.path, bom + rewriteOutputBlocksInFile(text, edits));
  }
  return [...byChapter.keys()].map((c) => c.path);
}
