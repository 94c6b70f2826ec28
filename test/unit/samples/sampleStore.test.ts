import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SampleStore, sampleStoreDir } from '../../../src/samples/sampleStore.js';
import type { CachedOutcome, Sample } from '../../../src/samples/types.js';
import { cacheRoot } from '../../../src/util/diskCache.js';
import { tempDir } from '../../helpers/cli.js';

// The store needs only where a sample's chapter is.
const sampleIn = (root: string, chapter: string) => ({ chapter: { path: path.join(root, 'manuscript', chapter) } }) as unknown as Sample;
const outcome = (label: string): CachedOutcome => ({ types: { problems: [], queries: [{ line: 1, column: 1, text: label }] } }) as unknown as CachedOutcome;
const files = (root: string) => readdirSync(sampleStoreDir(cacheRoot(root)));

describe('the sample store', () => {
  it('keeps the outcomes of a chapter in one file, read by the next command', () => {
    const root = tempDir();
    const a = sampleIn(root, 'a.md');
    const b = sampleIn(root, 'b.md');
    const store = new SampleStore(root);
    store.set(a, 'k1', outcome('one'));
    store.set(a, 'k2', outcome('two'));
    store.set(b, 'k3', outcome('three'));
    store.flush();
    expect(files(root)).toHaveLength(2);
    const next = new SampleStore(root);
    expect(next.get(a, 'k2')).toEqual(outcome('two'));
    expect(next.get(b, 'k3')).toEqual(outcome('three'));
    expect(next.get(b, 'k1')).toBeUndefined();
  });

  it('writes nothing until flushed, and keeps what another command stored in the same chapter meanwhile', () => {
    const root = tempDir();
    const a = sampleIn(root, 'a.md');
    const first = new SampleStore(root);
    const second = new SampleStore(root);
    expect(first.get(a, 'k1')).toBeUndefined();
    expect(second.get(a, 'k2')).toBeUndefined();
    first.set(a, 'k1', outcome('one'));
    expect(() => files(root)).toThrow();
    second.set(a, 'k2', outcome('two'));
    first.flush();
    second.flush();
    const next = new SampleStore(root);
    expect(next.get(a, 'k1')).toEqual(outcome('one'));
    expect(next.get(a, 'k2')).toEqual(outcome('two'));
  });

  it('drops an outcome nobody asked for in the chapter file’s last eight writes, and keeps one asked for', () => {
    const root = tempDir();
    const a = sampleIn(root, 'a.md');
    const start = new SampleStore(root);
    start.set(a, 'edited-away', outcome('old'));
    start.set(a, 'kept', outcome('kept'));
    start.flush();
    for (let write = 1; write <= 9; write++) {
      const store = new SampleStore(root);
      expect(store.get(a, 'kept')).toEqual(outcome('kept'));
      if (write <= 8) expect(new SampleStore(root).get(a, 'edited-away')).toEqual(outcome('old'));
      store.set(a, `new-${write}`, outcome(`new ${write}`));
      store.flush();
    }
    const last = new SampleStore(root);
    expect(last.get(a, 'edited-away')).toBeUndefined();
    expect(last.get(a, 'kept')).toEqual(outcome('kept'));
    // Set in the first of those writes and not asked for since: eight writes ago, so still kept.
    expect(last.get(a, 'new-1')).toEqual(outcome('new 1'));
    expect(last.get(a, 'new-9')).toEqual(outcome('new 9'));
  });
});
