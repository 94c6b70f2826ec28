import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reachableByOthers, readAllowList } from '../../../src/samples/runner/sandbox/readAllowList.js';

function layout(): { root: string; outside: string } {
  const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'evergreen-allow-')));
  const root = path.join(base, 'book');
  const outside = path.join(base, 'outside');
  for (const dir of ['manuscript/images', 'src', 'node_modules/pkg', '.git']) mkdirSync(path.join(root, dir), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secret.txt'), 'secret');
  writeFileSync(path.join(root, 'manuscript', 'intro.md'), '# Intro');
  writeFileSync(path.join(root, 'manuscript', 'images', 'a.png'), '');
  writeFileSync(path.join(root, 'src', 'lib.ts'), '');
  writeFileSync(path.join(root, '.git', 'config'), '[http] extraheader = AUTHORIZATION: basic x');
  writeFileSync(path.join(root, '.env'), 'TOKEN=x');
  writeFileSync(path.join(root, 'package.json'), '{}');
  return { root, outside };
}

describe('the read allow-list of runner processes', () => {
  it('allows a clean book project as a whole', () => {
    const { root } = layout();
    rmSync(path.join(root, '.git'), { recursive: true });
    rmSync(path.join(root, '.env'));
    const list = readAllowList({ root, extra: [], hidden: [] });
    expect(list.paths).toContain(root);
    expect(list.excluded).toEqual([]);
  });

  it('leaves out credential files, allowing their folder entry by entry', () => {
    const { root } = layout();
    const list = readAllowList({ root, extra: [], hidden: [] });
    expect(list.paths).not.toContain(root);
    expect(list.paths).toEqual(expect.arrayContaining([path.join(root, 'manuscript'), path.join(root, 'src'), path.join(root, 'node_modules'), path.join(root, 'package.json')]));
    expect(list.paths.some((p) => p.startsWith(path.join(root, '.git')) || p === path.join(root, '.env'))).toBe(false);
    expect(list.excluded.map((e) => path.basename(e.path)).sort()).toEqual(['.env', '.git']);
  });

  it('leaves out a link that leads out of the book, keeps one that stays inside', () => {
    const { root, outside } = layout();
    symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'manuscript', 'leak.txt'));
    symlinkSync(outside, path.join(root, 'manuscript', 'images', 'more'));
    symlinkSync(path.join(root, 'src', 'lib.ts'), path.join(root, 'manuscript', 'lib.ts'));
    symlinkSync(path.join(root, '.git', 'config'), path.join(root, 'manuscript', 'config'));
    const list = readAllowList({ root, extra: [], hidden: [] });
    const manuscript = path.join(root, 'manuscript');
    expect(list.paths).not.toContain(manuscript);
    expect(list.paths).toEqual(expect.arrayContaining([path.join(manuscript, 'intro.md'), path.join(manuscript, 'lib.ts'), path.join(manuscript, 'images', 'a.png')]));
    for (const link of ['leak.txt', 'images/more', 'config']) expect(list.paths).not.toContain(path.join(manuscript, link));
    expect(list.excluded.find((e) => e.path.endsWith('leak.txt'))?.reason).toContain('symbolic link');
  });

  it('never allows the signing key, even inside the book, and allows what sandbox.read adds', () => {
    const { root, outside } = layout();
    writeFileSync(path.join(root, 'manuscript', 'signing.pem'), 'KEY');
    const list = readAllowList({ root, extra: [outside], hidden: [path.join(root, 'manuscript', 'signing.pem')] });
    expect(list.paths).not.toContain(path.join(root, 'manuscript', 'signing.pem'));
    expect(list.paths).toContain(path.join(root, 'manuscript', 'intro.md'));
    expect(list.paths).toContain(outside);
  });

  it('allows node_modules and package.json of the folders above the book, for package resolution', () => {
    const { root } = layout();
    const list = readAllowList({ root, extra: [], hidden: [] });
    expect(list.paths).toEqual(expect.arrayContaining([path.join(path.dirname(root), 'node_modules'), path.join(path.dirname(root), 'package.json'), '/node_modules']));
  });
});

describe('whether the unprivileged runner can reach a folder', () => {
  it('needs every folder on the way to let others pass, as a private TMPDIR does not', () => {
    const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'evergreen-reach-')));
    const run = path.join(base, 'private', 'run');
    mkdirSync(run, { recursive: true });
    chmodSync(base, 0o755);
    chmodSync(path.join(base, 'private'), 0o755);
    expect(reachableByOthers(run)).toBe(true);
    chmodSync(path.join(base, 'private'), 0o700);
    expect(reachableByOthers(run)).toBe(false);
    expect(reachableByOthers(path.join(base, 'missing'))).toBe(false);
    rmSync(base, { recursive: true, force: true });
  });
});
