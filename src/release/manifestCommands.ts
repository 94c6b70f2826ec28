import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DiagnosticBag, EvergreenError } from '../diagnostics/diagnostic.js';
import type { Project } from '../driver/project.js';
import type { KeyRotation } from '../util/signingKeys.js';
import { openBookHistory } from './history/index.js';
import { refreshSite, type SiteResult } from './site/index.js';
import { loadSigningKey, rotateSigningKey } from './site/signing.js';

/**
 * `evergreen manifest refresh`: regenerates the reader site from the release history with a freshly signed
 * manifest (new `signed` and `expires` times), for the author's scheduled CI job. Readers refuse a manifest
 * past its expiry, so a frozen mirror cannot hide new releases; the job keeps the genuine one fresh. Without a
 * usable key it fails: a job that silently publishes an unsigned manifest would lock readers out.
 */
export async function refreshManifest(project: Project): Promise<SiteResult> {
  const diagnostics = new DiagnosticBag();
  const key = await loadSigningKey(project.book, diagnostics);
  if (!key) {
    const configured = project.book.config.release?.signingKeyEnv || project.book.config.release?.signingKeyFile;
    const why = diagnostics.sorted().find((d) => d.severity === 'error') ?? diagnostics.sorted()[0];
    throw new EvergreenError(
      configured
        ? `Cannot refresh the manifest: the signing key was not found${why?.hint ? ` (${why.hint})` : ''}`
        : 'Cannot refresh the manifest: signing is not configured (set release.signingKeyEnv or release.signingKeyFile in book.yaml)',
      [],
    );
  }
  const history = await openBookHistory(project.book, { verifyArtifacts: true });
  if (history.releases.length === 0) throw new EvergreenError('Cannot refresh the manifest: nothing has been released yet', []);
  return refreshSite({ book: project.book, formats: project.formats, outDir: path.join(project.root, 'dist'), cacheDir: project.cacheDir, history });
}

/** `evergreen manifest rotate-key --old-key <file>`: announces the configured key as the successor of the old one, then re-signs the site. */
export async function rotateKey(project: Project, oldKeyFile: string): Promise<{ rotation: KeyRotation; site: SiteResult }> {
  let pem: string;
  try {
    pem = await readFile(oldKeyFile, 'utf8');
  } catch (error) {
    throw new EvergreenError(`Cannot read the old key ${oldKeyFile}: ${(error as Error).message}`, []);
  }
  const rotation = await rotateSigningKey(project.book, pem, new DiagnosticBag());
  const history = await openBookHistory(project.book, { verifyArtifacts: true });
  const site = history.releases.length
    ? await refreshSite({ book: project.book, formats: project.formats, outDir: path.join(project.root, 'dist'), cacheDir: project.cacheDir, history })
    : { ok: true, diagnostics: [], stats: {} };
  return { rotation, site };
}
