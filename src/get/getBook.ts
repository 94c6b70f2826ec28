import { existsSync } from 'node:fs';
import { mkdir, readFile, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import { changeReport, type ChangeReport } from './changeReport.js';
import { downloadVerified, partialDirName, sha256OfFile } from './download.js';
import { GetError } from './errors.js';
import { lockFolder } from './folderLock.js';
import { checkExpiry, checkRollback, findVersion, highestListed, latestVersion, type Manifest, type ManifestArtifact, type ManifestVersion, parseManifest } from './manifest.js';
import { type DownloadRecord, newState, type ReaderState, readState, stateFileName, writeState } from './readerState.js';
import { checkSignature, keyFingerprint, type SignatureVerdict } from './signature.js';
import { openSource, type SiteSource } from './siteSource.js';

/**
 * `evergreen get`: the reader's side of releases. Reads the site's manifest, checks its signature
 * against the pinned key and refuses rollbacks, then downloads the latest version's files beside the
 * ones the reader has (verified, never overwriting) and reports what changed since the reader's version.
 */
export interface GetOptions {
  /** Site URL or folder; default: the site recorded in the target folder. */
  source?: string;
  /** Target folder; default: the current folder if it holds a book from `get`, else `./<book slug>`. */
  into?: string;
  /** Also the optional downloads (the HTML zip); default: as the last run in this folder. */
  html?: boolean;
  /** Only these artifact kinds (`pdf`, `epub`, `html-zip`…); default: as the last run, else every default download. */
  formats?: string[];
  /** Only report whether an update exists; download and write nothing. */
  check?: boolean;
  /** A public key (PEM file) obtained from the author, pinned instead of trusting the site's. */
  keyFile?: string;
  /**
   * Forget what this folder trusts (the pinned key, the highest version and serial seen) and take the site's
   * manifest as on a first download; the downloaded files stay. The way out of a refused update.
   */
  reset?: boolean;
  /** The current time, for the manifest's expiry (tests). */
  now?: Date;
  timeoutMs?: number;
  retries?: number;
  retryDelayMs?: number;
  cwd?: string;
  onProgress?: (file: string, received: number, total: number) => void;
  onRetry?: (file: string, attempt: number, error: Error) => void;
}

export interface GetResult {
  /** `downloaded`: new files are in place; `up-to-date`: nothing new; `update-available`: only with `check`. */
  status: 'downloaded' | 'up-to-date' | 'update-available';
  dir: string;
  book: { title: string; slug: string };
  /** The version the reader had before (undefined on a first download). */
  previous?: string;
  /** The latest version the site offers (not withdrawn). */
  latest: string;
  latestDate: string;
  files: string[];
  signature: SignatureVerdict;
  report?: ChangeReport;
  /** Things the reader should know: a withdrawn version, a missing PDF, a key pinned. */
  notices: string[];
}

const manifestMaxBytes = 16 * 1024 * 1024;

export async function getBook(options: GetOptions): Promise<GetResult> {
  const cwd = options.cwd ?? process.cwd();
  let dir = options.into ? path.resolve(cwd, options.into) : existsSync(path.join(cwd, stateFileName)) ? cwd : undefined;
  let state = dir ? await readState(dir) : undefined;
  const spec = options.source ?? state?.site;
  if (!spec) throw new GetError('usage', 'Give the address of the book site (or a folder): there is no book downloaded here yet');
  const source = openSource(spec, { timeoutMs: options.timeoutMs ?? 30_000 });

  const fetched = await fetchManifest(source);
  const manifest = parseManifest(fetched.bytes.toString('utf8'), source.link('manifest.json'));
  if (!dir) {
    dir = path.resolve(cwd, manifest.book.slug);
    state = await readState(dir);
  }
  if (state && state.book.slug !== manifest.book.slug) {
    throw new GetError('folder', `${dir} holds “${state.book.title}”, but ${source.location} publishes “${manifest.book.title}”`, 'Use --into to choose another folder.');
  }
  const notices: string[] = [];
  const trust = await establishTrust(fetched, manifest, state, options, resetCommand(cwd, dir, options), notices);
  const { verdict, floorHolds } = trust;
  checkExpiry(manifest, options.now ?? new Date(), source.link('manifest.json'));
  const latest = latestVersion(manifest);
  if (!latest) throw new GetError('manifest', 'Every version of this book has been withdrawn; there is nothing to download');

  // Without the old trust record, the version held counts only if this manifest publishes it as downloaded.
  const consistent = (d: DownloadRecord) => findVersion(manifest, d.version)?.artifacts.some((a) => a.kind === d.kind && a.sha256 === d.sha256) ?? false;
  const keptDownloads = floorHolds ? (state?.downloads ?? []) : (state?.downloads ?? []).filter(consistent);
  const current = floorHolds || keptDownloads.some((d) => d.version === state?.version) ? state?.version : undefined;
  const currentEntry = current ? findVersion(manifest, current) : undefined;
  if (currentEntry?.yanked) notices.push(`Your version ${current} was withdrawn by the author: ${currentEntry.yanked.reason}`);

  const base = {
    dir,
    book: { title: manifest.book.title, slug: manifest.book.slug },
    previous: current,
    latest: latest.version,
    latestDate: latest.date,
    signature: verdict,
    notices,
  };
  // A reader whose version is newer than the latest offered has a withdrawn one: nothing to "update" to.
  const target = current && semver.gt(current, latest.version) ? undefined : latest;
  const isUpdate = !current || semver.gt(latest.version, current);
  if (options.check) return { ...base, status: isUpdate && target ? 'update-available' : 'up-to-date', files: [] };
  if (verdict.rotated)
    notices.push(
      `The author replaced the book's signing key (sha256 ${verdict.rotated.from.slice(0, 16)}… → ${verdict.rotated.to.slice(0, 16)}…), announced with the old key's signature; the new key is pinned.`,
    );
  else if (verdict.newlyPinned && state?.publicKey !== verdict.publicKey)
    notices.push(`Pinned the book's signing key (sha256 ${verdict.fingerprint}); later manifests must be signed by it.`);

  const html = options.html ?? state?.html ?? false;
  const formats = options.formats ?? state?.formats;
  const { chosen: wanted, fallback, missing } = target ? chooseArtifacts(target, html, formats) : { chosen: [], fallback: false, missing: [] };
  await mkdir(dir, { recursive: true });
  const unlock = await lockFolder(dir);
  let files: string[];
  try {
    const downloads: DownloadRecord[] = [...keptDownloads];
    files = await placeArtifacts(source, dir, wanted, target?.version ?? latest.version, downloads, options);
    if (fallback && files.length) notices.push(`Version ${target!.version} has no default download; downloaded ${wanted.map(label).join(', ')} instead.`);
    if (missing.length) notices.push(`Version ${target!.version} has no ${missing.join(', ')} download.`);

    // The state moves forward only now, with every file of the new version verified and in place.
    const version = target && isUpdate ? target.version : (current ?? latest.version);
    // Only a manifest verified from the key that set the floor raises it; otherwise this manifest is the new floor.
    const highestSeen = state && floorHolds && semver.gt(state.highestSeen, highestListed(manifest)) ? state.highestSeen : highestListed(manifest);
    const serialSeen = floorHolds && state?.serialSeen !== undefined ? Math.max(manifest.serial ?? 0, state.serialSeen) : manifest.serial;
    const publicKey = verdict.publicKey ?? (floorHolds ? state?.publicKey : undefined);
    await writeState(
      dir,
      newState({
        site: source.location,
        book: base.book,
        version,
        highestSeen,
        ...(serialSeen !== undefined ? { serialSeen } : {}),
        ...(publicKey ? { publicKey, publicKeySha256: keyFingerprint(publicKey) } : {}),
        ...(verdict.fingerprint ? { floorKey: verdict.fingerprint } : {}),
        ...(html ? { html } : {}),
        ...(formats ? { formats } : {}),
        downloads,
        checked: new Date().toISOString(),
      }),
    );
  } finally {
    await unlock();
  }
  const report = current && target && isUpdate ? await changeReport(source, manifest, current, target) : undefined;
  return { ...base, status: files.length || isUpdate ? 'downloaded' : 'up-to-date', files, ...(report ? { report } : {}) };
}

/**
 * Checks the manifest against what this folder trusts: the signature against the pinned key (or the key
 * given with --key, or, on first use, the site's), following a signed key rotation, then rollback against
 * the highest version and serial recorded. That record binds only manifests verified from the same key that
 * set it: a manifest nobody could verify (an unsigned one before a key was pinned) can never lock out one that
 * verifies against a key the reader pins later. Every refusal says how to start over (`--reset`).
 */
async function establishTrust(
  fetched: { bytes: Buffer; signature?: string; publicKeyPem?: string },
  manifest: Manifest,
  state: ReaderState | undefined,
  options: GetOptions,
  reset: string,
  notices: string[],
): Promise<{ verdict: SignatureVerdict; floorHolds: boolean }> {
  const trusted = options.reset ? undefined : state;
  const resetHint = ` To forget what this folder trusts and start over from the site's current manifest (as on a first download; your files stay): ${reset}`;
  try {
    const pinned = options.keyFile ? await readKeyFile(options.keyFile) : trusted?.publicKey;
    const chain = manifest.keyRotations?.length ? { slug: manifest.book.slug, rotations: manifest.keyRotations } : undefined;
    const verdict = checkSignature(fetched.bytes, fetched, pinned, chain);
    if (options.keyFile && !verdict.rotated) verdict.newlyPinned = trusted?.publicKeySha256 !== verdict.fingerprint;
    // The key the trust chain starts from: the pinned one, else the site's on first use; none when unsigned.
    const anchor = pinned ? keyFingerprint(pinned) : verdict.fingerprint;
    const floorKey = trusted ? (trusted.floorKey ?? trusted.publicKeySha256) : undefined;
    const floorHolds = trusted !== undefined && floorKey === anchor;
    if (options.reset && state) notices.push("Reset: this folder's trust record was set aside; the site's current manifest is the new starting point.");
    else if (trusted && !floorHolds)
      notices.push(
        anchor
          ? 'The versions recorded in this folder did not come from manifests signed by the key now pinned; they no longer count, and this manifest is the new starting point.'
          : 'The versions recorded in this folder came from a signed manifest; this one is verified differently, so it is the new starting point.',
      );
    if (floorHolds) checkRollback(manifest, trusted, resetHint);
    return { verdict, floorHolds };
  } catch (error) {
    if (error instanceof GetError && error.kind === 'signature') throw new GetError(error.kind, error.message, `${error.hint ? `${error.hint}` : ''}${resetHint}`.trim());
    throw error;
  }
}

/** The command that resets this folder, as the reader would type it here. */
function resetCommand(cwd: string, dir: string, options: GetOptions): string {
  const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);
  const parts = ['evergreen', 'get'];
  if (options.source) parts.push(quote(options.source));
  if (path.resolve(dir) !== path.resolve(cwd)) parts.push('--into', quote(path.relative(cwd, dir) || '.'));
  if (options.keyFile) parts.push('--key', quote(path.relative(cwd, options.keyFile)));
  parts.push('--reset');
  return parts.join(' ');
}

