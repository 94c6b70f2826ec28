import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sha256 } from '../util/hash.js';
import type { Sample, SampleResult } from './types.js';

/** `--shard 2/3`: the second of three parts. `index` is 1-based. */
export interface Shard {
  index: number;
  total: number;
}

/** Parses `i/n` (1 ≤ i ≤ n); returns an error message for anything else. */
export function parseShard(text: string): Shard | string {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) return `"${text}" is not a shard: write it as i/n, e.g. --shard 1/4`;
  const index = Number(match[1]);
  const total = Number(match[2]);
  if (total < 1 || index < 1 || index > total)
    return `shard ${text} is out of range: i must be between 1 and n (1/${Math.max(total, 1)} … ${Math.max(total, 1)}/${Math.max(total, 1)})`;
  return { index, total };
}

/** The file a book commits so that shards on different machines balance alike (as Playwright and Vitest shard). */
export const timingsFileName = 'sample-timings.json';

/** Measured milliseconds per sample, by content hash (a moved sample keeps its timing; an edited one is estimated). */
export interface SampleTimings {
  version: 1;
  samples: Record<string, number>;
}

/**
 * What identifies a sample across machines and line moves: its language and code (not its position, not
 * the toolchain, so that a committed timings file stays useful after an upgrade).
 */
export function sampleContentHash(sample: Sample): string {
  return sha256(sample.lang, sample.node.value, sample.include?.content ?? '').slice(0, 16);
}

export function readTimings(bookRoot: string): SampleTimings | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path.join(bookRoot, timingsFileName), 'utf8')) as Partial<SampleTimings>;
    if (parsed.version !== 1 || typeof parsed.samples !== 'object' || parsed.samples === null) return undefined;
    return { version: 1, samples: parsed.samples };
  } catch {
    return undefined;
  }
}

/** Writes the timings of checked samples (sorted keys, so the committed file diffs cleanly). Returns the path. */
export function writeTimings(bookRoot: string, results: readonly Pick<SampleResult, 'contentHash' | 'durationMs' | 'status'>[]): string {
  const samples: Record<string, number> = {};
  for (const r of [...results].sort((a, b) => (a.contentHash ?? '').localeCompare(b.contentHash ?? ''))) {
    if (!r.contentHash || r.status === 'skipped') continue;
    samples[r.contentHash] = Math.max(samples[r.contentHash] ?? 0, Math.round(r.durationMs));
  }
  const file = path.join(bookRoot, timingsFileName);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify({ version: 1, samples } satisfies SampleTimings, null, 2)}\n`);
  renameSync(temp, file);
  return file;
}

/**
 * Estimated cost of a sample in milliseconds: its measured run time when the timings file has it, else a
 * run estimate for runnable samples, plus a type-check share growing with its size (the type-check is one
 * program per options group, so no per-sample figure exists to measure).
 */
function estimatedCost(sample: Sample, hash: string, timings: SampleTimings | undefined): number {
  const size = sample.files.reduce((n, f) => n + f.text.length, 0);
  const typeCheck = 2 + size / 200;
  const measured = timings?.samples[hash];
  if (measured !== undefined) return typeCheck + measured;
  return typeCheck + (sample.run ? 40 : 0);
}

/**
 * The samples of one shard. Deterministic on every machine for the same book (and timings file): samples
 * are ordered by estimated cost, heaviest first, ties by content hash then name, and each goes to the
 * least-loaded shard (longest-processing-time first), ties to the lowest shard. Every sample lands in
 * exactly one shard.
 */
export function selectShard(samples: readonly Sample[], shard: Shard, timings: SampleTimings | undefined): Sample[] {
  const weighed = samples.map((sample) => {
    const hash = sampleContentHash(sample);
    return { sample, hash, cost: estimatedCost(sample, hash, timings) };
  });
  weighed.sort((a, b) => b.cost - a.cost || a.hash.localeCompare(b.hash) || a.sample.name.localeCompare(b.sample.name));
  const loads = new Array<number>(shard.total).fill(0);
  const chosen = new Set<Sample>();
  for (const { sample, cost } of weighed) {
    let target = 0;
    for (let i = 1; i < loads.length; i++) if (loads[i]! < loads[target]!) target = i;
    loads[target]! += cost;
    if (target === shard.index - 1) chosen.add(sample);
  }
  // Book order within the shard, as an unsharded check reports them.
  return samples.filter((s) => chosen.has(s));
}
