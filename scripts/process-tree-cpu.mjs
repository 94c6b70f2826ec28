// CPU time of a process's descendants (Chromium's browser, GPU and renderer processes), which the process's
// own resource usage does not include and which exit before anyone could wait for them. Sampled from /proc
// while the process runs (Linux only; elsewhere: undefined): each descendant's last sample counts.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux

function snapshot() {
  const procs = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(name), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process ended between listing and reading.
    }
  }
  return procs;
}

/** Runs `node args…` and resolves with its wall time, stderr and its descendants' CPU time. */
export function runWithDescendants(args, env) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const seen = new Map();
    const linux = existsSync('/proc/self/stat');
    const sample = () => {
      const procs = snapshot();
      for (const [pid, p] of procs) {
        let up = p.ppid;
        for (let depth = 0; up && up !== child.pid && depth < 16; depth++) up = procs.get(up)?.ppid;
        if (up === child.pid) seen.set(pid, Math.max(seen.get(pid) ?? 0, p.ticks));
      }
    };
    const timer = linux ? setInterval(sample, 50) : undefined;
    child.on('error', reject);
    child.on('close', (status) => {
      clearInterval(timer);
      const descendantsCpuMs = linux ? [...seen.values()].reduce((a, b) => a + b, 0) / ticksPerMs : undefined;
      resolve({ status, stderr, wallMs: performance.now() - started, descendantsCpuMs });
    });
  });
}
