// Storage benchmark (`npm run bench -- storage`): a generated book released as 1.0.0, then ten one-word patch
// releases in git (scripts/storage-scenario.mjs). Reports what each patch adds to what git tracks and to the
// reader site, against a full release. BENCH_BEFORE_CLI=<path to an older bin/evergreen.js> also measures that
// Evergreen on the same book, for a before/after figure.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runScenario } from './storage-scenario.mjs';

const kb = (bytes) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(2)} MB` : `${(bytes / 1e3).toFixed(1)} KB`);

export async function run({ report, generateBook }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evergreen-bench-storage-'));
  generateBook(dir, { chapters: 20, words: 40_000, codeBlocks: 200 });
  const releases = Number(process.env.BENCH_STORAGE_RELEASES ?? 10);
  const runs = [['this checkout', undefined]];
  if (process.env.BENCH_BEFORE_CLI) runs.push(['before', path.resolve(process.env.BENCH_BEFORE_CLI)]);
  for (const [label, cli] of runs) {
    const r = runScenario({ book: dir, releases, formats: 'html', ...(cli ? { cli } : {}) });
    const full = r.fullRelease;
    const tracked = r.perPatch.releases;
    report(`storage (${label}): git-tracked bytes per one-word patch`, kb(tracked), `${((100 * tracked) / full).toFixed(1)} % of a full release (${kb(full)}) · target < 5 %`);
    report(`storage (${label}): git objects after ${releases} patches + gc`, kb(r.total.gitObjectsAfterGc));
    report(`storage (${label}): dist/site growth per patch (on disk)`, kb(r.perPatch.siteUnique), `${kb(r.perPatch.siteApparent)} counting every path`);
  }
  rmSync(dir, { recursive: true, force: true });
}
