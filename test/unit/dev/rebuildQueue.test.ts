import { describe, expect, it } from 'vitest';
import { RebuildQueue } from '../../../src/dev/rebuildQueue.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RebuildQueue', () => {
  it('never runs two jobs at once and merges what arrives during a job into one more job', async () => {
    const batches: string[][] = [];
    let running = 0;
    let maxRunning = 0;
    const queue = new RebuildQueue(async (changed) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      batches.push([...changed].sort());
      await tick(30);
      running--;
    });
    queue.push(['a']);
    await tick(5);
    queue.push(['b']);
    queue.push(['c', 'b']);
    queue.push(['d']);
    await queue.idle();
    expect(maxRunning).toBe(1);
    expect(batches).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('keeps going after a job fails', async () => {
    const seen: string[] = [];
    const queue = new RebuildQueue(async (changed) => {
      seen.push(...changed);
      if (changed.has('bad')) throw new Error('boom');
    });
    queue.push(['bad']);
    await queue.idle();
    queue.push(['good']);
    await queue.idle();
    expect(seen).toEqual(['bad', 'good']);
  });

  it('close() waits for the running job and drops what is waiting', async () => {
    const seen: string[] = [];
    const queue = new RebuildQueue(async (changed) => {
      await tick(20);
      seen.push(...changed);
    });
    queue.push(['first']);
    await tick(2);
    queue.push(['second']);
    await queue.close();
    queue.push(['third']);
    await queue.idle();
    expect(seen).toEqual(['first']);
  });
});
