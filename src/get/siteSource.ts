import { createReadStream, existsSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { GetError } from './errors.js';

/**
 * Where a book's reader site lives: an http(s) URL or a local folder (a copy of `dist/site/`, a USB
 * stick, a mounted share). Both are read through the same small interface, so the rest of `get` does
 * not care which.
 */
export interface SiteSource {
  /** As recorded in the reader's state and shown to the reader: the URL (with a trailing slash) or the absolute folder. */
  readonly location: string;
  readonly remote: boolean;
  /** A small file (manifest, signature, change summary), or undefined when the site has no such file. */
  readText(relative: string, maxBytes: number): Promise<string | undefined>;
  readBytes(relative: string, maxBytes: number): Promise<Buffer | undefined>;
  /** A stream of an artifact from byte `start`; `start` is 0 when the source cannot resume. */
  open(relative: string, start: number): Promise<OpenedArtifact>;
  /** A link a reader can open for a site path (a URL, or a file path for a folder). */
  link(relative: string): string;
}

export interface OpenedArtifact {
  /** Where the body starts: the requested offset, or 0 when the server sends the whole file. */
  start: number;
  body: Readable;
  length?: number;
}

export interface HttpOptions {
  /** Milliseconds to wait for a response, and then between two chunks of a body (a stalled server). */
  timeoutMs: number;
  maxRedirects?: number;
}

export function openSource(spec: string, http: HttpOptions): SiteSource {
  if (/^https?:\/\//i.test(spec)) return new HttpSource(siteBase(spec), http);
  const folder = spec.startsWith('file:') ? fileURLToPath(spec) : path.resolve(spec);
  const dir = folder.endsWith('.json') && existsSync(folder) && statSync(folder).isFile() ? path.dirname(folder) : folder;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new GetError('manifest', `${spec} is neither an http(s) URL nor a folder`, 'Give the address of the book site (https://…) or a folder that contains its manifest.json.');
  }
  return new FolderSource(dir);
}

/** `https://x/book`, `https://x/book/` and `https://x/book/manifest.json` all mean the site `https://x/book/`. */
export function siteBase(spec: string): string {
  const url = new URL(spec);
  url.hash = '';
  url.search = '';
  if (url.pathname.endsWith('.json')) url.pathname = url.pathname.replace(/[^/]*$/, '');
  else if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

/** Paths come from the manifest, which may be hostile: only plain relative paths inside the site. */
export function safeRelative(relative: string): string {
  const parts = relative.split('/');
  if (relative === '' || relative.startsWith('/') || relative.includes('\\') || parts.some((p) => p === '' || p === '.' || p === '..') || /[\0?#:]/.test(relative)) {
    throw new GetError('manifest', `The manifest names an unsafe path: ${JSON.stringify(relative)}`);
  }
  return relative;
}

class FolderSource implements SiteSource {
  readonly remote = false;
  constructor(readonly location: string) {}

  private file(relative: string): string {
    return path.join(this.location, ...safeRelative(relative).split('/'));
  }

  async readText(relative: string, maxBytes: number): Promise<string | undefined> {
    return (await this.readBytes(relative, maxBytes))?.toString('utf8');
  }

  async readBytes(relative: string, maxBytes: number): Promise<Buffer | undefined> {
    const file = this.file(relative);
    if (!existsSync(file)) return undefined;
    if ((await stat(file)).size > maxBytes) throw new GetError('manifest', `${relative} is larger than ${maxBytes} bytes`);
    return readFile(file);
  }

  async open(relative: string, start: number): Promise<OpenedArtifact> {
    const file = this.file(relative);
    if (!existsSync(file)) throw new GetError('network', `${relative} is missing from ${this.location}`);
    const size = (await stat(file)).size;
    const from = Math.min(start, size);
    return { start: from, body: createReadStream(file, { start: from }), length: size - from };
  }

  link(relative: string): string {
    return this.file(relative);
  }
}

class HttpSource implements SiteSource {
  readonly remote = true;
  /** Relative paths resolve against where the manifest really was, after redirects (a site that moved). */
  private base: string;
  constructor(
    readonly location: string,
    private readonly options: HttpOptions,
  ) {
    this.base = location;
  }

  link(relative: string): string {
    return new URL(safeRelative(relative), this.base).href;
  }

  async readText(relative: string, maxBytes: number): Promise<string | undefined> {
    return (await this.readBytes(relative, maxBytes))?.toString('utf8');
  }

  async readBytes(relative: string, maxBytes: number): Promise<Buffer | undefined> {
    // Ask caches in between for a fresh copy: a stale manifest would look like a rollback.
    const response = await this.request(new URL(safeRelative(relative), this.base).href, { 'cache-control': 'no-cache' });
    // Object stores (S3 and alike) answer 403 for a missing file; for the optional signature files that means "none".
    const missing = response.status === 404 || response.status === 410 || (response.status === 403 && relative !== 'manifest.json');
    if (missing) {
      response.body.destroy();
      return undefined;
    }
    if (response.status !== 200) {
      response.body.destroy();
      throw new GetError('network', `${response.url} answered HTTP ${response.status}`);
    }
    if (relative === 'manifest.json') this.base = new URL('.', response.url).href;
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for await (const chunk of response.body) {
        total += (chunk as Buffer).length;
        if (total > maxBytes) throw new GetError('manifest', `${response.url} is larger than ${maxBytes} bytes`);
        chunks.push(chunk as Buffer);
      }
    } catch (error) {
      response.body.destroy();
      throw error instanceof GetError ? error : networkError(response.url, error);
    }
    return Buffer.concat(chunks);
  }

  async open(relative: string, start: number): Promise<OpenedArtifact> {
    const url = new URL(safeRelative(relative), this.base).href;
    const response = await this.request(url, start > 0 ? { range: `bytes=${start}-` } : {});
    const length = Number(response.headers.get('content-length') ?? NaN);
    if (response.status === 206) {
      // Resume only when the server continues exactly where our partial file ends.
      const from = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '')?.[1];
      if (Number(from) === start) return { start, body: response.body, length: Number.isFinite(length) ? length : undefined };
      response.body.destroy();
      return this.open(relative, 0);
    }
    if (response.status === 416 && start > 0) {
      response.body.destroy();
      return this.open(relative, 0);
    }
    if (response.status !== 200) {
      response.body.destroy();
      throw new GetError(
        response.status >= 500 ? 'network' : 'manifest',
        `${url} answered HTTP ${response.status}`,
        response.status === 404 ? 'The site lists a download it does not have; tell the author.' : undefined,
      );
    }
    return { start: 0, body: response.body, length: Number.isFinite(length) ? length : undefined };
  }

  /**
   * GET with redirects followed by hand (so an https site cannot send us to plain http) and a timer
   * that aborts when the server is silent for `timeoutMs`, while waiting for headers or between chunks.
   */
  private async request(url: string, headers: Record<string, string>): Promise<{ status: number; url: string; headers: Headers; body: Readable }> {
    const maxRedirects = this.options.maxRedirects ?? 10;
    let current = url;
    for (let hop = 0; ; hop++) {
      const controller = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => controller.abort(new GetError('network', `${current}: no answer for ${this.options.timeoutMs / 1000} s (timed out)`)), this.options.timeoutMs);
      };
      arm();
      let response: Response;
      try {
        response = await fetch(current, { headers: { 'user-agent': 'evergreen-get', ...headers }, redirect: 'manual', signal: controller.signal });
      } catch (error) {
        clearTimeout(timer);
        throw controller.signal.aborted ? (controller.signal.reason as GetError) : networkError(current, error);
      }
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        clearTimeout(timer);
        await response.body?.cancel().catch(() => {});
        if (hop >= maxRedirects) throw new GetError('network', `${url}: more than ${maxRedirects} redirects`);
        current = redirectTarget(current, location);
        continue;
      }
      const body = response.body ? Readable.fromWeb(response.body as never) : Readable.from([]);
      // A timeout aborts the controller: the reader sees our explanation, not a bare "aborted".
      const out = new PassThrough();
      body.on('data', arm);
      body.on('end', () => clearTimeout(timer));
      body.on('error', (error) => out.destroy(controller.signal.aborted ? (controller.signal.reason as Error) : networkError(current, error)));
      out.on('close', () => {
        clearTimeout(timer);
        if (!body.destroyed) body.destroy();
      });
      body.pipe(out);
      return { status: response.status, url: current, headers: response.headers, body: out };
    }
  }
}

/** Where a redirect leads; never from https down to plain http (or to any other scheme). */
export function redirectTarget(from: string, location: string): string {
  const next = new URL(location, from);
  const secure = new URL(from).protocol === 'https:';
  if (next.protocol !== 'https:' && (secure || next.protocol !== 'http:')) {
    throw new GetError('network', `${from} redirects to ${next.href}: refused (${secure ? 'not https' : 'not http(s)'})`);
  }
  return next.href;
}

function networkError(url: string, error: unknown): GetError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (error as Error).message;
  return new GetError(
    'network',
    `${url}: ${detail}`,
    'Check the address and your connection, then run the same command again: finished downloads are kept and interrupted ones resume.',
  );
}
