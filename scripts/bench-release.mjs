// Release benchmark (part of `npm run bench`): runs scripts/release-scenario.mjs (the generated book
// released as 1.0.0, edited in ~90 scattered places, diffed, released as 1.1.0) and reports its figures.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export async function run({ report, fmt }) {
  const child = spawnSync(process.execPath, [path.join(here, 'release-scenario.mjs'), '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (child.status !== 0) throw new Error(`release scenario failed:\n${child.stderr}`);
  const r = JSON.parse(child.stdout.slice(child.stdout.indexOf('{')));
  report('diff between two releases (whole CLI run)', fmt(r.diffReleasesCommandMs), `CPU ${fmt(r.diffReleasesCommandCpuMs)} · ${r.edits} edits · target < 2 s`);
  report('diff engine alone (in process)', fmt(r.diffEngineMs));
  report('diff engine, worst case (one 20 000-word section rewritten)', fmt(r.pathologicalDiffMs), 'was a 5 s bound in a timed test');
  report('diff release → edited manuscript (whole CLI run)', fmt(r.diffToManuscriptCommandMs), `CPU ${fmt(r.diffToManuscriptCommandCpuMs)}`);
  report('release 1.1.0, HTML only (whole CLI run)', fmt(r.releaseMs), `CPU ${fmt(r.releaseCpuMs)} · target < 10 s`);
  report('release history size (two versions)', `${(r.historyBytes / 1e6).toFixed(1)} MB`);
}
