import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import type { Book } from '../book/model.js';
import { type Diagnostic, EvergreenError } from '../diagnostics/diagnostic.js';
import { buildDate, buildProject } from '../driver/build.js';
import { checkProject } from '../driver/checkProject.js';
import { commitStaging } from '../driver/outputDir.js';
import type { Project } from '../driver/project.js';
import { processAlive } from '../util/processAlive.js';
import { type Bump, type BookDiff, diffSnapshots, releaseSide } from './diff.js';
import { verifiedTypeScript } from './outputCause.js';
import { crashPoint, fetchCommand, type History, type MissingArtifact, type NewRelease, openBookHistory, publishRelease, type PublishedRelease } from './history/index.js';
import { releaseChangeMarks } from './releaseMarks.js';
import { refreshSite } from './site/index.js';
import { snapshotBook } from './snapshot.js';
import { type GitState, readGitState, type SourceRecord, versionsInSite } from './gitState.js';
import type { VerificationRecord } from './history/index.js';
import { clearReleasePending, markReleasePending } from './pending.js';
import { finishInterruptedRelease } from './finishInterrupted.js';
import { zipFolder } from './zip.js';
import { ReleaseRefused } from './errors.js';
import { checkPublishedManifest, type PublishedManifestCheck } from './publishedManifest.js';

export type VersionRequest = 'major' | 'minor' | 'patch' | string;

export interface ReleaseOptions {
  /** An exact version (`1.2.0`) or the part to bump (`major`, `minor`, `patch`). */
  version: VersionRequest;
  notes?: string;
  /** Release date (YYYY-MM-DD); default today (or SOURCE_DATE_EPOCH). */
  date?: string;
  /** Formats to build and publish (names from the project's format registry); default `formats` in the config. */
  formats?: readonly string[];
  /** Check the samples first (default true; the release is refused when any fails). */
  checkSamples?: boolean;
  /** Release from a working tree with uncommitted changes (recorded in the release). */
  allowDirty?: boolean;
  /** Create the git tag `v<version>` at the released commit. */
  tag?: boolean;
  progress?: (message: string) => void;
  /** Told about a release an earlier process left unfinished, and what was done about it. */
  notice?: (message: string) => void;
  /**
   * Called when the requested version contradicts the suggested bump (e.g. a patch release that removes a
   * chapter), with the warnings; return false to publish nothing. Without it, the warnings are returned.
   */
  confirm?: (warnings: string[], contradicts: boolean) => Promise<boolean>;
}

export interface ReleaseResult {
  ok: boolean;
  version?: string;
  /** What changed since the latest release (undefined for the first release). */
  diff?: BookDiff;
  suggested: Bump;
  /** Messages for the author (e.g. the requested bump contradicts the suggestion). */
  warnings: string[];
  diagnostics: Diagnostic[];
  release?: PublishedRelease;
  /** Paths written into dist/. */
  outputs: string[];
  /** The git tag created (`--tag`). */
  tag?: string;
}

export { ReleaseRefused };

/** Resolves `major|minor|patch|x.y.z` against the history; refuses a version not greater than the latest or ever published. */
export function resolveVersion(history: History, request: VersionRequest): string {
  const latest = history.latest?.version;
  let version: string | null;
  if (request === 'major' || request === 'minor' || request === 'patch') {
    version = semver.inc(latest ?? '0.0.0', request);
  } else {
    version = semver.valid(semver.clean(request) ?? request);
    if (!version) throw new ReleaseRefused(`"${request}" is not a version: use major, minor, patch or a semantic version such as 1.2.0`);
  }
  if (!version) throw new ReleaseRefused(`Cannot bump ${latest ?? 'the first release'} by ${request}`);
  const published = history.get(version);
  if (published) {
    throw new ReleaseRefused(
      `Version ${version} was already published on ${published.date}${published.yanked ? ' (and yanked)' : ''}; a published version is never replaced. Release a new version instead.`,
    );
  }
  if (latest && !semver.gt(version, latest)) {
    throw new ReleaseRefused(`Version ${version} is not greater than the latest release ${latest}`);
  }
  return version;
}

/** Refuses a book whose model has errors. */
function refuseBookErrors(book: Book): void {
  const errors = book.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new ReleaseRefused('The book has errors; fix them before releasing', errors);
}

