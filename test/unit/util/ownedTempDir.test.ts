import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOwnedTempDir, sweepAbandoned } from '../../../src/util/ownedTempDir.js';

describe('owned temp folders', () => {
  let previous: string | undefined;
  let base: string;
  beforeEach(() => {
    previous = process.env.TMPDIR;
    base = mkdtempSync(path.join(os.tmpdir(), 'evergreen-owned-'));
    process.env.TMPDIR = base;
  });
  afterEach(() => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(base, { recursive: true, force: true });
  });

  const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;
  const hour = 60 * 60 * 1000;

  it('names a folder after this process and removes it on release', () => {
    const folder = createOwnedTempDir('evergreen-x-');
    expect(path.basename(folder.path)).toMatch(new RegExp(`^evergreen-x-${process.pid}-`));
    expect(path.dirname(folder.path)).toBe(base);
    folder.release();
    expect(existsSync(folder.path)).toBe(false);
  });

  it("sweeps a dead process's folders once they are an hour old, and nothing else", () => {
    const dead = path.join(base, `evergreen-x-${deadPid()}-abc`);
    const alive = path.join(base, `evergreen-x-${process.pid}-abc`);
    const parent = path.join(base, `evergreen-x-${process.ppid}-abc`);
    const otherPrefix = path.join(base, `evergreen-y-${deadPid()}-abc`);
    const unnamed = path.join(base, 'evergreen-x-abcdef');
    for (const dir of [dead, alive, parent, otherPrefix, unnamed]) mkdirSync(path.join(dir, 'Default'), { recursive: true });

    sweepAbandoned('evergreen-x-');
    expect(existsSync(dead), 'a fresh folder may belong to a pid this process cannot see').toBe(true);

    sweepAbandoned('evergreen-x-', Date.now() + 2 * hour);
    expect(existsSync(dead)).toBe(false);
    expect([alive, parent, otherPrefix, unnamed].map(existsSync)).toEqual([true, true, true, true]);
  });
});
