import { chmodSync } from 'node:fs';
import { createOwnedTempDir } from '../src/util/ownedTempDir.js';

/**
 * Every temp folder of a test run (books, sites, CLI runs, Chromium profiles) goes into one folder that is
 * removed when the run ends: hundreds of fixture copies per run otherwise pile up in the system's temp folder.
 * The test workers and every CLI they start inherit TMPDIR from this process.
 */
export default function setup(): () => void {
  const run = createOwnedTempDir('evergreen-tests-');
  // As open as the system temp folder it stands for: the sample sandbox's unprivileged user must reach it.
  chmodSync(run.path, 0o755);
  process.env.TMPDIR = run.path;
  return () => run.release();
}