/** A release is refused when any sample fails (the check reads the project's book model; nothing is loaded again). */
async function refuseFailingSamples(project: Project): Promise<VerificationRecord> {
  const samples = await checkProject(project, {});
  const errors = samples.diagnostics.filter((d) => d.severity === 'error');
  if (samples.failed > 0 || errors.length > 0) {
    const what = samples.failed > 0 ? `${samples.failed} sample${samples.failed === 1 ? '' : 's'} failed` : 'the sample check reported errors';
    throw new ReleaseRefused(`${what}; a release is refused until every sample passes (run \`evergreen check\`)`, errors);
  }
  return {
    samples: 'checked',
    policy: project.book.config.samples,
    passed: samples.passed,
    failed: samples.failed,
    skipped: samples.skipped,
    typeCheckedOnly: samples.typeCheckedOnly,
    compilers: samples.compilers.map((c) => ({ name: c.name, version: c.version })),
  };
}

/** What was verified, or why nothing was. */
async function verifySamples(project: Project, options: ReleaseOptions, progress: (m: string) => void): Promise<VerificationRecord> {
  const policy = project.book.config.samples;
  if (options.checkSamples === false) return { samples: 'skipped', policy, reason: 'the release was made without checking samples (checkSamples: false)' };
  if (policy === 'none') return { samples: 'skipped', policy, reason: 'book.yaml sets samples: none' };
  progress('checking samples');
  return refuseFailingSamples(project);
}

/**
 * The release records the commit it was made from; a tree with uncommitted changes is refused unless the author
 * says so (and that is recorded), because the record would otherwise name a commit that is not what was released.
 */
function sourceRecord(git: GitState | undefined, options: ReleaseOptions, version: string): SourceRecord {
  if (!git) {
    if (options.tag) throw new ReleaseRefused('--tag needs a git repository, and the book is not in one');
    return { git: false };
  }
  const source = git.source;
  if (!source.git) return source;
  if (source.dirty) {
    const list = git.changed.slice(0, 5).join(', ') + (git.changed.length > 5 ? `, and ${git.changed.length - 5} more` : '');
    if (options.tag) throw new ReleaseRefused(`--tag needs a clean working tree: ${source.commit ? `uncommitted changes (${list})` : 'the repository has no commit yet'}`);
    if (!options.allowDirty) {
      throw new ReleaseRefused(
        source.commit
          ? `The working tree has uncommitted changes (${list}): commit them, so that the release records the exact commit it was made from, or pass --allow-dirty (the release then records that it was made from a dirty tree)`
          : 'The repository has no commit yet: commit the book first, or pass --allow-dirty (recorded in the release)',
      );
    }
    return { ...source, allowDirty: true, changed: git.changed.slice(0, 20) };
  }
  return options.tag ? { ...source, tag: `v${version}` } : source;
}

/**
 * A version the published record knows is never released again, even when its folder was deleted by hand:
 * the git tag, a commit of releases/history.json that listed it, or the reader site generated before.
 */
async function refuseKnownVersion(root: string, version: string, git: GitState | undefined): Promise<void> {
  const why = (how: string) =>
    new ReleaseRefused(
      `Version ${version} was already published (${how}); a published version is never replaced, even after its record was deleted. Release a new version instead.`,
    );
  if (git) {
    const tagged = await git.tagExists(`v${version}`);
    if (tagged) throw why(`the git tag v${version} exists, at commit ${tagged.slice(0, 12)}`);
    const listed = await git.historyMentions(version);
    if (listed) throw why(`releases/history.json listed it in commit ${listed.slice(0, 12)}`);
  }
  if ((await versionsInSite(root)).includes(version)) throw why('dist/site/manifest.json, the reader site generated earlier, lists it');
}

/** The reader site at the book's url lists the version: refused. It cannot be reached: said, not fatal. */
async function refusePublishedVersion(check: PublishedManifestCheck | undefined, version: string, options: ReleaseOptions): Promise<void> {
  if (!check) return;
  if (check.state === 'listed') {
    throw new ReleaseRefused(
      `Version ${version} was already published (the reader site's manifest at ${check.url} lists it); a published version is never replaced, even after its record was deleted. Release a new version instead.`,
    );
  }
  if (check.state === 'unchecked') {
    options.notice?.(
      `Could not check the published manifest at ${check.url} (${check.why}); whether ${version} was published was checked against git, releases/ and dist/site only.`,
    );
  }
}

const bumpRank: Record<Bump, number> = { none: 0, patch: 1, minor: 2, major: 3 };

