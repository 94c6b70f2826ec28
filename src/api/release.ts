import type { Project } from '../driver/project.js';
import type { BookDiff } from '../release/diff.js';
import type { ReleaseOptions, ReleaseResult } from '../release/release.js';
import type { SiteOptions, SiteResult } from '../release/site/index.js';
import type { YankRecord } from '../release/history/index.js';
import type { KeyRotation } from '../util/signingKeys.js';

/*
 * The release stage loads on first use: importing the library (and starting any command) does not pay for
 * the diff engine, the snapshotter and the site generator.
 */

/** `evergreen release`: refuses a book whose samples fail, then builds, publishes an immutable version and regenerates dist/site. */
export async function release(project: Project, options: ReleaseOptions): Promise<ReleaseResult> {
  return (await import('../release/release.js')).release(project, options);
}

/** `evergreen diff`: what changed between two releases, or from a release to the project's manuscript. */
export async function diffVersions(project: Project, options: { from: string; to?: string }): Promise<BookDiff> {
  return (await import('../release/release.js')).diffVersions(project, options);
}

/** `evergreen yank`: withdraws a published version (it stays listed, with the reason) and regenerates the site. */
export async function yank(project: Project, version: string, reason: string, options: { date?: string } = {}): Promise<{ record: YankRecord; site: SiteResult }> {
  return (await import('../release/yank.js')).yank(project, version, reason, options);
}

/** Regenerates `<outDir>/site`, the reader site, from the release history. */
export async function refreshSite(options: SiteOptions): Promise<SiteResult> {
  return (await import('../release/site/index.js')).refreshSite(options);
}

/** `evergreen manifest refresh`: the reader site regenerated with a freshly signed manifest (new expiry), for scheduled CI. */
export async function refreshManifest(project: Project): Promise<SiteResult> {
  return (await import('../release/manifestCommands.js')).refreshManifest(project);
}

/** `evergreen manifest rotate-key`: announces the configured signing key, signed by the old one, so readers follow it. */
export async function rotateKey(project: Project, oldKeyFile: string): Promise<{ rotation: KeyRotation; site: SiteResult }> {
  return (await import('../release/manifestCommands.js')).rotateKey(project, oldKeyFile);
}
