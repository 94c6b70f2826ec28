import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { EvergreenError } from '../diagnostics/diagnostic.js';
import type { Project } from '../driver/project.js';
import { sha256Bytes } from '../util/hash.js';
import { type ArtifactRecord, artifactName, artifactPath, checkStored, type History, openBookHistory, type PublishedRelease, storeArtifact } from './history/index.js';

/**
 * `evergreen artifacts verify|fetch|export`: the content-addressed artifact store beside the history in git.
 * The history vouches for every artifact by sha256; these commands check the store against it, fill it from
 * a source (the reader site, release assets, a folder) accepting only bytes with the recorded sha256, and copy
 * it out for uploading.
 */
export type ArtifactState = 'ok' | 'missing' | 'damaged';

export interface ArtifactEntry {
  version: string;
  name: string;
  sha256: string;
  size: number;
  /** `store`: in the artifact store; `release-folder`: a format-1 release keeps it in releases/<version>/artifacts/ (in git). */
  storage: 'store' | 'release-folder';
  state: ArtifactState;
  /** Where the bytes are (or should be). */
  file: string;
}

async function openForArtifacts(project: Project): Promise<History> {
  // The store is checked artifact by artifact below; everything else of the history is verified as usual.
  return openBookHistory(project.book, { missingArtifacts: 'unchecked' });
}

async function entriesOf(history: History, version?: string): Promise<ArtifactEntry[]> {
  if (version && !history.get(version)) {
    throw new EvergreenError(`No release ${version} in the history (published: ${history.releases.map((r) => r.version).join(', ') || 'none yet'})`, []);
  }
  const entries: ArtifactEntry[] = [];
  for (const release of history.releases) {
    if (version && release.version !== version) continue;
    for (const artifact of release.artifacts) entries.push(await entryOf(history, release, artifact));
  }
  return entries;
}

async function entryOf(history: History, release: PublishedRelease, artifact: ArtifactRecord): Promise<ArtifactEntry> {
  const base = { version: release.version, name: artifactName(artifact), sha256: artifact.sha256, size: artifact.size, file: artifactPath(history, release, artifact) };
  // A format-1 artifact is verified with the rest of the history when it is opened.
  if (artifact.storage !== 'store') return { ...base, storage: 'release-folder', state: 'ok' };
  return { ...base, storage: 'store', state: (await checkStored(history.artifactStore, artifact)).state };
}

/** `evergreen artifacts verify`: every artifact of the history, checked by sha256. */
export async function verifyArtifacts(project: Project, options: { version?: string } = {}): Promise<{ store: string; entries: ArtifactEntry[] }> {
  const history = await openForArtifacts(project);
  return { store: history.artifactStore, entries: await entriesOf(history, options.version) };
}

export interface FetchResult {
  store: string;
  /** The source the missing artifacts were fetched from (undefined when none was needed). */
  source?: string;
  /** Already in the store and verified. */
  present: ArtifactEntry[];
  fetched: { entry: ArtifactEntry; from: string }[];
  /** Could not be fetched: every place tried, with why. */
  failed: { entry: ArtifactEntry; tried: string[] }[];
}

/**
 * `evergreen artifacts fetch [--from <folder|url|template>]`: fills the store with every artifact it lacks (or
 * holds damaged), from the source; bytes that do not have the recorded sha256 and size are refused.
 */
