import { describe, expect, it } from 'vitest';
import { TypeArrivals } from '../../../src/samples/typeArrivals.js';

const inChapter = (path: string) => ({ chapter: { path } }) as never;

/** Whether a promise has settled, after the microtasks that could settle it have run. */
async function state(promise: Promise<void>): Promise<'pending' | 'resolved' | 'rejected'> {
  let result: 'pending' | 'resolved' | 'rejected' = 'pending';
  promise.then(
    () => (result = 'resolved'),
    () => (result = 'rejected'),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return result;
}

describe('TypeArrivals', () => {
  it('makes a chapter ready when the last of its samples arrives, and not before', async () => {
    const one = [inChapter('one.md'), inChapter('one.md')];
    const arrivals = new TypeArrivals([...one, inChapter('two.md')]);
    const ready = arrivals.ready('one.md');
    expect(arrivals.isReady('one.md')).toBe(false);
    arrivals.arrived(one[0]);
    expect(await state(ready)).toBe('pending');
    arrivals.arrived(one[1]);
    expect(await state(ready)).toBe('resolved');
    expect(arrivals.isReady('one.md')).toBe(true);
    expect(arrivals.isReady('two.md')).toBe(false);
  });

  it('says a chapter with nothing to wait for is ready at once', async () => {
    const arrivals = new TypeArrivals([inChapter('two.md')]);
    expect(arrivals.isReady('one.md')).toBe(true);
    expect(await state(arrivals.ready('one.md'))).toBe('resolved');
  });

  it('makes every chapter ready when the type-check ends without some results', async () => {
    const arrivals = new TypeArrivals([inChapter('one.md'), inChapter('two.md')]);
    const two = arrivals.ready('two.md');
    arrivals.arrived(inChapter('one.md'));
    arrivals.finish();
    expect(await state(two)).toBe('resolved');
    expect(arrivals.isReady('two.md')).toBe(true);
  });

  it('rejects the chapters still waiting when the type-check fails, and keeps the ready ones ready', async () => {
    const arrivals = new TypeArrivals([inChapter('one.md'), inChapter('two.md')]);
    arrivals.arrived(inChapter('one.md'));
    const two = arrivals.ready('two.md');
    arrivals.fail(new Error('the type-check thread stopped'));
    expect(await state(two)).toBe('rejected');
    await expect(arrivals.ready('two.md')).rejects.toThrow('the type-check thread stopped');
    expect(await state(arrivals.ready('one.md'))).toBe('resolved');
  });
});
