import type { Code } from 'mdast';
import type { Book, Chapter } from '../book/model.js';
import { parseFenceMeta } from '../parse/fenceMeta.js';
import { sampleFences } from './languages/registry.js';

export type SampleSelection = 'all' | 'marked' | 'none';
export type RunPolicy = 'all' | 'output' | 'none';

/**
 * What `samples: auto` and `run: auto` (the defaults) mean for this book. A book written for twoslash
 * marks its samples (```ts twoslash): then only marked blocks are samples (a plain ```ts block is a
 * fragment), and a sample runs only when it shows its output or must throw, because twoslash never
 * runs anything and such books are full of type-level illustrations that call `declare`d functions.
 * Any other book: every block is a sample and every sample runs.
 */
export function resolvePolicy(book: Book, blocksOf: (chapter: Chapter) => Code[]): { samples: SampleSelection; run: RunPolicy; twoslash: boolean } {
  const samplesSetting = book.config.samples ?? 'auto';
  const runSetting = book.config.run ?? 'auto';
  // Only `twoslash` marks a book as a marked one: `check` alone has always needed `samples: marked`.
  let marked = false;
  let twoslash = false;
  if (samplesSetting === 'auto' || runSetting === 'auto') {
    for (const chapter of book.chapters) {
      for (const node of blocksOf(chapter)) {
        if (!sampleFences.has((node.lang ?? '').toLowerCase())) continue;
        const names = parseFenceMeta(node.meta).attributes.map((a) => a.name);
        if (names.includes('twoslash')) twoslash = marked = true;
      }
      if (twoslash) break;
    }
  }
  const samples: SampleSelection = samplesSetting === 'auto' ? (marked ? 'marked' : 'all') : samplesSetting;
  const run: RunPolicy = runSetting === 'auto' ? (twoslash ? 'output' : 'all') : runSetting;
  return { samples, run, twoslash };
}

/**
 * The literate-ts notation in an HTML comment before a fence, if it is one: a directive
 * (`<!-- verifier:skip -->`) or a sample id (`<!-- #name -->`, paired with a `#name-output` block).
 */
export function literateTsDirective(comment: string): string | undefined {
  const match = /^<!--\s*(verifier:[\w-]+(?::\S*)?|#[\w-]+)\s*(?:-->)?/.exec(comment);
  return match?.[1];
}