/**
 * Puts each wanted artifact in the folder, verified, and records it in `downloads`. Returns the files
 * downloaded now (a file already there is adopted when it is the published one, never replaced).
 */
async function placeArtifacts(source: SiteSource, dir: string, wanted: ManifestArtifact[], version: string, downloads: DownloadRecord[], options: GetOptions): Promise<string[]> {
  const files: string[] = [];
  try {
    for (const artifact of wanted) {
      const name = fileName(artifact);
      const finalPath = path.join(dir, name);
      const recorded = downloads.some((d) => d.file === name && d.sha256 === artifact.sha256);
      if (existsSync(finalPath)) {
        if (recorded && (await stat(finalPath)).size === artifact.size) continue;
        if ((await sha256OfFile(finalPath)) !== artifact.sha256) {
          throw new GetError('folder', `${finalPath} already exists and is not the published file; it was left as it is`, 'Move that file away and run the command again.');
        }
      } else {
        await downloadVerified(source, artifact, finalPath, {
          retries: options.retries ?? 3,
          retryDelayMs: options.retryDelayMs ?? 500,
          onProgress: (received, total) => options.onProgress?.(name, received, total),
          onRetry: (attempt, error) => options.onRetry?.(name, attempt, error),
        });
        files.push(finalPath);
      }
      if (!recorded) downloads.push({ version, kind: artifact.kind, file: name, size: artifact.size, sha256: artifact.sha256, downloaded: new Date().toISOString() });
    }
  } finally {
    await rmdir(path.join(dir, partialDirName)).catch(() => {}); // only when empty: interrupted downloads stay to resume
  }
  return files;
}

