import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChangeWatcher, isEditorScratchFile, watchChanges } from '../../../src/dev/changeWatcher.js';
import { isBookSource } from '../../../src/dev/watchTargets.js';
import { atomicWrite } from './devBook.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
let watcher: ChangeWatcher | undefined;
let dir: string;

async function watch(debounceMs = 30) {
  dir = mkdtempSync(path.join(os.tmpdir(), 'evergreen-watch-'));
  mkdirSync(path.join(dir, 'manuscript'));
  writeFileSync(path.join(dir, 'manuscript', 'a.md'), 'one');
  const batches: Set<string>[] = [];
  writeFileSync(path.join(dir, 'unrelated.txt'), 'x');
  watcher = watchChanges({ root: dir, relevant: (f) => isBookSource(dir, f), debounceMs, onChange: (paths) => batches.push(paths) });
  await watcher.ready;
  return { batches, file: path.join(dir, 'manuscript', 'a.md') };
}

afterEach(async () => {
  await watcher?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('watchChanges', () => {
  it('delivers a burst of saves as one batch, within tens of milliseconds', async () => {
    const { batches, file } = await watch();
    const started = performance.now();
    for (let i = 0; i < 10; i++) writeFileSync(file, `version ${i}`);
    while (batches.length === 0 && performance.now() - started < 5000) await tick(5);
    expect(performance.now() - started).toBeLessThan(2500); // a debounce of tens of ms, with room for a loaded CI machine
    await tick(250);
    expect(batches.length).toBeGreaterThanOrEqual(1);
    expect(batches.length).toBeLessThanOrEqual(2);
    expect([...batches[0]]).toEqual([file]);
  });

  it('does not lose the last save when it comes right after a delivered one (chokidar throttles changes for 50 ms)', async () => {
    const { batches, file } = await watch(5);
    writeFileSync(file, 'first');
    while (batches.length === 0) await tick(2);
    writeFileSync(file, 'second, 10 ms later');
    await tick(400);
    expect(batches.length).toBeGreaterThanOrEqual(2);
  });

  it('reports an atomic save (temp + rename) as a change of the real file only', async () => {
    const { batches, file } = await watch();
    atomicWrite(file, 'saved atomically');
    await tick(300);
    expect(batches.flatMap((b) => [...b])).toEqual([file]);
  });

  it('picks up a folder created after it started (templates/)', async () => {
    const { batches } = await watch();
    mkdirSync(path.join(dir, 'templates'));
    await tick(100);
    writeFileSync(path.join(dir, 'templates', 'custom.css'), 'body{}');
    await tick(400);
    expect(batches.flatMap((b) => [...b])).toContain(path.join(dir, 'templates', 'custom.css'));
  });

  it('ignores files outside the book sources, but watches files added explicitly', async () => {
    const { batches } = await watch();
    const outside = path.join(dir, 'src-included.ts');
    writeFileSync(outside, 'export {}');
    writeFileSync(path.join(dir, 'unrelated.txt'), 'changed');
    await tick(300);
    expect(batches).toEqual([]);
    watcher!.add([outside]);
    await tick(200);
    writeFileSync(outside, 'export const x = 1;');
    await tick(300);
    expect(batches.flatMap((b) => [...b])).toEqual([outside]);
  });

  it('knows editor scratch files', () => {
    for (const name of ['.intro.md.swp', 'intro.md~', '4913', '.#intro.md', 'intro.md.tmp', '.intro.md.123.tmp', 'intro.md.crswap', 'intro.md___jb_tmp___']) {
      expect(isEditorScratchFile(name), name).toBe(true);
    }
    for (const name of ['intro.md', 'book.yaml', 'custom.css', 'page.tmpl']) expect(isEditorScratchFile(name), name).toBe(false);
  });
});
