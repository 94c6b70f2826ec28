import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeCheckReports } from '../../../src/samples/mergeReports.js';
import { parseShard } from '../../../src/samples/shard.js';

const compiler = { name: 'TypeScript', version: '6.0.3', source: 'bundled' };
const sample = (name: string, status: 'passed' | 'failed') => ({
  name,
  file: 'manuscript/a.md',
  line: Number(name.split(':')[1]),
  status,
  cached: false,
  diagnostics: status === 'failed' ? [{ severity: 'error', file: 'manuscript/a.md', line: 3, column: 1, message: 'TS2322', ruleId: 'samples/TS2322' }] : [],
  durationMs: 5,
});
const shardReport = (index: number, total: number, samples: ReturnType<typeof sample>[], bookSamples = 3) => ({
  passed: samples.filter((s) => s.status === 'passed').length,
  failed: samples.filter((s) => s.status === 'failed').length,
  skipped: 0,
  cached: 0,
  compilers: [compiler],
  durationMs: 100 * index,
  samples,
  diagnostics: [
    ...samples.flatMap((s) => s.diagnostics),
    // Every shard repeats the book-level warning.
    { severity: 'warning', file: 'manuscript/book.yaml', message: 'sandbox note', ruleId: 'samples/sandbox' },
  ],
  shard: { index, total, bookSamples },
});

function folder(files: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evergreen-merge-'));
  for (const [name, value] of Object.entries(files)) writeFileSync(path.join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
  return dir;
}

describe('merging shard reports', () => {
  it('joins complete shards into one result: counts from the samples, warnings once, slowest shard as duration', () => {
    const dir = folder({
      'shard-1.json': shardReport(1, 2, [sample('a.md:1', 'passed'), sample('a.md:9', 'failed')]),
      'shard-2.json': shardReport(2, 2, [sample('a.md:5', 'passed')]),
    });
    const merged = mergeCheckReports(dir, { cwd: '/book' });
    expect({ passed: merged.passed, failed: merged.failed, durationMs: merged.durationMs }).toEqual({ passed: 2, failed: 1, durationMs: 200 });
    expect(merged.samples.map((s) => s.name)).toEqual(['a.md:1', 'a.md:5', 'a.md:9']);
    expect(merged.samples[0]!.file).toBe('/book/manuscript/a.md');
    expect(merged.diagnostics.filter((d) => d.ruleId === 'samples/sandbox')).toHaveLength(1);
    expect(merged.diagnostics.filter((d) => d.severity === 'error').map((d) => d.ruleId)).toEqual(['samples/TS2322']);
  });

  it('fails on a missing shard, a shard twice, mixed splits, a duplicated sample, a wrong total and an empty folder', () => {
    const errors = (files: Record<string, unknown>) =>
      mergeCheckReports(folder(files))
        .diagnostics.filter((d) => d.severity === 'error')
        .map((d) => d.message);
    expect(errors({ 'shard-1.json': shardReport(1, 3, [sample('a.md:1', 'passed')]) })).toEqual([
      'shard 2/3 is missing: its samples were not checked',
      'shard 3/3 is missing: its samples were not checked',
    ]);
    expect(errors({ 'a.json': shardReport(1, 1, [sample('a.md:1', 'passed')], 1), 'b.json': shardReport(1, 1, [sample('a.md:2', 'passed')], 1) })).toContain(
      'shard 1/1 has 2 reports (a.json, b.json)',
    );
    expect(errors({ 'a.json': shardReport(1, 2, [sample('a.md:1', 'passed')]), 'b.json': shardReport(2, 3, [sample('a.md:2', 'passed')]) })[0]).toMatch(/different splits/);
    expect(errors({ 'a.json': shardReport(1, 2, [sample('a.md:1', 'passed')], 2), 'b.json': shardReport(2, 2, [sample('a.md:1', 'passed')], 2) })[0]).toMatch(
      /sample a.md:1 is in two reports/,
    );
    expect(errors({ 'a.json': shardReport(1, 2, [sample('a.md:1', 'passed')], 4), 'b.json': shardReport(2, 2, [sample('a.md:2', 'passed')], 4) })).toEqual([
      'the shards report 2 samples, but the book has 4',
    ]);
    expect(errors({})[0]).toMatch(/no \.json reports/);
    expect(errors({ 'x.json': '{"not": "a report"}' })[0]).toMatch(/is not an `evergreen check --reporter json` report/);
  });

  it('parses i/n and explains a malformed shard', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, total: 3 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, total: 1 });
    for (const bad of ['0/3', '4/3', '1/0', 'a/b', '1-3']) expect(typeof parseShard(bad), bad).toBe('string');
  });
});
