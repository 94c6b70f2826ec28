/**
 * The sample stage: `evergreen check` type-checks every TypeScript sample of the book in one program per
 * compiler-options group, runs the runnable ones in isolated long-lived runner processes, compares what
 * they print with the ```output block that follows, and caches results by content hash.
 */
export { check, CheckSession } from './check.js';
export { SampleStore } from './sampleStore.js';
export { cachedSamplePresenter, createSamplePresenter, presentSample, startSamplePresenter, type SamplePresentation } from './present.js';
export { mergeCheckReports } from './mergeReports.js';
export { parseShard, selectShard, readTimings, writeTimings, timingsFileName, type Shard } from './shard.js';
export { formatCheckResult, formatPretty, formatTimings, summaryLine, reporterNames, type ReporterName, type ReportOptions } from './reporters.js';
export { extractSamples, knownAttributes, sampleLanguages, defaultTimeoutMs } from './extract.js';
export { normalizeOutput, outputDiff } from './compare.js';
export { rewriteOutputBlocks, type OutputEdit } from './updateOutput.js';
export { parseDirectives, extractRegion } from './directives.js';
export type { CheckOptions, CheckResult, CheckTimings, SampleResult, SampleStatus, Sample, RunOutcome, TypeOutcome } from './types.js';
