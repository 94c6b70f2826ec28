import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetError } from '../../../src/get/errors.js';
import { openSource, redirectTarget, safeRelative, siteBase } from '../../../src/get/siteSource.js';
import { tempDir } from '../../helpers/cli.js';

describe('siteBase and safeRelative', () => {
  it('reads a site address in its usual spellings', () => {
    expect(siteBase('https://x.org/book')).toBe('https://x.org/book/');
    expect(siteBase('https://x.org/book/')).toBe('https://x.org/book/');
    expect(siteBase('https://x.org/book/manifest.json?x=1#y')).toBe('https://x.org/book/');
  });

  it.each(['../secret', '/etc/passwd', 'a/../../b', 'a//b', 'a\\b', 'https://evil/x', ''])('refuses the unsafe manifest path %j', (p) => {
    expect(() => safeRelative(p)).toThrow(GetError);
  });

  it('follows redirects within http(s), never from https to http', () => {
    expect(redirectTarget('http://a/x/manifest.json', '/y/manifest.json')).toBe('http://a/y/manifest.json');
    expect(redirectTarget('http://a/x', 'https://b/x')).toBe('https://b/x');
    expect(() => redirectTarget('https://a/x', 'http://a/x')).toThrow(/not https/);
    expect(() => redirectTarget('http://a/x', 'file:///etc/passwd')).toThrow(/refused/);
  });
});

describe('HTTP source', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const url = req.url ?? '/';
      if (url === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
      if (url === '/site/manifest.json.sig') return void res.writeHead(403).end(); // S3-style "missing"
      if (url === '/site/manifest.json') return void res.writeHead(403).end();
      if (url === '/site/big.json') return void res.end('x'.repeat(2000));
      if (url === '/site/stalls.pdf') {
        res.writeHead(200, { 'content-length': 100 });
        res.write('x'.repeat(50)); // then silence: a stalled transfer
        return;
      }
      if (url === '/site/error.pdf') return void res.writeHead(500).end();
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('treats a 403 for an optional file as missing, but not for the manifest', async () => {
    const source = openSource(`${base}/site/`, { timeoutMs: 2000 });
    expect(await source.readText('manifest.json.sig', 100)).toBeUndefined();
    await expect(source.readText('manifest.json', 100)).rejects.toThrow(/HTTP 403/);
  });

  it('refuses a small file larger than its limit', async () => {
    const source = openSource(`${base}/site/`, { timeoutMs: 2000 });
    await expect(source.readText('big.json', 1000)).rejects.toThrow(/larger than 1000 bytes/);
  });

  it('stops after too many redirects', async () => {
    const source = openSource(`${base}/`, { timeoutMs: 2000, maxRedirects: 3 });
    await expect(source.open('loop', 0)).rejects.toThrow(/more than 3 redirects/);
  });

  it('times out a transfer that stalls mid-body, with a network error (retryable)', async () => {
    const source = openSource(`${base}/site/`, { timeoutMs: 300 });
    const { body } = await source.open('stalls.pdf', 0);
    const started = Date.now();
    const error = await (async () => {
      for await (const _chunk of body) {
        /* drain */
      }
    })().catch((e: GetError) => e);
    expect(error).toBeInstanceOf(GetError);
    expect((error as GetError).kind).toBe('network');
    expect((error as GetError).message).toContain('timed out');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('reports a server error as a network error', async () => {
    const source = openSource(`${base}/site/`, { timeoutMs: 2000 });
    await expect(source.open('error.pdf', 0)).rejects.toMatchObject({ kind: 'network' });
  });

  it('reports an unreachable site clearly', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const source = openSource(`http://127.0.0.1:${port}/`, { timeoutMs: 2000 });
    await expect(source.readBytes('manifest.json', 100)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('folder source', () => {
  it('reads a site copied to a folder, and refuses paths out of it', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'downloads'));
    writeFileSync(path.join(dir, 'manifest.json'), '{}');
    writeFileSync(path.join(dir, 'downloads', 'a.pdf'), '0123456789');
    const source = openSource(path.join(dir, 'manifest.json'), { timeoutMs: 1000 });
    expect(await source.readText('manifest.json', 100)).toBe('{}');
    expect(await source.readText('manifest.json.sig', 100)).toBeUndefined();
    const { start, body } = await source.open('downloads/a.pdf', 4);
    let text = '';
    for await (const chunk of body) text += chunk;
    expect([start, text]).toEqual([4, '456789']);
    await expect(source.readText('../outside', 100)).rejects.toThrow(GetError);
  });

  it('says clearly when the site is neither a URL nor a folder', () => {
    expect(() => openSource('/no/such/folder', { timeoutMs: 1000 })).toThrow(/neither an http\(s\) URL nor a folder/);
  });
});
