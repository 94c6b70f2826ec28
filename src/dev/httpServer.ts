import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { escapeHtml } from '../render/theme.js';
import { browserClient, clientPath, devHead } from './browserClient.js';
import { eventsPath, type LiveReloadHub } from './liveReloadHub.js';
import { contentTypeFor, resolveRequestPath } from './safePath.js';

export interface BookServerOptions {
  /** The built HTML book (`<root>/.evergreen/dev/html`); looked up on every request, as builds swap it. */
  htmlDir: string;
  hub: LiveReloadHub;
}

const baseHeaders = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };

/**
 * Serves the built book and the live-reload endpoints, and nothing else: only GET and HEAD, only regular
 * files inside the output folder (no listings, no hidden files, no way out through `..` in any encoding or
 * through a link), pages stamped with the build they come from.
 */
export function createBookServer(options: BookServerOptions): Server {
  const server = createServer((request, response) => {
    handle(request, response, options).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', `Internal error: ${String(error)}\n`);
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  return server;
}

async function handle(request: IncomingMessage, response: ServerResponse, options: BookServerOptions): Promise<void> {
  const url = request.url ?? '/';
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    return send(response, 405, 'text/plain; charset=utf-8', 'Method not allowed\n');
  }
  const pathname = url.split(/[?#]/, 1)[0];
  if (pathname === eventsPath) return options.hub.connect(request, response);
  if (pathname === clientPath) return send(response, 200, 'text/javascript; charset=utf-8', browserClient, request);

  // A request that falls between the two renames that swap a new build into place finds nothing: look again.
  const file = (await findFile(options.htmlDir, url)) ?? (await delay(10).then(() => findFile(options.htmlDir, url)));
  if (!file) return notFound(request, response, options);
  const type = contentTypeFor(file.path);
  if (type.startsWith('text/html')) {
    const html = await readFile(file.path, 'utf8').catch(() => undefined);
    if (html === undefined) return notFound(request, response, options);
    return send(response, 200, type, stampPage(html, options.hub.stamp), request);
  }
  response.writeHead(200, { ...baseHeaders, 'Content-Type': type, 'Content-Length': file.size });
  if (request.method === 'HEAD') return void response.end();
  createReadStream(file.path)
    .on('error', () => response.destroy())
    .pipe(response);
}

/** The regular file a URL names inside the output folder: `/` is the title page, `/intro` is `intro.html`. */
async function findFile(htmlDir: string, url: string): Promise<{ path: string; size: number } | undefined> {
  const resolved = resolveRequestPath(htmlDir, url);
  if (!resolved) return undefined;
  const candidates = resolved === path.resolve(htmlDir) ? [path.join(resolved, 'index.html')] : path.extname(resolved) ? [resolved] : [resolved, `${resolved}.html`];
  let base: string;
  try {
    base = await realpath(htmlDir);
  } catch {
    return undefined;
  }
  for (const candidate of candidates) {
    try {
      const real = await realpath(candidate);
      if (!real.startsWith(base + path.sep)) continue;
      const info = await stat(real);
      if (info.isFile()) return { path: real, size: info.size };
    } catch {
      /* try the next candidate */
    }
  }
  return undefined;
}

/** Marks a page with the build it was served from (see LiveReloadHub), and makes sure it loads the client. */
export function stampPage(html: string, stamp: string): string {
  const meta = `<meta name="evergreen-dev-build" content="${escapeHtml(stamp)}">`;
  const extra = html.includes(clientPath) ? meta : `${meta}\n${devHead}`;
  const end = html.search(/<\/head>/i);
  return end === -1 ? `${extra}\n${html}` : `${html.slice(0, end)}${extra}\n${html.slice(end)}`;
}

/** A missing page still runs the client: it shows the overlay, and turns into the page once it is built. */
async function notFound(request: IncomingMessage, response: ServerResponse, options: BookServerOptions): Promise<void> {
  const built = await stat(path.join(options.htmlDir, 'index.html')).then(
    () => true,
    () => false,
  );
  const text = built
    ? `<h1>Not found</h1><p>No page at <code>${escapeHtml(decodeSafe(request.url ?? '/'))}</code> in the book. This page reloads by itself when a build creates it.</p><p><a href="/">Go to the contents</a></p>`
    : `<h1>Not built yet</h1><p>The book has not been built yet: fix the problems shown here and in the terminal, and this page reloads by itself.</p>`;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found · Evergreen dev</title>${devHead}</head>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem">${text}</body></html>`;
  send(response, 404, 'text/html; charset=utf-8', stampPage(html, options.hub.stamp), request);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function decodeSafe(url: string): string {
  try {
    return decodeURIComponent(url.split(/[?#]/, 1)[0]);
  } catch {
    return url;
  }
}

function send(response: ServerResponse, status: number, type: string, body: string, request?: IncomingMessage): void {
  const bytes = Buffer.from(body, 'utf8');
  response.writeHead(status, { ...baseHeaders, 'Content-Type': type, 'Content-Length': bytes.length });
  response.end(request?.method === 'HEAD' ? undefined : bytes);
}

/**
 * Listens on host:port. When the port is taken, tries the next ones (up to `attempts`) unless `strictPort`,
 * and says so; a clear error otherwise.
 */
export async function listen(server: Server, host: string, port: number, options: { strictPort?: boolean; attempts?: number } = {}): Promise<{ port: number; note?: string }> {
  const attempts = options.strictPort || port === 0 ? 1 : (options.attempts ?? 20);
  for (let i = 0; i < attempts; i++) {
    const candidate = port + i;
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error) => {
          server.off('listening', onListening);
          reject(error);
        };
        const onListening = () => {
          server.off('error', onError);
          resolve();
        };
        server.once('error', onError);
        server.once('listening', onListening);
        server.listen(candidate, host);
      });
      const actual = (server.address() as { port: number }).port;
      return { port: actual, note: i > 0 ? `Port ${port} is in use; serving on port ${actual} instead.` : undefined };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' && i + 1 < attempts) continue;
      if (code === 'EADDRINUSE') {
        throw new PortInUseError(
          options.strictPort || attempts === 1
            ? `Port ${candidate} on ${host} is already in use. Stop the other server, or choose another port with --port.`
            : `Ports ${port}-${candidate} on ${host} are all in use. Choose a free port with --port.`,
        );
      }
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new PortInUseError(`Cannot listen on ${host}: no such address on this machine. Check --host.`);
      if (code === 'EACCES') throw new PortInUseError(`Not allowed to listen on port ${candidate}. Choose a port above 1023 with --port.`);
      throw error;
    }
  }
  throw new PortInUseError(`No free port found from ${port}.`);
}

export class PortInUseError extends Error {
  override name = 'PortInUseError';
}
