import type { Book } from '../book/model.js';
import type { Code } from 'mdast';
import type { Chapter } from '../book/model.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { FenceMeta } from '../parse/fenceMeta.js';

/** Where one line of a virtual sample file came from: a line of the chapter (or an included file). */
export interface LineOrigin {
  /** Absolute path of the file the line is written in (the chapter, or an included real file). */
  file: string;
  /** 1-based line in that file. */
  line: number;
  /** Columns the Markdown container removed (list indentation, `> `): added back when reporting. */
  indent: number;
}

/** One file of a sample as the compiler sees it (a multi-file sample has several, split at `// @filename:`). */
export interface SampleFile {
  /** File name inside the sample's virtual folder, e.g. `index.ts` or `a.ts`. */
  name: string;
  /** Exactly the lines the author wrote (directives stay in as comments, so line numbers are unchanged). */
  text: string;
  /** Lines of earlier samples prepended by `continue` (compiled and run, never reported or shown). */
  preludeLineCount: number;
  /** Origin of each line of `text` (prelude lines: undefined). */
  origins: (LineOrigin | undefined)[];
  /** Index of this file's first line among the code block's lines. */
  firstBlockLine: number;
  /** For `include=`: the real file on disk (compiled in place, so its own imports resolve). */
  realPath?: string;
}

/** `//   ^?` with optional asserted text. Lines and columns are 0-based in the owning file's text. */
export interface TypeQuery {
  file: number;
  /** Line of the `^?` comment. */
  line: number;
  /** Line and column the caret points at. */
  targetLine: number;
  targetColumn: number;
  expected?: string;
}

/** literate-ts `// type is T` (or `// type is still T`) after an expression: asserts its type. 0-based. */
export interface TypeAssertion {
  file: number;
  /** Line of the comment (on its own line below the expression, or trailing it). */
  line: number;
  /** Line of the expression whose type is asserted. */
  targetLine: number;
  expected: string;
}

/** `// ~~~ message` under a line: an error must span these columns (0-based, end exclusive). */
export interface ErrorSpan {
  file: number;
  line: number;
  targetLine: number;
  startColumn: number;
  endColumn: number;
  message?: string;
}

export interface Sample {
  /** Stable name for reports and `--grep`: `chapter.md:LINE` or `chapter.md#id`. */
  name: string;
  chapter: Chapter;
  /** 1-based position among the chapter's samples. */
  index: number;
  node: Code;
  /** The fence language as written, lowercase (`ts`, `tsx`, `js`…). */
  lang: string;
  /** Id of the sample language that owns the fence (`typescript`, `javascript`, `tsx`). */
  language: string;
  meta: FenceMeta;
  /** `id=NAME`, used by `continue=NAME`. */
  id?: string;
  /** The earlier sample this one continues, if any. */
  continues?: Sample;
  /** Type-check this sample (false for `no-check`). */
  check: boolean;
  /** Run it (false for `no-run`, `no-check`, samples that expect errors, and those the run policy leaves out). */
  run: boolean;
  /** Why it is not run, when it is type-checked only (shown with `--verbose` and in the JSON report). */
  notRunReason?: string;
  /** Must throw or exit non-zero. */
  throws: boolean;
  timeoutMs: number;
  /** May reach the network (`network` in the fence, or `sandbox.network`). */
  network: boolean;
  /** Memory limit of its run in MB (`memory=MB`, or `sandbox.memory`). */
  memoryMb: number;
  files: SampleFile[];
  /** Per-sample compiler flags (`// @strict: false`), as raw JSON-ish values. */
  flags: Record<string, unknown>;
  /** `// @errors:` codes; undefined when none are expected. */
  expectedErrors?: number[];
  /** `// @errors[RANGE]:` codes expected only from compiler versions in the semver range. */
  scopedErrors: { range: string; codes: number[] }[];
  noErrors: boolean;
  queries: TypeQuery[];
  /** twoslash `^|` completion queries (same shape as a type query, without asserted text). */
  completions: TypeQuery[];
  errorSpans: ErrorSpan[];
  /** Block lines that are hidden in the book (directives, `^?`, `~~~`, everything above `---cut---`). 0-based in the block. */
  hiddenLines: Set<number>;
  /** The ```output block that follows the sample; `illustrative` when its fence says so (not verified). */
  output?: { node: Code; text: string; illustrative: boolean };
  /** literate-ts `// type is …` assertions under a line: the type of the whole expression statement above. */
  typeAssertions: TypeAssertion[];
  /** `include=path#region`: the real file that is checked and run, and the region shown. */
  include?: { path: string; region?: string; shownText: string; content: string; dependencies: { path: string; content: string }[] };
  /** Chapter line of the code block's first content line. */
  firstLine: number;
}

/** A problem found in a sample, relative to the sample (so cached results survive the sample moving). */
export interface SampleProblem {
  /** Index into `sample.files`. */
  file: number;
  /** 0-based line in that file's text (including prelude lines). */
  line: number;
  /** 0-based column. */
  column: number;
  message: string;
  ruleId: string;
  details?: string;
  /** Warnings (an unknown `// @flag`) do not fail the sample unless `--strict`. */
  severity?: 'warning';
}

/** JavaScript to run, produced by a sample language. */
export interface EmittedSample {
  /** JavaScript (or JSON) of each file, by file name. */
  files: Record<string, string>;
  /** The file that is run (the last one). */
  entry: string;
  /** How the runner loads the files: as ES modules, or as CommonJS (`// @module: commonjs`). */
  format: 'esm' | 'commonjs';
}

