import { existsSync } from 'node:fs';
import { type BuildOptions as ProjectBuildOptions, type BuildResult, buildDate, buildProject } from '../driver/build.js';
import type { Project } from '../driver/project.js';
import { releasePendingPath } from '../release/pendingMarker.js';
import { releasesDir } from '../release/history/format.js';
import { bookVersionFromHistory } from '../release/version.js';

export interface BuildOptions extends Omit<ProjectBuildOptions, 'version'> {
  /** The version shown in the book; default: from the release history (`1.2.0`, `1.2.0 + unreleased changes`, `unreleased`). */
  version?: ProjectBuildOptions['version'];
  /**
   * Regenerate the reader site (`<out>/site`) from the release history after the build. Default: on (a no-op
   * for a book without releases); off for builds with `extraHead` (the live preview stays fast).
   */
  site?: boolean;
}

/**
 * `evergreen build`: the project's formats into `<out>` (default `<root>/dist`), then the reader site from the
 * release history. The site is a release step composed here, not a renderer: the driver never reads releases.
 */
export async function build(project: Project, options: BuildOptions = {}): Promise<BuildResult> {
  const version = options.version ?? (await bookVersionFromHistory(project.book, buildDate()));
  const result = await buildProject(project, { ...options, version });
  if (!result.ok || !(options.site ?? options.extraHead === undefined)) return result;
  // A book without a release history has no site and no release to finish: the release code (a quarter of
  // the modules) is not even loaded, which is most of a one-chapter rebuild's start-up.
  if (!existsSync(releasesDir(project.root)) && !existsSync(releasePendingPath(project.root))) return result;
  const started = performance.now();
  const { refreshSite } = await import('../release/site/index.js');
  const site = await refreshSite({ book: project.book, formats: project.formats, outDir: result.outDir, cacheDir: project.cacheDir, progress: options.progress });
  if (site.siteDir) {
    result.outputs.push(site.siteDir);
    result.stats.siteMs = performance.now() - started;
    for (const [k, v] of Object.entries(site.stats)) result.stats[`site.${k}`] = v;
  }
  result.diagnostics.push(...site.diagnostics);
  // The site just regenerated is what an interrupted release had left to do.
  const { findUnfinishedRelease, clearReleasePending, unfinishedDiagnostic } = await import('../release/pending.js');
  const unfinished = await findUnfinishedRelease(project.root);
  if (unfinished && site.ok) {
    await clearReleasePending(project.root);
    result.diagnostics.push(unfinishedDiagnostic(unfinished));
  }
  return { ...result, ok: result.ok && site.ok };
}
