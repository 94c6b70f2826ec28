import { spawn } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CgroupGuard, RssWatchdog } from '../../../src/samples/runner/sandbox/memoryGuard.js';
import { tempDir } from '../../helpers/cli.js';

const mb = 1024 * 1024;

// A cgroup folder is a set of files: a plain folder stands in for one, and the test plays the kernel.
function fakeCgroup(version: 1 | 2) {
  const dir = tempDir();
  const guard = new CgroupGuard({ version, dir });
  guard.attach(process.pid, 128);
  // The guard made one group folder for its runner.
  const [group] = readdirSync(dir);
  return { guard, own: (file: string) => path.join(dir, group!, file) };
}

describe('the memory guard judges the peak of each sample', () => {
  it('cgroup v1: a peak above the limit fails the sample even when the kernel did not stop it', () => {
    const { guard, own } = fakeCgroup(1);
    guard.startJob();
    // The reset reached the peak file (writing 0 is how the kernel is asked to reset it).
    expect(readFileSync(own('memory.max_usage_in_bytes'), 'utf8')).toBe('0');
    writeFileSync(own('memory.max_usage_in_bytes'), String(300 * mb));
    expect(guard.peakExceeded()).toBe(true);
    guard.startJob();
    writeFileSync(own('memory.max_usage_in_bytes'), String(100 * mb));
    expect(guard.peakExceeded()).toBe(false);
    writeFileSync(own('memory.max_usage_in_bytes'), String(128 * mb));
    expect(guard.peakExceeded()).toBe(false);
  });

  it('cgroup v2: the peak is not judged, since it cannot be reset for the next sample', () => {
    const { guard, own } = fakeCgroup(2);
    guard.startJob();
    writeFileSync(own('memory.peak'), String(300 * mb));
    expect(guard.peakExceeded()).toBe(false);
  });

  const clearRefs = (() => {
    try {
      accessSync(`/proc/${process.pid}/clear_refs`, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(!clearRefs)('the resident-size watchdog: an allocation between two samples of /proc fails the sample', async () => {
    const child = spawn(
      process.execPath,
      ['-e', "process.on('message', () => { globalThis.big = Buffer.alloc(300 * 1024 ** 2, 1); process.send('done'); }); process.send('ready'); setInterval(() => {}, 1000);"],
      {
        stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      },
    );
    try {
      await new Promise((resolve) => child.once('message', resolve));
      const guard = new RssWatchdog();
      guard.attach(child.pid!, 128, () => {});
      guard.detach(); // only the peak is judged here, not the periodic kill
      guard.startJob();
      expect(guard.peakExceeded()).toBe(false);
      child.send('go');
      await new Promise((resolve) => child.once('message', resolve));
      expect(guard.peakExceeded()).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
