import path from 'node:path';
import pc from 'picocolors';
import { formatLocation, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { formatDiagnostics } from '../diagnostics/report.js';
import type { CheckResult, CheckTimings } from './types.js';

export type ReporterName = 'pretty' | 'json' | 'junit' | 'github';
export const reporterNames: ReporterName[] = ['pretty', 'json', 'junit', 'github'];

export interface ReportOptions {
  cwd?: string;
  color?: boolean;
}

/**
 * `12 passed, 1 failed` plus `, 2 skipped` when any were skipped, `(3 type-checked only)` when some could
 * not run, and the compilers used: `12 passed, 1 failed · TypeScript 6.0.3`.
 */
export function summaryLine(result: Pick<CheckResult, 'passed' | 'failed' | 'skipped'> & Partial<Pick<CheckResult, 'typeCheckedOnly' | 'compilers' | 'shard'>>): string {
  const counts = `${result.passed} passed${result.typeCheckedOnly ? ` (${result.typeCheckedOnly} type-checked only)` : ''}, ${result.failed} failed${result.skipped > 0 ? `, ${result.skipped} skipped` : ''}`;
  const compilers = result.compilers ?? [];
  const parts = [counts, ...(compilers.length > 0 ? [compilers.map(compilerLabel).join(', ')] : [])];
  if (result.shard) parts.push(`shard ${result.shard.index}/${result.shard.total} of ${result.shard.bookSamples} samples`);
  return parts.join(' · ');
}

/** `check --timings`: where the time went, one line. */
export function formatTimings(timings: CheckTimings): string {
  const s = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
  return `timings: load ${s(timings.loadMs)} · type-check ${s(timings.typeCheckMs)} · run ${s(timings.runMs)} more (samples ran ${s(timings.sampleRunMs)} in all) · compare ${s(timings.compareMs)}`;
}

/** `TypeScript 6.0.3`, or `TypeScript 5.9.3 (bundled)` when the book has none of its own. */
export function compilerLabel(compiler: { name: string; version: string; source: string }): string {
  return `${compiler.name} ${compiler.version}${compiler.source === 'bundled' ? ' (bundled)' : ''}`;
}

export function formatCheckResult(result: CheckResult, reporter: ReporterName, options: ReportOptions = {}): string {
  switch (reporter) {
    case 'json':
      return formatJson(result, options);
    case 'junit':
      return formatJunit(result, options);
    case 'github':
      return formatGithub(result, options);
    default:
      return formatPretty(result, options);
  }
}

/** Diagnostics with coloured diffs, the chapters `--update` rewrote, and the summary line last. */
export function formatPretty(result: CheckResult, options: ReportOptions = {}): string {
  const colors = pc.createColors(options.color ?? pc.isColorSupported);
  const coloured = result.diagnostics.map((d) => (d.ruleId === 'samples/output-mismatch' && d.details ? { ...d, details: colourDiff(d.details, colors) } : d));
  const parts: string[] = [];
  if (coloured.length > 0) parts.push(formatDiagnostics(coloured, { cwd: options.cwd, color: options.color }));
  for (const sample of result.samples)
    if (sample.updated) parts.push(`${colors.cyan('updated')} output of ${formatLocation({ file: sample.file, line: sample.line, column: 1 }, options.cwd)}`);
  if (result.cached > 0) parts.push(colors.dim(`${result.cached} of ${result.samples.length} results from the cache (--no-cache to re-run)`));
  // The last line is exactly the summary, for people and scripts alike.
  const summary = summaryLine(result);
  parts.push(result.failed > 0 ? colors.red(summary) : colors.green(summary));
  return parts.join('\n');
}

function colourDiff(diff: string, colors: ReturnType<typeof pc.createColors>): string {
  return diff
    .split('\n')
    .map((line) => (line.startsWith('+') ? colors.green(line) : line.startsWith('-') ? colors.red(line) : line.startsWith('@@') ? colors.cyan(line) : line))
    .join('\n');
}

function relative(file: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, file);
  return rel.startsWith('..') ? file : rel.replace(/\\/g, '/');
}

function formatJson(result: CheckResult, options: ReportOptions): string {
  return JSON.stringify(
    {
      passed: result.passed,
      failed: result.failed,
      skipped: result.skipped,
      cached: result.cached,
      typeCheckedOnly: result.typeCheckedOnly,
      compilers: result.compilers,
      durationMs: result.durationMs,
      timings: result.timings,
      shard: result.shard,
      updatedFiles: result.updatedFiles.map((f) => relative(f, options.cwd)),
      samples: result.samples.map((s) => ({ ...s, file: relative(s.file, options.cwd), diagnostics: s.diagnostics.map((d) => ({ ...d, file: relative(d.file, options.cwd) })) })),
      diagnostics: sortDiagnostics(result.diagnostics).map((d) => ({ ...d, file: relative(d.file, options.cwd) })),
    },
    null,
    2,
  );
}

function xml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

function formatJunit(result: CheckResult, options: ReportOptions): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="evergreen check" tests="${result.samples.length}" failures="${result.failed}" skipped="${result.skipped}" time="${(result.durationMs / 1000).toFixed(3)}">`,
  ];
  const properties = result.compilers.map((c, i) => `      <property name="${i === 0 ? 'compiler' : `compiler.${i + 1}`}" value="${xml(compilerLabel(c))}"/>`);
  const byFile = new Map<string, CheckResult['samples']>();
  for (const s of result.samples) byFile.set(s.file, [...(byFile.get(s.file) ?? []), s]);
  for (const [file, samples] of byFile) {
    const name = relative(file, options.cwd);
    const failures = samples.filter((s) => s.status === 'failed').length;
    const skipped = samples.filter((s) => s.status === 'skipped').length;
    lines.push(`  <testsuite name="${xml(name)}" tests="${samples.length}" failures="${failures}" skipped="${skipped}">`);
    if (properties.length > 0) lines.push('    <properties>', ...properties.map((p) => p.slice(2)), '    </properties>');
    for (const s of samples) {
      lines.push(`    <testcase classname="${xml(name)}" name="${xml(s.name)}" file="${xml(name)}" line="${s.line}" time="${(s.durationMs / 1000).toFixed(3)}">`);
      if (s.status === 'skipped') lines.push('      <skipped/>');
      for (const d of s.diagnostics.filter((x) => x.severity === 'error')) {
        const body = [formatLocation(d, options.cwd), d.message, d.details ?? ''].join('\n');
        lines.push(`      <failure message="${xml(d.message)}" type="${xml(d.ruleId ?? 'error')}">${xml(body)}</failure>`);
      }
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n');
}

/** GitHub Actions workflow commands: each problem becomes an annotation on the chapter line. */
function formatGithub(result: CheckResult, options: ReportOptions): string {
  const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const lines = sortDiagnostics(result.diagnostics)
    .filter((d): d is Diagnostic => d.severity !== 'info')
    .map((d) => {
      const props = [`file=${escapeProperty(relative(d.file, options.cwd))}`];
      if (d.line !== undefined) props.push(`line=${d.line}`);
      if (d.column !== undefined) props.push(`col=${d.column}`);
      if (d.ruleId) props.push(`title=${escapeProperty(d.ruleId)}`);
      const message = [d.message, d.hint, d.details].filter(Boolean).join('\n');
      return `::${d.severity === 'error' ? 'error' : 'warning'} ${props.join(',')}::${escapeData(message)}`;
    });
  lines.push(summaryLine(result));
  return lines.join('\n');
}
