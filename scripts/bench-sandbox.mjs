// The sample sandbox's cost (part of `npm run bench`): cold checks of the 300-sample book with the sandbox
// on and off (EVERGREEN_SANDBOX=off), interleaved so that the machine's load falls on both alike.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export async function run({ report, fmt, median, cli, runs, generateBook }) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'evergreen-bench-sandbox-'));
  generateBook(root, { chapters: 30, words: 30_000, codeBlocks: 0, samples: 300 });
  const times = { on: [], off: [] };
  const cold = (mode) => {
    rmSync(path.join(root, '.evergreen'), { recursive: true, force: true });
    const before = process.env.EVERGREEN_SANDBOX;
    if (mode === 'off') process.env.EVERGREEN_SANDBOX = 'off';
    try {
      times[mode].push(cli(['check', '--root', root]).wallMs);
    } finally {
      if (before === undefined) delete process.env.EVERGREEN_SANDBOX;
      else process.env.EVERGREEN_SANDBOX = before;
    }
  };
  try {
    for (let i = 0; i < Math.max(runs, 5); i++) {
      // Alternate which goes first, so neither always meets a warmer page cache.
      for (const mode of i % 2 ? ['on', 'off'] : ['off', 'on']) cold(mode);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const on = median(times.on);
  const off = median(times.off);
  report('check 300 samples, cold, sandbox off', fmt(off), 'EVERGREEN_SANDBOX=off: permission model with every file readable, no namespaces, no limits');
  report('check 300 samples, cold, sandbox on', fmt(on), 'read allow-list, network + PID namespaces, nobody, memory cgroup');
  report('sandbox cost (on / off)', `${(on / off).toFixed(2)}×`, 'target ≤ 1.10');
}
