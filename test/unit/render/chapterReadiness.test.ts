import { describe, expect, it } from 'vitest';
import type { Chapter } from '../../../src/book/model.js';
import { inOrderOfReadiness } from '../../../src/render/shared/chapterBodies.js';

const chapter = (path: string) => ({ path }) as Chapter;

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('chapters in order of readiness', () => {
  it('yields the chapters ready at once in book order, then each as it becomes ready', async () => {
    const chapters = ['a', 'b', 'c', 'd'].map(chapter);
    const b = deferred();
    const d = deferred();
    const waits = new Map([
      ['b', b.promise],
      ['d', d.promise],
    ]);
    const seen: string[] = [];
    const done = (async () => {
      for await (const c of inOrderOfReadiness(chapters, (c) => waits.get(c.path) ?? Promise.resolve())) {
        seen.push(c.path);
        // What the renderer would do meanwhile: d's types arrive while a is rendered.
        if (c.path === 'a') d.resolve();
        if (c.path === 'd') b.resolve();
      }
    })();
    await done;
    expect(seen).toEqual(['a', 'c', 'd', 'b']);
  });

  it('stops with the type-check error when a chapter can never be ready', async () => {
    const failing = deferred();
    const seen: string[] = [];
    const run = (async () => {
      for await (const c of inOrderOfReadiness([chapter('a'), chapter('b')], (c) => (c.path === 'b' ? failing.promise : Promise.resolve()))) seen.push(c.path);
    })();
    failing.reject(new Error('the type-check thread stopped'));
    await expect(run).rejects.toThrow('the type-check thread stopped');
    expect(seen.length).toBeLessThan(2);
  });
});