export async function fetchArtifacts(project: Project, options: { from?: string; progress?: (message: string) => void } = {}): Promise<FetchResult> {
  const history = await openForArtifacts(project);
  const entries = (await entriesOf(history)).filter((e) => e.storage === 'store');
  const result: FetchResult = { store: history.artifactStore, present: entries.filter((e) => e.state === 'ok'), fetched: [], failed: [] };
  const needed = entries.filter((e) => e.state !== 'ok');
  if (needed.length === 0) return result;
  const config = project.book.config;
  const source = options.from ?? (config.release?.artifactSource ? resolveConfigured(project.root, config.release.artifactSource) : config.url);
  if (!source) {
    throw new EvergreenError(
      `${needed.length} artifact${needed.length === 1 ? ' is' : 's are'} not in the artifact store, and there is nowhere to fetch ${needed.length === 1 ? 'it' : 'them'} from: pass --from <folder or URL>, or set release.artifactSource (or url, the reader site) in book.yaml`,
      [],
    );
  }
  result.source = source;
  for (const entry of needed) {
    options.progress?.(`fetching ${entry.name} (${entry.version})`);
    const tried: string[] = [];
    let done = false;
    for (const candidate of candidates(source, entry)) {
      const got = await readCandidate(candidate, entry.size);
      if (!got.bytes) {
        tried.push(`${candidate}: ${got.why}`);
        continue;
      }
      const actual = sha256Bytes(got.bytes);
      if (actual !== entry.sha256 || got.bytes.length !== entry.size) {
        tried.push(`${candidate}: refused, sha256 ${actual.slice(0, 12)}… (${got.bytes.length} bytes) is not the published ${entry.sha256.slice(0, 12)}… (${entry.size} bytes)`);
        continue;
      }
      await storeArtifact(history.artifactStore, got.bytes);
      result.fetched.push({ entry: { ...entry, state: 'ok' }, from: candidate });
      done = true;
      break;
    }
    if (!done) result.failed.push({ entry, tried });
  }
  return result;
}

/** A relative folder in book.yaml is relative to the book; URLs and templates are kept. */
function resolveConfigured(root: string, source: string): string {
  return isUrl(source) || path.isAbsolute(source) ? source : path.resolve(root, source);
}

function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/**
 * Where an artifact may be in a source: a template names one place; a URL or folder may be a reader site
 * (`downloads/<name>`, as every site Evergreen writes serves it), a store (`<sha256>`) or a flat folder of names.
 */
export function candidates(source: string, entry: Pick<ArtifactEntry, 'sha256' | 'name' | 'version'>): string[] {
  if (source.includes('{')) {
    return [source.replaceAll('{sha256}', entry.sha256).replaceAll('{name}', encodeURIComponent(entry.name)).replaceAll('{version}', encodeURIComponent(entry.version))];
  }
  if (isUrl(source)) {
    const base = source.endsWith('/') ? source : `${source}/`;
    return [`${base}downloads/${encodeURIComponent(entry.name)}`, `${base}${entry.sha256}`];
  }
  const dir = path.resolve(source);
  return [path.join(dir, entry.sha256), path.join(dir, 'downloads', entry.name), path.join(dir, entry.name)];
}

/** Reads one candidate (HTTP with a timeout, never more than the expected size), or says why not. */
async function readCandidate(candidate: string, expectedSize: number): Promise<{ bytes?: Uint8Array; why?: string }> {
  if (!isUrl(candidate)) {
    if (!existsSync(candidate)) return { why: 'not there' };
    return { bytes: await readFile(candidate) };
  }
  try {
    const response = await fetch(candidate, { signal: AbortSignal.timeout(60_000), redirect: 'follow' });
    if (!response.ok) return { why: `HTTP ${response.status}` };
    const length = Number(response.headers.get('content-length'));
    if (Number.isFinite(length) && length > expectedSize) {
      await response.body?.cancel();
      return { why: `refused, ${length} bytes announced, ${expectedSize} published` };
    }
    return { bytes: new Uint8Array(await response.arrayBuffer()) };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { why: cause ?? (error as Error).message };
  }
}

/**
 * `evergreen artifacts export <folder>`: copies verified artifacts out of the store, named by sha256 (a store
 * mirror: serve it anywhere and point release.artifactSource at it) or, with names, as readers download them
 * (for release assets: `gh release upload v1.3.0 <folder>/*`). Refuses when any is missing or damaged.
 */
export async function exportArtifacts(project: Project, options: { to: string; version?: string; names?: boolean }): Promise<{ written: string[] }> {
  const history = await openForArtifacts(project);
  const entries = await entriesOf(history, options.version);
  const bad = entries.filter((e) => e.state !== 'ok');
  if (bad.length) {
    throw new EvergreenError(`Cannot export: ${bad.map((e) => `${e.name} (${e.version}) is ${e.state}`).join(', ')}; run \`evergreen artifacts fetch\` first`, []);
  }
  await mkdir(options.to, { recursive: true });
  const written: string[] = [];
  for (const entry of entries) {
    const target = path.join(options.to, options.names ? entry.name : entry.sha256);
    await copyFile(entry.file, target);
    written.push(target);
  }
  return { written };
}
