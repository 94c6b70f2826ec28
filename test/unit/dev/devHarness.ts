import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import type { DevServer, RebuildReport } from '../../../src/dev/devServer.js';
import type { LiveEvent } from '../../../src/dev/liveReloadHub.js';

/** Resolves with the next rebuild report (after `action` runs), failing after `timeoutMs`. */
export function nextRebuild(server: DevServer, action?: () => void, timeoutMs = 20_000): Promise<RebuildReport> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no rebuild happened')), timeoutMs);
    server.once('rebuild', (report: RebuildReport) => {
      clearTimeout(timer);
      resolve(report);
    });
    action?.();
  });
}

/** Records every rebuild and live event from now on. */
export function record(server: DevServer): { rebuilds: RebuildReport[]; events: LiveEvent[] } {
  const log = { rebuilds: [] as RebuildReport[], events: [] as LiveEvent[] };
  server.on('rebuild', (r: RebuildReport) => log.rebuilds.push(r));
  server.on('event', (e: LiveEvent) => log.events.push(e));
  return log;
}

export async function waitFor(predicate: () => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function get(url: string): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    })
      .on('error', reject)
      .end();
  });
}

/** Sends a request line exactly as written (no client-side normalisation of `..` or percent escapes). */
export function rawGet(port: number, target: string): Promise<{ status: number; response: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const response = Buffer.concat(chunks).toString('utf8');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0), response });
    });
  });
}

export function read(file: string): string {
  return readFileSync(file, 'utf8');
}

/** A page's text, or '' while it is missing: between the two renames that swap a new build into place. */
export function readIfPresent(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
