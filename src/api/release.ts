import type { Project } from '../driver/project.js';
import type { ArtifactEntry, FetchResult } from '../release/artifacts.js';
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
export async function diffVersions(project: Project, options: { from: string; to?: string; notice?: (message: string) => void }): Promise<BookDiff> {
  return (await import('../release/release.js')).diffVersions(project, options);
}

/** `evergreen yank`: withdraws a published version (it stays listed, with the reason) and regenerates the site. */
export async function yank(
  project: Project,
  version: string,
  reason: string,
  options: { date?: string; notice?: (message: string) => void } = {},
): Promise<{ record: YankRecord; site: SiteResult }> {
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

/** `evergreen artifacts verify`: every published artifact checked by sha256 against the history. */
export async function verifyArtifacts(project: Project, options: { version?: string } = {}): Promise<{ store: string; entries: ArtifactEntry[] }> {
  return (await import('../release/artifacts.js')).verifyArtifacts(project, options);
}

/** `evergreen artifacts fetch`: fills the artifact store from a source, accepting only the published bytes. */
export async function fetchArtifacts(project: Project, options: { from?: string; progress?: (message: string) => void } = {}): Promise<FetchResult> {
  return (await import('../release/artifacts.js')).fetchArtifacts(project, options);
}

/** `evergreen artifacts export`: copies verified artifacts out of the store (by sha256, or by name for release assets). */
export async function exportArtifacts(project: Project, options: { to: string; version?: string; names?: boolean }): Promise<{ written: string[] }> {
  return (await import('../release/artifacts.js')).exportArtifacts(project, options);
}
