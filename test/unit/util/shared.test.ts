import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { changeSentence, changedParts } from '../../../src/release/changeSentence.js';
import { replaceFileDurably, writeNewFileDurably } from '../../../src/util/durableWrite.js';
import { sha256, sha256Bytes, sha256File } from '../../../src/util/hash.js';
import { acquirePidLock, LockHeld, lockHeldByOther } from '../../../src/util/pidLock.js';
import { processAlive } from '../../../src/util/processAlive.js';
import { tempDir } from '../../helpers/cli.js';

/** A pid that surely does not run: a child that has exited and been reaped. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

describe('processAlive', () => {
  it('is true for this process and false for one that has exited or a malformed pid', () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(deadPid())).toBe(false);
    expect(processAlive(0)).toBe(false);
    expect(processAlive(Number.NaN)).toBe(false);
  });
});

describe('acquirePidLock', () => {
  it('is exclusive while its owner lives, and taken over from a dead owner', async () => {
    const file = path.join(tempDir(), '.lock');
    const release = await acquirePidLock(file);
    expect(readFileSync(file, 'utf8')).toBe(String(process.pid));
    // A live owner (our parent process) holds it: refused, with the owner named.
    writeFileSync(file, String(process.ppid));
    const held = await acquirePidLock(file).catch((e: unknown) => e);
    expect(held).toBeInstanceOf(LockHeld);
    expect((held as LockHeld).owner).toBe(process.ppid);
    expect(await lockHeldByOther(file)).toBe(true);
    writeFileSync(file, String(deadPid()));
    expect(await lockHeldByOther(file)).toBe(false);
    const again = await acquirePidLock(file);
    expect(readFileSync(file, 'utf8')).toBe(String(process.pid));
    await again();
    await release();
  });
});

describe('durable writes', () => {
  it('creates new files only, and replaces whole files', async () => {
    const file = path.join(tempDir(), 'deep', 'a.json');
    await writeNewFileDurably(file, 'one');
    await expect(writeNewFileDurably(file, 'two')).rejects.toThrow(/EEXIST/);
    await replaceFileDurably(file, 'three');
    expect(readFileSync(file, 'utf8')).toBe('three');
  });
});

describe('sha256', () => {
  it('hashes bytes and files alike, and keeps key parts apart', async () => {
    const file = path.join(tempDir(), 'f.bin');
    writeFileSync(file, 'hello');
    expect(await sha256File(file)).toEqual({ sha256: sha256Bytes('hello'), size: 5 });
    expect(sha256Bytes('hello')).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
    expect(sha256('ab', 'c')).not.toBe(sha256('a', 'bc'));
  });
});

describe('the change sentence', () => {
  it('says what changed, then the words and the re-reading time', () => {
    const counts = { chaptersAdded: 1, sectionsChanged: 3, samplesChanged: 1, wordsAdded: 120, wordsRemoved: 4, rereadMinutes: 2 };
    expect(changedParts(counts)).toBe('1 chapter added, 3 sections changed, 1 code sample changed');
    expect(changeSentence(counts)).toBe('1 chapter added, 3 sections changed, 1 code sample changed; 120 words added, 4 removed; about 2 min of re-reading.');
    expect(changeSentence({})).toBe('No changes to the text.');
  });
});
