/**
 * The re-release check also asks the reader site at the book's `url`: its manifest.json lists every version
 * readers were offered, even when the author's releases/, tags and dist/ no longer do (a new clone, a deleted
 * folder). One short request; when the site cannot be reached the release goes on and says that this part
 * could not be checked.
 */
export type PublishedManifestCheck = { state: 'listed'; url: string } | { state: 'not-listed'; url: string } | { state: 'unchecked'; url: string; why: string };

const maxManifestBytes = 16 * 1024 * 1024;

export function manifestUrl(bookUrl: string): string {
  const base = new URL(bookUrl);
  base.hash = '';
  base.search = '';
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return new URL('manifest.json', base).href;
}

export async function checkPublishedManifest(bookUrl: string, version: string, timeoutMs = 3000): Promise<PublishedManifestCheck> {
  let url: string;
  try {
    url = manifestUrl(bookUrl);
  } catch {
    return { state: 'unchecked', url: bookUrl, why: 'the url in book.yaml is not a valid URL' };
  }
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow', headers: { accept: 'application/json' } });
    if (response.status === 404) {
      await response.body?.cancel();
      return { state: 'unchecked', url, why: 'HTTP 404: no manifest is published there yet (or the url is wrong)' };
    }
    if (!response.ok) {
      await response.body?.cancel();
      return { state: 'unchecked', url, why: `HTTP ${response.status}` };
    }
    const text = await response.text();
    if (text.length > maxManifestBytes) return { state: 'unchecked', url, why: 'the manifest is too large' };
    const manifest = JSON.parse(text) as { versions?: { version?: unknown }[] };
    if (!Array.isArray(manifest.versions)) return { state: 'unchecked', url, why: 'it is not an Evergreen manifest (no versions)' };
    return manifest.versions.some((v) => v?.version === version) ? { state: 'listed', url } : { state: 'not-listed', url };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : e instanceof SyntaxError ? 'it is not valid JSON' : (e.cause?.code ?? e.message);
    return { state: 'unchecked', url, why };
  }
}
