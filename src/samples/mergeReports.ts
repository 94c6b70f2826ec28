import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { CheckResult, SampleResult } from './types.js';

/** The parts of a `check --reporter json` report that merging reads. */
interface JsonReport {
  passed: number;
  failed: number;
  durationMs?: number;
  compilers?: CheckResult['compilers'];
  updatedFiles?: string[];
  samples: SampleResult[];
  diagnostics?: Diagnostic[];
  shard?: { index: number; total: number; bookSamples: number };
}

function isReport(value: unknown): value is JsonReport {
  const v = value as Partial<JsonReport> | null;
  return typeof v === 'object' && v !== null && Array.isArray(v.samples) && typeof v.passed === 'number' && typeof v.failed === 'number';
}

/**
 * `check --merge-reports DIR`: joins the JSON reports of a sharded check (`--shard i/n --reporter json`,
 * one file per shard) into one result, as if one machine had checked the whole book. A shard missing, twice,
 * or a sample counted twice is an error, never a quiet pass: merged shards must cover every sample once.
 * Paths in the reports are relative to the folder each shard ran in; they are resolved against `cwd`.
 */
export function mergeCheckReports(dir: string, options: { cwd?: string } = {}): CheckResult {
  const cwd = options.cwd ?? process.cwd();
  const folder = path.resolve(cwd, dir);
  const problems: Diagnostic[] = [];
  const problem = (file: string, message: string, hint: string, ruleId: string) => problems.push({ severity: 'error', file, message, hint, ruleId });
  let names: string[] = [];
  try {
    names = readdirSync(folder)
      .filter((n) => n.endsWith('.json'))
      .sort();
  } catch {
    problem(folder, `cannot read the reports folder ${dir}`, 'Pass the folder the shards wrote their `--reporter json` reports into.', 'samples/merge-unreadable');
  }
  const reports: { file: string; report: JsonReport }[] = [];
  for (const name of names) {
    const file = path.join(folder, name);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      problem(file, `${name} is not JSON: ${(error as Error).message}`, 'Write shard reports with `evergreen check --reporter json > DIR/shard-i.json`.', 'samples/merge-invalid');
      continue;
    }
    if (isReport(parsed)) reports.push({ file, report: parsed });
    else problem(file, `${name} is not an \`evergreen check --reporter json\` report`, 'Keep only shard reports in the folder.', 'samples/merge-invalid');
  }
  if (names.length > 0 && reports.length === 0 && problems.length === 0)
    problem(folder, `no reports in ${dir}`, 'Write shard reports with `--reporter json`.', 'samples/merge-empty');
  if (names.length === 0 && problems.length === 0)
    problem(folder, `no .json reports in ${dir}`, 'Each shard writes one: `evergreen check --shard i/n --reporter json > DIR/shard-i.json`.', 'samples/merge-empty');

  verifyShards(reports, folder, problem);

  const absolute = (file: string) => path.resolve(cwd, file);
  const samples: SampleResult[] = [];
  const seen = new Map<string, string>();
  const diagnostics = new Map<string, Diagnostic>();
  for (const { file, report } of reports) {
    for (const s of report.samples) {
      const sample = { ...s, file: absolute(s.file), diagnostics: (s.diagnostics ?? []).map((d) => ({ ...d, file: absolute(d.file) })) };
      const id = `${sample.file}\0${sample.line}\0${sample.name}`;
      const earlier = seen.get(id);
      if (earlier)
        problem(
          file,
          `sample ${sample.name} is in two reports (${path.basename(earlier)} and ${path.basename(file)})`,
          'Merge the reports of one sharded run only.',
          'samples/merge-duplicate',
        );
      else {
        seen.set(id, file);
        samples.push(sample);
      }
    }
    for (const d of report.diagnostics ?? []) {
      const diagnostic = { ...d, file: absolute(d.file) };
      // Book-level warnings (the sandbox, a fence attribute) are reported by every shard: once is enough.
      diagnostics.set(JSON.stringify([diagnostic.severity, diagnostic.file, diagnostic.line, diagnostic.column, diagnostic.ruleId, diagnostic.message]), diagnostic);
    }
  }
  samples.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.name.localeCompare(b.name));
  const compilers: CheckResult['compilers'] = [];
  for (const { report } of reports)
    for (const c of report.compilers ?? []) if (!compilers.some((o) => o.name === c.name && o.version === c.version && o.source === c.source)) compilers.push(c);
  // A shard with nothing to type-check (fewer samples than shards) names no compiler: that is no disagreement.
  const primaries = new Set(reports.flatMap(({ report }) => (report.compilers?.length ? [JSON.stringify(report.compilers[0])] : [])));
  if (primaries.size > 1)
    problem(folder, 'the shards were checked with different compilers', 'Install the same dependencies on every shard machine (`npm ci`).', 'samples/merge-compilers');
  return {
    samples,
    diagnostics: [...problems, ...diagnostics.values()],
    passed: samples.filter((s) => s.status === 'passed').length,
    failed: samples.filter((s) => s.status === 'failed').length,
    skipped: samples.filter((s) => s.status === 'skipped').length,
    cached: samples.filter((s) => s.cached).length,
    typeCheckedOnly: samples.filter((s) => s.status === 'passed' && s.typeCheckedOnly).length,
    compilers,
    updatedFiles: [...new Set(reports.flatMap(({ report }) => (report.updatedFiles ?? []).map(absolute)))],
    // Shards run side by side: the merged check took as long as its slowest shard.
    durationMs: Math.max(0, ...reports.map(({ report }) => report.durationMs ?? 0)),
  };
}