export interface TypeCheckResult {
  types: TypeOutcome;
  emitted?: EmittedSample;
  /** Why the sample cannot run here although it was to run (it uses the DOM, which Node lacks): it is type-checked only. */
  cannotRun?: string;
  /** The compiler options the sample was checked with (its flags applied), for a language's own checks. */
  compilerOptions?: Record<string, unknown>;
}

/** What running a sample produced. */
export interface RunOutcome {
  /** stdout and stderr interleaved in the order written, normalised. */
  output: string;
  exitCode: number;
  /** `Name: message` of an uncaught exception, if any. */
  error?: string;
  unhandledRejection?: string;
  timedOut?: boolean;
  outputTruncated?: boolean;
  /** The runner process died (crash, out of memory). */
  crashed?: string;
  /** It timed out once and was run a second time (this is the second run). */
  retried?: boolean;
  /** The sandbox stopped the sample: its memory limit, the network, or it ended its runner. */
  violation?: { rule: 'memory' | 'network' | 'runner'; message: string };
  durationMs: number;
}

/** Quick info of one identifier the reader sees (a type hover), as twoslash's `hover` nodes. 0-based, in the owning file's text. */
export interface SampleHover {
  file: number;
  line: number;
  column: number;
  /** Length of the identifier. */
  length: number;
  /** The compiler's quick info, e.g. `const user: { name: string; }`. */
  text: string;
  /** Its JSDoc documentation, if any. */
  docs?: string;
  /** Its JSDoc tags as written (`@param name the user`). */
  tags?: string[];
}

/** What the type-check learned about a sample (cacheable). */
export interface TypeOutcome {
  problems: SampleProblem[];
  /** Types for `^?` queries, in `sample.queries` order. */
  queryTypes: string[];
  /** The errors the sample expected and got (`@errors`, `~~~`): shown in the book under their line. */
  expected: SampleProblem[];
  /** Why a runnable sample is type-checked only (see TypeCheckResult.cannotRun). */
  cannotRun?: string;
  /** How it runs (cached with the outcome). */
  format?: 'esm' | 'commonjs';
  /** Type hovers for every identifier shown, when the book and sample want them (undefined: not computed). */
  hovers?: SampleHover[];
}

export interface CachedOutcome {
  types: TypeOutcome;
  run?: RunOutcome;
}

export type SampleStatus = 'passed' | 'failed' | 'skipped';

export interface SampleResult {
  name: string;
  /** Absolute chapter path. */
  file: string;
  line: number;
  status: SampleStatus;
  /** True when the result came from the on-disk cache. */
  cached: boolean;
  /** Failure diagnostics for this sample (empty when passed). */
  diagnostics: Diagnostic[];
  /** Set when the sample passed its type-check but was not run, with the reason (DOM, run policy…). */
  typeCheckedOnly?: string;
  /** The compiler versions it was checked with, when the book lists several (`typescript:` in book.yaml). */
  versions?: { version: string; status: SampleStatus }[];
  /** Actual output when the sample ran. */
  actualOutput?: string;
  expectedOutput?: string;
  /** True when `--update` rewrote this sample's output block. */
  updated?: boolean;
  durationMs: number;
  /** Identifies the sample across machines and line moves (its code): the key of the timings file that balances shards. */
  contentHash?: string;
}

export interface CheckOptions {
  /** The book model, loaded once by the project (the check never loads the book itself). */
  book: Book;
  /** Only these chapters (paths relative to manuscript/, or absolute, or relative to cwd). */
  files?: string[];
  /** Only samples whose name or code contains this text. */
  grep?: string;
  /** Rewrite output blocks that differ from the actual output. */
  update?: boolean;
  noCache?: boolean;
  /** Unknown fence attributes and flags are errors instead of warnings. */
  strict?: boolean;
  /** Runner processes (default: os.availableParallelism()). */
  workers?: number;
  /** Extra variables for the samples' minimal environment (tests). */
  env?: Record<string, string>;
  /** TypeScript versions to check with (overrides `typescript:` in book.yaml); the first is the primary one. */
  typescriptVersions?: string[];
  /** Only this deterministic part of the samples (`--shard 2/4`), balanced by the book's timings file when it has one. */
  shard?: { index: number; total: number };
}

/** Where a check's time went (`check --timings`), in milliseconds of wall time. */
export interface CheckTimings {
  /** Reading the samples out of the chapters (the CLI adds opening the book). */
  loadMs: number;
  /** Loading compilers and type-checking (runs start meanwhile, as samples come out of the type-check). */
  typeCheckMs: number;
  /** Waiting for runs still going after the type-check ended. */
  runMs: number;
  /** Sum of the samples' own run times, across the parallel runners. */
  sampleRunMs: number;
  /** Comparing outputs and turning outcomes into verdicts. */
  compareMs: number;
}

export interface CheckResult {
  samples: SampleResult[];
  /** Every problem: sample failures plus warnings (unknown attributes…) and book loading errors. */
  diagnostics: Diagnostic[];
  passed: number;
  failed: number;
  skipped: number;
  /** Samples whose outcome came from the cache. */
  cached: number;
  /** Chapters whose output blocks `--update` rewrote. */
  updatedFiles: string[];
  /** The compilers used, primary first (e.g. TypeScript 6.0.3 from the book's dependencies). */
  compilers: { name: string; version: string; source: string }[];
  /** Samples that passed their type-check but were not run (DOM samples, run policy). */
  typeCheckedOnly: number;
  durationMs: number;
  timings?: CheckTimings;
  /** Set by `--shard`: which part this is, and how many samples the whole book has (so merged shards can be verified complete). */
  shard?: { index: number; total: number; bookSamples: number };
}
