import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBrowser } from '../../src/util/browser.js';
import { cliPath, copyFixture, runCli } from '../helpers/cli.js';

/**
 * A release killed (SIGKILL, as a power cut) at each of its stages, then a normal command: it says what happened
 * and finishes the release (reader site, feed, manifest) when the version was recorded, or says nothing was
 * published when it was not. The test hook EVERGREEN_RELEASE_CRASH_AT names the stage.
 */
const versionsIn = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { versions: { version: string }[] }).versions.map((v) => v.version).sort();
const historyVersions = (root: string) =>
  (JSON.parse(readFileSync(path.join(root, 'releases', 'history.json'), 'utf8')) as { releases: { version: string }[] }).releases.map((r) => r.version).sort();

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

function edit(root: string, n: number) {
  const file = path.join(root, 'manuscript', 'intro.md');
  writeFileSync(file, `${readFileSync(file, 'utf8')}\nEdit number ${n}.\n`);
}

/** Every process descending from `pid` (from /proc), with its command line. */
function descendants(pid: number): { pid: number; cmd: string }[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {}
  }
  const out: { pid: number; cmd: string }[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      let cmd = '';
      try {
        cmd = readFileSync(`/proc/${c}/cmdline`, 'utf8').replace(/\0/g, ' ');
      } catch {}
      out.push({ pid: c, cmd });
      walk(c);
    }
  };
  walk(pid);
  return out;
}

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

describe('an interrupted release', () => {
  const stages = ['checked', 'built', 'staged', 'verified', 'renamed', 'indexed', 'published', 'site-writing', 'site-written'];
  const recordedFrom = stages.indexOf('indexed');

  it('killed at each stage, the next command finishes it (or says nothing was published) and reports it', async () => {
    const root = copyFixture('release/book');
    const first = await runCli(['release', '1.0.0', '--root', root, '--format', 'html', '--yes']);
    expect(first.code, first.stderr).toBe(0);
    let expected = ['1.0.0'];
    let patch = 0;
    for (const [i, stage] of stages.entries()) {
      edit(root, i);
      patch++;
      const killed = await run(['release', 'patch', '--root', root, '--format', 'html', '--yes'], { EVERGREEN_RELEASE_CRASH_AT: stage });
      expect(killed.signal, `${stage}: ${killed.stderr}`).toBe('SIGKILL');
      const version = `1.0.${patch}`;
      const recorded = i >= recordedFrom;
      expect(historyVersions(root), stage).toEqual(recorded ? [...expected, version].sort() : expected);
      if (recorded) expected = [...expected, version].sort();
      else patch--;

      // The next command: a build for one stage, a release for the others.
      if (stage === 'published') {
        const built = await runCli(['build', '--root', root, '--format', 'html']);
        expect(built.code, built.stderr).toBe(0);
        expect(built.stderr).toContain(`The release of ${version} was interrupted after it was recorded in releases/; finished it`);
      } else {
        patch++;
        const next = await runCli(['release', 'patch', '--root', root, '--format', 'html', '--yes']);
        expect(next.code, `${stage}: ${next.stderr}`).toBe(0);
        expect(next.stderr, stage).toContain(
          recorded
            ? `note: The release of ${version} was interrupted after it was recorded in releases/; finished it: the reader site, feed and manifest were regenerated.`
            : `note: The release of ${version} was interrupted before it was recorded; nothing of it was published`,
        );
        expect(next.stderr).toContain(`Released 1.0.${patch}`);
        expected = [...expected, `1.0.${patch}`].sort();
      }
      expect(historyVersions(root), stage).toEqual(expected);
      expect(versionsIn(path.join(root, 'dist', 'site', 'manifest.json')), stage).toEqual(expected);
      const feed = readFileSync(path.join(root, 'dist', 'site', 'feed.xml'), 'utf8');
      for (const v of expected) expect(feed, stage).toContain(`<title>Release Fixture ${v}</title>`);
      expect(existsSync(path.join(root, '.evergreen', 'release-pending.json')), stage).toBe(false);
      expect(
        readdirSync(path.join(root, 'releases')).filter((f) => f.startsWith('.staging')),
        stage,
      ).toEqual([]);
      // A third command has nothing more to report.
      const quiet = await runCli(['build', '--root', root, '--format', 'html']);
      expect(quiet.stderr, stage).not.toContain('was interrupted');
    }
  }, 1_200_000);

  it('diff and yank also finish an interrupted release and say so', async () => {
    const root = copyFixture('release/book');
    const first = await runCli(['release', '1.0.0', '--root', root, '--format', 'html', '--yes']);
    expect(first.code, first.stderr).toBe(0);
    edit(root, 1);
    const killed = await run(['release', 'patch', '--root', root, '--format', 'html', '--yes'], { EVERGREEN_RELEASE_CRASH_AT: 'published' });
    expect(killed.signal).toBe('SIGKILL');
    expect(versionsIn(path.join(root, 'dist', 'site', 'manifest.json'))).toEqual(['1.0.0']);
    const diff = await runCli(['diff', '1.0.0', '1.0.1', '--root', root]);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stderr).toContain(
      'note: The release of 1.0.1 was interrupted after it was recorded in releases/; finished it: the reader site, feed and manifest were regenerated.',
    );
    expect(versionsIn(path.join(root, 'dist', 'site', 'manifest.json'))).toEqual(['1.0.0', '1.0.1']);
    expect(existsSync(path.join(root, '.evergreen', 'release-pending.json'))).toBe(false);

    edit(root, 2);
    const killedAgain = await run(['release', 'patch', '--root', root, '--format', 'html', '--yes'], { EVERGREEN_RELEASE_CRASH_AT: 'indexed' });
    expect(killedAgain.signal).toBe('SIGKILL');
    const yank = await runCli(['yank', '1.0.0', '--reason', 'Superseded', '--root', root]);
    expect(yank.code, yank.stderr).toBe(0);
    expect(yank.stderr).toContain('note: The release of 1.0.2 was interrupted after it was recorded in releases/; finished it');
    const manifest = JSON.parse(readFileSync(path.join(root, 'dist', 'site', 'manifest.json'), 'utf8')) as { versions: { version: string; yanked?: unknown }[] };
    expect(manifest.versions.map((v) => v.version)).toEqual(['1.0.2', '1.0.1', '1.0.0']);
    expect(manifest.versions[2].yanked).toBeTruthy();
    const quiet = await runCli(['diff', '1.0.0', '--root', root]);
    expect(quiet.stderr).not.toContain('was interrupted');
  }, 300_000);

  it.skipIf(!findBrowser())(
    'no Chromium or helper process outlives an Evergreen killed mid-PDF',
    async () => {
      const root = copyFixture('release/book');
      const child = spawn(process.execPath, [cliPath, 'build', '--root', root, '--format', 'pdf', '--no-cache'], { stdio: 'ignore' });
      const deadline = Date.now() + 120_000;
      let seen: { pid: number; cmd: string }[] = [];
      while (Date.now() < deadline) {
        seen = descendants(child.pid!);
        if (seen.filter((p) => /chrom/i.test(p.cmd)).length >= 2) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(
        seen.some((p) => /chrom/i.test(p.cmd)),
        'Chromium never started',
      ).toBe(true);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const gone = Date.now() + 30_000;
      while (Date.now() < gone && seen.some((p) => alive(p.pid))) await new Promise((r) => setTimeout(r, 100));
      expect(seen.filter((p) => alive(p.pid)).map((p) => `${p.pid} ${p.cmd.slice(0, 80)}`)).toEqual([]);
    },
    300_000,
  );
});
