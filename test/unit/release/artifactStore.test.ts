import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { candidates } from '../../../src/release/artifacts.js';
import { checkStored, storeArtifact, storedArtifactPath } from '../../../src/release/history/artifactStore.js';
import { checkPublishedManifest, manifestUrl } from '../../../src/release/publishedManifest.js';
import { tempDir } from '../../helpers/cli.js';
import { serveFolder } from '../../helpers/staticServer.js';

const sha = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

describe('the artifact store', () => {
  it('stores bytes under their sha256, keeps a verified object, and replaces a damaged one', async () => {
    const store = tempDir('evergreen-store-');
    const bytes = Buffer.from('%PDF- the published bytes');
    const hash = await storeArtifact(store, bytes);
    expect(hash).toBe(sha(bytes));
    expect(readFileSync(storedArtifactPath(store, hash))).toEqual(bytes);
    expect(await checkStored(store, { sha256: hash, size: bytes.length })).toEqual({ state: 'ok' });
    expect(await checkStored(store, { sha256: sha('other'), size: 5 })).toEqual({ state: 'missing' });

    const damaged = Buffer.from(bytes);
    damaged[3] ^= 0xff;
    writeFileSync(storedArtifactPath(store, hash), damaged);
    expect(await checkStored(store, { sha256: hash, size: bytes.length })).toMatchObject({ state: 'damaged', actual: sha(damaged) });
    await storeArtifact(store, bytes);
    expect(await checkStored(store, { sha256: hash, size: bytes.length })).toEqual({ state: 'ok' });
    // No temporary files left behind.
    expect(readdirSync(store)).toEqual([hash]);
  });

  it('looks for an artifact where each kind of source keeps it', () => {
    const entry = { sha256: 'ab'.repeat(32), name: 'my book-1.0.0.pdf', version: '1.0.0' };
    expect(candidates('https://github.com/me/b/releases/download/v{version}/{name}', entry)).toEqual(['https://github.com/me/b/releases/download/v1.0.0/my%20book-1.0.0.pdf']);
    expect(candidates('https://example.com/book', entry)).toEqual([`https://example.com/book/downloads/my%20book-1.0.0.pdf`, `https://example.com/book/${entry.sha256}`]);
    expect(candidates('/mnt/store', entry)).toEqual([path.join('/mnt/store', entry.sha256), path.join('/mnt/store', 'downloads', entry.name), path.join('/mnt/store', entry.name)]);
  });
});

describe('the published manifest at the book url', () => {
  it('is asked at <url>/manifest.json, and says why when it cannot answer', async () => {
    expect(manifestUrl('https://example.com/book')).toBe('https://example.com/book/manifest.json');
    expect(manifestUrl('https://example.com/book/')).toBe('https://example.com/book/manifest.json');
    const site = tempDir('evergreen-site-');
    writeFileSync(path.join(site, 'manifest.json'), JSON.stringify({ versions: [{ version: '1.0.0' }] }));
    const server = await serveFolder(site);
    try {
      expect(await checkPublishedManifest(server.url, '1.0.0')).toEqual({ state: 'listed', url: `${server.url}manifest.json` });
      expect(await checkPublishedManifest(server.url, '1.0.1')).toEqual({ state: 'not-listed', url: `${server.url}manifest.json` });
      expect(await checkPublishedManifest(`${server.url}missing/`, '1.0.0')).toMatchObject({ state: 'unchecked', why: expect.stringContaining('HTTP 404') });
      writeFileSync(path.join(site, 'manifest.json'), '<html>');
      expect(await checkPublishedManifest(server.url, '1.0.0')).toMatchObject({ state: 'unchecked', why: 'it is not valid JSON' });
    } finally {
      await server.close();
    }
  });
});
