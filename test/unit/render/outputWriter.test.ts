import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputWriter } from '../../../src/render/outputWriter.js';
import { tempDir } from '../../helpers/cli.js';

/** Stages files with a writer, then commits the staging folder as `final` the way the driver does. */
async function buildOnce(root: string, files: Record<string, string>): Promise<OutputWriter> {
  const staging = path.join(root, `.staging-${Math.random().toString(16).slice(2)}`);
  mkdirSync(staging);
  const writer = new OutputWriter(staging, path.join(root, 'final'));
  for (const [rel, content] of Object.entries(files)) await writer.write(rel, content);
  rmSync(path.join(root, 'final'), { recursive: true, force: true });
  renameSync(staging, path.join(root, 'final'));
  return writer;
}

describe('OutputWriter', () => {
  it('writes only the files whose bytes changed since the previous build', async () => {
    const root = tempDir();
    const first = await buildOnce(root, { 'a.html': 'A', 'sub/b.html': 'B' });
    expect([first.written, first.reused]).toEqual([2, 0]);
    const second = await buildOnce(root, { 'a.html': 'A', 'sub/b.html': 'B2' });
    expect([second.written, second.reused]).toEqual([1, 1]);
    expect(readFileSync(path.join(root, 'final', 'a.html'), 'utf8')).toBe('A');
    expect(readFileSync(path.join(root, 'final', 'sub', 'b.html'), 'utf8')).toBe('B2');
  });

  it('writes again when the committed file is not the one it wrote (edited, or a failed build never committed it)', async () => {
    const root = tempDir();
    await buildOnce(root, { 'a.html': 'A' });
    writeFileSync(path.join(root, 'final', 'a.html'), 'edited by hand');
    const after = await buildOnce(root, { 'a.html': 'A' });
    expect(after.written).toBe(1);
    expect(readFileSync(path.join(root, 'final', 'a.html'), 'utf8')).toBe('A');

    // A build that stages a file but is never committed must not make the next build trust it.
    const staging = path.join(root, '.staging-abandoned');
    mkdirSync(staging);
    await new OutputWriter(staging, path.join(root, 'final')).write('a.html', 'B');
    rmSync(staging, { recursive: true });
    const inode = statSync(path.join(root, 'final', 'a.html')).ino;
    const next = await buildOnce(root, { 'a.html': 'B' });
    expect(next.written).toBe(1);
    expect(readFileSync(path.join(root, 'final', 'a.html'), 'utf8')).toBe('B');
    expect(statSync(path.join(root, 'final', 'a.html')).ino).not.toBe(inode);
  });
});