/** The bump a version request amounts to, relative to the latest release. */
export function requestedBump(latest: string | undefined, version: string): Bump {
  if (!latest) return 'major';
  const d = semver.diff(latest, version);
  if (d === 'major' || d === 'premajor') return 'major';
  if (d === 'minor' || d === 'preminor') return 'minor';
  return 'patch';
}

/** What `evergreen release` does: refuse, or build every format, publish the release atomically, and update dist/. */
export async function release(project: Project, options: ReleaseOptions): Promise<ReleaseResult> {
  const { root, book } = project;
  const progress = options.progress ?? (() => {});
  const warnings: string[] = [];
  const history = await openBookHistory(book, { cleanup: true });
  const finished = await finishInterruptedRelease(project, options.progress);
  if (finished) options.notice?.(finished);
  const version = resolveVersion(history, options.version);
  const git = await readGitState(root);
  const source = sourceRecord(git, options, version);
  await refuseKnownVersion(root, version, git);
  // Asked while the samples are checked; answered before anything is built.
  const published = book.config.url ? checkPublishedManifest(book.config.url, version) : undefined;
  refuseBookErrors(book);
  const verification = await verifySamples(project, options, progress);
  await refusePublishedVersion(await published, version, options);

  const { snapshot, store } = snapshotBook(book, new Map(history.store), { cacheDir: project.cacheDir });
  let diff: BookDiff | undefined;
  let suggested: Bump = 'major';
  if (history.latest) {
    diff = diffSnapshots(releaseSide(history.latest), { label: version, snapshot, ...verifiedTypeScript(verification) }, store);
    suggested = diff.bump;
    const requested = requestedBump(history.latest.version, version);
    if (suggested === 'none') warnings.push(`Nothing changed since ${history.latest.version}.`);
    else if (bumpRank[requested] < bumpRank[suggested]) {
      warnings.push(`The changes suggest a ${suggested} release (${diff.bumpReasons.join('; ')}), but ${version} is a ${requested} release.`);
    } else if (bumpRank[requested] > bumpRank[suggested]) {
      warnings.push(`The changes only need a ${suggested} release (${diff.bumpReasons.join('; ')}); ${version} is a ${requested} release.`);
    }
  }
  if (warnings.length && options.confirm) {
    const contradicts = history.latest !== undefined && bumpRank[requestedBump(history.latest.version, version)] < bumpRank[suggested];
    const go = await options.confirm([...warnings], contradicts);
    warnings.length = 0;
    if (!go && contradicts) return { ok: false, version, diff, suggested, warnings, diagnostics: [], outputs: [] };
  }

  // Build every format with the new version printed in it, into a private folder.
  const date = options.date ?? buildDate();
  const formats = project.formats.select(options.formats ?? book.config.formats);
  // The print book marks in its margin the sections this release changed.
  const releasedVersion = { label: version, version, date, unreleasedChanges: false, ...(diff ? { changedSections: releaseChangeMarks(diff, version) } : {}) };
  const workDir = path.join(root, '.evergreen', `release-${process.pid}-${Date.now()}`);
  await cleanupWorkDirs(root);
  await mkdir(workDir, { recursive: true });
  await markReleasePending(root, version);
  crashPoint('checked');
  let recorded = false;
  try {
    progress(`building ${version}`);
    const built = await buildProject(project, { outDir: workDir, formats: formats.map((f) => f.name), version: releasedVersion, progress });
    if (!built.ok)
      throw new ReleaseRefused(
        `The build of ${version} failed; nothing was published`,
        built.diagnostics.filter((d) => d.severity === 'error'),
      );
    crashPoint('built');

    const artifacts: NewRelease['artifacts'] = [];
    for (const format of formats) {
      const publish = format.publish;
      if (!publish) continue;
      const output = publish.output(book.config);
      const built = path.join(workDir, output.path);
      if (!existsSync(built)) continue;
      const name = `${book.config.slug}-${version}${publish.fileSuffix}`;
      if (output.packaging === 'zip') progress(`zipping the ${format.name} output`);
      const bytes = output.packaging === 'zip' ? await zipFolder(built, `${book.config.slug}-${version}`, date) : await readFile(built);
      artifacts.push({ kind: publish.kind, label: publish.label, mediaType: publish.mediaType, name, bytes });
    }

    progress(`publishing ${version}`);
    const released = releaseTime(date);
    const published = await publishRelease(history, {
      version,
      date,
      released,
      source,
      verification,
      notes: options.notes ?? '',
      bookContentHash: book.contentHash,
      snapshot,
      store,
      artifacts,
    });
    recorded = true;
    crashPoint('published');
    let tag: string | undefined;
    if (source.git && source.tag && source.commit) {
      const made = await git!.createTag(source.tag, source.commit);
      if (made.ok) tag = source.tag;
      else warnings.push(`The release is published, but the tag ${source.tag} could not be created (${made.message}); create it with: git tag ${source.tag} ${source.commit}`);
    }

    // The reader site, then the freshly built formats, into dist/ (each output swapped atomically).
    const outDir = path.join(root, 'dist');
    const site = await refreshSite({ book, formats: project.formats, outDir, cacheDir: project.cacheDir, progress });
    crashPoint('site-written');
    const names = built.outputs.map((o) => path.basename(o));
    await commitStaging(workDir, outDir, names);
    await clearReleasePending(root);
    return {
      ok: site.ok,
      version,
      diff,
      suggested,
      warnings,
      diagnostics: [...built.diagnostics, ...site.diagnostics],
      release: published,
      ...(tag ? { tag } : {}),
      outputs: [...(site.siteDir ? [site.siteDir] : []), ...names.map((n) => path.join(outDir, n))],
    };
  } finally {
    // Refused or failed before it was recorded: nothing to finish later. (A kill never gets here.)
    if (!recorded) await clearReleasePending(root);
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The release time: now, or noon of the date asked for when that is not today (SOURCE_DATE_EPOCH is honoured). */
function releaseTime(date: string): string {
  const epoch = Number(process.env.SOURCE_DATE_EPOCH);
  const now = Number.isFinite(epoch) && epoch > 0 ? new Date(epoch * 1000) : new Date();
  const iso = now.toISOString().replace(/\.\d+Z$/, 'Z');
  return iso.startsWith(date) ? iso : `${date}T12:00:00Z`;
}

/** Removes the build folders of releases that were killed. */
async function cleanupWorkDirs(root: string): Promise<void> {
  const dir = path.join(root, '.evergreen');
  if (!existsSync(dir)) return;
  for (const name of await readdir(dir)) {
    if (!name.startsWith('release-')) continue;
    const pid = Number(name.split('-')[1]);
    if (pid && pid !== process.pid && processAlive(pid)) continue;
    await rm(path.join(dir, name), { recursive: true, force: true });
  }
}

/** `evergreen diff <from> [<to>]`: between two releases, or from a release to the project's current manuscript. */
export async function diffVersions(project: Project, options: { from: string; to?: string; notice?: (message: string) => void }): Promise<BookDiff> {
  const finished = await finishInterruptedRelease(project);
  if (finished) options.notice?.(finished);
  // Every command that reads the history verifies what it reads, artifacts included; the diff itself reads
  // only snapshots, so an artifact absent from the store (a fresh clone) is reported, not fatal.
  const history = await openBookHistory(project.book, { verifyArtifacts: true, missingArtifacts: 'allow' });
  if (history.missingArtifacts.length) options.notice?.(missingArtifactsNote(history.missingArtifacts));
  const find = (v: string) => {
    const version = v === 'latest' ? history.latest?.version : (semver.clean(v) ?? v);
    const release = version ? history.get(version) : undefined;
    if (!release) {
      const known = history.releases.map((r) => r.version).join(', ') || 'none yet';
      throw new EvergreenError(`No release ${v} in the history (published: ${known})`);
    }
    return release;
  };
  const from = find(options.from);
  if (options.to && options.to !== 'current') {
    const to = find(options.to);
    return diffSnapshots(releaseSide(from), releaseSide(to), history.store);
  }
  refuseBookErrors(project.book);
  const { snapshot, store } = snapshotBook(project.book, new Map(history.store), { cacheDir: project.cacheDir });
  return diffSnapshots({ label: from.version, snapshot: from.snapshot }, { label: 'current manuscript', snapshot }, store);
}

/** What a command that does not need the artifacts says about those it could not verify. */
export function missingArtifactsNote(missing: MissingArtifact[]): string {
  const names =
    missing
      .slice(0, 3)
      .map((m) => `${m.name} (${m.version})`)
      .join(', ') + (missing.length > 3 ? ` and ${missing.length - 3} more` : '');
  return `${missing.length} artifact${missing.length === 1 ? ' is' : 's are'} not in the artifact store, so ${missing.length === 1 ? 'it was' : 'they were'} not verified: ${names}. The diff reads only the snapshots; run \`${fetchCommand}\` to fetch and verify them.`;
}
