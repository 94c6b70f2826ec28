import type { Diagnostic } from '../../../diagnostics/diagnostic.js';
import type { Sample, TypeCheckResult } from '../../types.js';
import type { TypeScriptPackage } from './resolve.js';
import type { CheckerBook } from './compilerOptions.js';

/**
 * A sample as the type-check thread gets it: what the compiler reads, without the chapter's tree, the
 * fence's node or the samples it links to (structured clone would copy the whole chapter). Whether it
 * wants hovers is decided where the book is (hovers.ts) and sent along.
 */
export type WireSample = Omit<Sample, 'chapter' | 'node' | 'output' | 'continues' | 'meta' | 'include'> & {
  chapter: { slug: string };
  wantsHovers: boolean;
};

/** `load` comes first (the compiler loads before the book is known), `start` once the book is loaded. */
export type TypeCheckRequest = { op: 'load'; pkg: TypeScriptPackage } | { op: 'start'; book: CheckerBook } | { op: 'check'; id: number; samples: WireSample[]; emit: boolean[] };

export type TypeCheckResponse =
  | { op: 'started'; diagnostics: Diagnostic[] }
  | { op: 'result'; id: number; index: number; result: TypeCheckResult }
  | { op: 'done'; id: number; filesRead: string[] }
  | { op: 'failed'; id?: number; message: string };

export function toWireSample(sample: Sample, wantsHovers: boolean): WireSample {
  const { chapter, node: _node, output: _output, continues: _continues, meta: _meta, include: _include, ...rest } = sample;
  return { ...rest, chapter: { slug: chapter.slug }, wantsHovers };
}