/** Every shard of one run exactly once, all of the same split of the same book. */
function verifyShards(reports: { file: string; report: JsonReport }[], folder: string, problem: (file: string, message: string, hint: string, ruleId: string) => void): void {
  const sharded = reports.filter(({ report }) => report.shard);
  if (sharded.length === 0) return;
  for (const { file, report } of reports)
    if (!report.shard)
      problem(file, `${path.basename(file)} is not a shard report, but others in the folder are`, 'Merge the reports of one sharded run only.', 'samples/merge-mixed');
  const totals = new Set(sharded.map(({ report }) => report.shard!.total));
  const books = new Set(sharded.map(({ report }) => report.shard!.bookSamples));
  if (totals.size > 1 || books.size > 1) {
    problem(
      folder,
      `the reports come from different splits (${[...totals].map((t) => `n=${t}`).join(', ')}; ${[...books].join(', ')} samples in the book)`,
      'Merge the reports of one run, where every shard checked the same commit with the same n.',
      'samples/merge-mismatch',
    );
    return;
  }
  const total = [...totals][0]!;
  const byIndex = new Map<number, string[]>();
  for (const { file, report } of sharded) byIndex.set(report.shard!.index, [...(byIndex.get(report.shard!.index) ?? []), path.basename(file)]);
  for (let i = 1; i <= total; i++) {
    const files = byIndex.get(i) ?? [];
    if (files.length === 0)
      problem(
        folder,
        `shard ${i}/${total} is missing: its samples were not checked`,
        `Wait for every shard's report, or re-run \`evergreen check --shard ${i}/${total}\`.`,
        'samples/merge-missing',
      );
    if (files.length > 1) problem(folder, `shard ${i}/${total} has ${files.length} reports (${files.join(', ')})`, 'Keep one report per shard.', 'samples/merge-duplicate');
  }
  const counted = sharded.reduce((n, { report }) => n + report.samples.length, 0);
  const expected = [...books][0]!;
  if (byIndex.size === total && [...byIndex.values()].every((f) => f.length === 1) && counted !== expected)
    problem(folder, `the shards report ${counted} samples, but the book has ${expected}`, 'Check that every shard ran on the same commit.', 'samples/merge-incomplete');
}
