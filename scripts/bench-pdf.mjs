// PDF benchmark (part of `npm run bench`): runs scripts/pdf-scenario.mjs (a generated book of about 400
// A4 pages to PDF) and reports wall and CPU time and the peak memory of Node plus Chromium.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export async function run({ report, fmt }) {
  const child = spawnSync(process.execPath, [path.join(here, 'pdf-scenario.mjs')], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !line.startsWith('{')) throw new Error(`PDF scenario failed:\n${child.stderr}`);
  const r = JSON.parse(line);
  if (r.exit !== 0) throw new Error(`PDF build failed (exit ${r.exit}):\n${child.stderr}`);
  report(`PDF of ${r.pages} pages (whole CLI run)`, fmt(r.wallSeconds * 1000), `CPU ${fmt(r.cpuSeconds * 1000)} (Node + Chromium) · target < 30 s`);
  report('PDF peak memory (Node + Chromium, PSS)', `${r.peakMemoryMB} MB`, `Node ${r.peakNodeMB} MB · target < 2 GB`);
}
