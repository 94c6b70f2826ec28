import semver from 'semver';
import { z } from 'zod';
import { GetError } from './errors.js';
import type { ReaderState } from './readerState.js';

/**
 * The site's `manifest.json` (format `evergreen-manifest/1`, documented in the user guide's Releases
 * chapter), as the reader's side needs it. Unknown keys are allowed (a later minor format may add
 * some); anything the checks rely on is required and typed, so a malformed manifest is refused
 * before a byte is downloaded.
 */
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256');
const version = z.string().refine((v) => semver.valid(v) === v, 'a semantic version such as 1.2.0');

const artifactSchema = z.object({
  kind: z.string(),
  /** What the author's format calls it (`PDF`, `EPUB`…); absent in manifests from before the format registry. */
  label: z.string().optional(),
  mediaType: z.string().optional(),
  /** `optional` artifacts (the HTML book zip) are downloaded only when asked for. */
  download: z.enum(['default', 'optional']).optional(),
  path: z.string().min(1),
  size: z.number().int().nonnegative(),
  sha256,
});

const versionSchema = z.object({
  version,
  date: z.string(),
  notes: z.string().default(''),
  yanked: z.object({ reason: z.string(), date: z.string() }).optional(),
  read: z.string().optional(),
  artifacts: z.array(artifactSchema),
  changesSince: z.record(z.string(), z.object({ summary: z.string(), sha256: sha256.optional(), page: z.string().optional() })).default({}),
});

const manifestSchema = z.object({
  format: z.string().regex(/^evergreen-manifest\/1(\.\d+)?$/, 'evergreen-manifest/1'),
  book: z.object({ title: z.string(), slug: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a plain name'), language: z.string().optional(), url: z.string().optional() }),
  latest: version,
  updated: z.string().optional(),
  /** Grows with every release and yank; absent in manifests from before it existed. */
  serial: z.number().int().nonnegative().optional(),
  /** When this (signed) manifest was signed, and after when a reader must not take it as current (ISO 8601). */
  signed: z.string().optional(),
  expires: z.string().optional(),
  /** New signing keys, each announced by a statement signed by the key before it (oldest first). */
  keyRotations: z.array(z.object({ from: sha256, to: z.string().min(1), date: z.string(), signature: z.string() })).optional(),
  versions: z.array(versionSchema).min(1),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestVersion = z.infer<typeof versionSchema>;
export type ManifestArtifact = z.infer<typeof artifactSchema>;

export function parseManifest(text: string, where: string): Manifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new GetError('manifest', `${where} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GetError('manifest', `${where} is not an Evergreen manifest: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  const manifest = parsed.data;
  const seen = new Set<string>();
  for (const v of manifest.versions) {
    if (seen.has(v.version)) throw new GetError('manifest', `${where} lists version ${v.version} twice`);
    seen.add(v.version);
  }
  if (!seen.has(manifest.latest)) throw new GetError('manifest', `${where} says the latest version is ${manifest.latest} but does not list it`);
  return manifest;
}

/** The version to download: the newest one that is not withdrawn (by version number, not list order). */
export function latestVersion(manifest: Manifest): ManifestVersion | undefined {
  return manifest.versions.filter((v) => !v.yanked).sort((a, b) => semver.rcompare(a.version, b.version))[0];
}

export function findVersion(manifest: Manifest, version: string): ManifestVersion | undefined {
  return manifest.versions.find((v) => v.version === version);
}

/** The highest version listed, withdrawn or not: published versions are never removed, so this never goes down. */
export function highestListed(manifest: Manifest): string {
  return manifest.versions.map((v) => v.version).sort(semver.rcompare)[0];
}

/**
 * Refuses a manifest that takes the reader back in time: a stale copy served by a mirror or cache, or an
 * attacker replaying an old (even correctly signed) manifest to hide a fix. Published versions are
 * immutable and stay listed (a withdrawn one is marked, not removed), so a genuine manifest lists
 * every version the reader has seen, with the same files.
 */
export function checkRollback(manifest: Manifest, state: ReaderState | undefined, resetHint = ''): void {
  if (!state) return;
  const hint = `The site (or a cache or mirror in between) serves an older manifest than the one you already trusted. Try again later, or tell the author.${resetHint}`;
  if (semver.lt(highestListed(manifest), state.highestSeen)) {
    throw new GetError('rollback', `Refused: the manifest's newest version is ${highestListed(manifest)}, but you have already seen ${state.highestSeen} (rollback)`, hint);
  }
  // Same versions but an older state of them (e.g. a yank undone): only the serial shows it.
  if (state.serialSeen !== undefined && (manifest.serial === undefined || manifest.serial < state.serialSeen)) {
    throw new GetError('rollback', `Refused: this manifest is older (serial ${manifest.serial ?? 'missing'}) than one you already trusted (serial ${state.serialSeen})`, hint);
  }
  for (const download of state.downloads) {
    const listed = findVersion(manifest, download.version);
    if (!listed)
      throw new GetError('rollback', `Refused: the manifest no longer lists version ${download.version}, which you downloaded (published versions are never removed)`, hint);
    const artifact = listed.artifacts.find((a) => a.kind === download.kind);
    if (artifact && (artifact.sha256 !== download.sha256 || artifact.size !== download.size)) {
      throw new GetError(
        'verification',
        `Refused: the manifest changed the published ${download.kind} of version ${download.version} (its sha256 differs from the one you downloaded); published versions are immutable`,
        resetHint.trim() || undefined,
      );
    }
  }
}

/**
 * A signed manifest past its `expires` is refused as current: a mirror, cache or attacker that keeps serving
 * an old (genuinely signed) manifest would otherwise hide every later release forever. The author's CI
 * re-signs the manifest with a fresh expiry (`evergreen manifest refresh`) long before that.
 */
export function checkExpiry(manifest: Manifest, now: Date, where: string): void {
  if (!manifest.expires) return;
  const expires = new Date(manifest.expires);
  if (Number.isNaN(expires.getTime())) throw new GetError('manifest', `${where} has an unreadable expiry date (${JSON.stringify(manifest.expires)})`);
  if (expires.getTime() > now.getTime()) return;
  const days = Math.floor((now.getTime() - expires.getTime()) / 86_400_000);
  throw new GetError(
    'expired',
    `The manifest at ${where} expired on ${manifest.expires}${days >= 1 ? ` (${days} day${days === 1 ? '' : 's'} ago)` : ''}: the site, or a mirror or cache in between, may be frozen, so a newer version may exist that you are not shown. Nothing was downloaded or changed.`,
    'Try again later. If it stays expired, tell the author: the scheduled job that runs `evergreen manifest refresh` has probably stopped.',
  );
}