async function readKeyFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new GetError('usage', `Cannot read the key ${file}: ${(error as Error).message}`);
  }
}

/** manifest.json's exact bytes (what the signature covers), its signature and the site's public key, if any. */
async function fetchManifest(source: SiteSource): Promise<{ bytes: Buffer; signature?: string; publicKeyPem?: string }> {
  const bytes = await source.readBytes('manifest.json', manifestMaxBytes);
  if (!bytes)
    throw new GetError(
      'manifest',
      `There is no manifest.json at ${source.link('manifest.json')}`,
      'Give the address of the book site: the folder that holds index.html and manifest.json.',
    );
  const [signature, publicKeyPem] = await Promise.all([source.readText('manifest.json.sig', 4096), source.readText('public-key.pem', 16384)]);
  return { bytes, signature, publicKeyPem };
}

/**
 * What a reader downloads: the kinds they chose (`--format`), else every default download (the PDF, the
 * EPUB…) plus the optional ones with `--html`. A version with no default download gives its optional ones.
 */
function chooseArtifacts(version: ManifestVersion, html: boolean, formats: string[] | undefined): { chosen: ManifestArtifact[]; fallback: boolean; missing: string[] } {
  if (formats) {
    const chosen = version.artifacts.filter((a) => formats.includes(a.kind));
    const missing = formats.filter((f) => !chosen.some((a) => a.kind === f));
    if (chosen.length === 0)
      throw new GetError(
        'manifest',
        `Version ${version.version} has none of the formats you asked for (${formats.join(', ')}); it offers ${version.artifacts.map((a) => a.kind).join(', ') || 'nothing'}`,
        'Choose other formats with --format.',
      );
    return { chosen, fallback: false, missing };
  }
  const optional = (a: ManifestArtifact) => (a.download ?? (a.kind === 'html-zip' ? 'optional' : 'default')) === 'optional';
  const defaults = version.artifacts.filter((a) => !optional(a));
  const chosen = defaults.length === 0 || html ? version.artifacts : defaults;
  if (chosen.length === 0) throw new GetError('manifest', `Version ${version.version} lists nothing to download`);
  return { chosen, fallback: defaults.length === 0 && !html, missing: [] };
}

function label(artifact: ManifestArtifact): string {
  return artifact.label ?? artifact.kind;
}

/** Names come from a manifest that may be hostile: a plain file name, nothing that could escape the folder or hide. */
function fileName(artifact: ManifestArtifact): string {
  const name = artifact.path.split('/').pop() ?? '';
  if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(name) || name.endsWith('.part'))
    throw new GetError('manifest', `The manifest names an unsafe download: ${JSON.stringify(artifact.path)}`);
  return name;
}
