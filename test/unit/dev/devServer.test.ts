import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type DevServer, type RebuildReport, startDevServer } from '../../../src/dev/devServer.js';
import { PortInUseError } from '../../../src/dev/httpServer.js';
import { atomicWrite, defaultChapters, makeDevBook, writeBookYaml } from './devBook.js';
import { get, nextRebuild, rawGet, read, readIfPresent, record, waitFor } from './devHarness.js';

const open: DevServer[] = [];
const roots: string[] = [];

async function start(root = makeDevBook(), options: Parameters<typeof startDevServer>[0] = {}) {
  roots.push(root);
  const server = await startDevServer({ root, port: 0, checkSamples: false, ...options });
  open.push(server);
  return { root, server, page: (slug: string) => path.join(server.outDir, 'html', `${slug}.html`), chapter: (name: string) => path.join(root, 'manuscript', name) };
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('evergreen dev: rebuilds', () => {
  it('builds into .evergreen/dev (never dist/) and serves the book', async () => {
    const { root, server } = await start();
    expect(server.outDir).toBe(path.join(root, '.evergreen', 'dev'));
    expect(existsSync(path.join(root, 'dist'))).toBe(false);
    const home = await get(server.url);
    expect(home.status).toBe(200);
    expect(home.body).toContain('/__evergreen/client.js');
    expect(home.body).toMatch(/<meta name="evergreen-dev-build" content="\w+:\d+">/);
    expect((await get(`${server.url}basics.html`)).body).toContain('Numbers are numbers.');
    expect((await get(`${server.url}basics`)).status).toBe(200);
    expect(home.headers['cache-control']).toBe('no-store');
  });

  it('re-renders only the edited chapter and reloads only its page', async () => {
    const { server, chapter, page } = await start();
    const report = await nextRebuild(server, () => writeFileSync(chapter('basics.md'), read(chapter('basics.md')).replace('Some basics.', 'Some fresh basics.')));
    expect(report.ok).toBe(true);
    expect(report.changed).toEqual([chapter('basics.md')]);
    expect(report.stats['html.chaptersRendered']).toBe(1);
    expect(report.reload).toEqual({ pages: ['/basics.html'], stylesheets: [] });
    expect(read(page('basics'))).toContain('Some fresh basics.');
  });

  it('re-renders only the retitled chapter, and updates the navigation of every page', async () => {
    const { server, chapter, page } = await start();
    const report = await nextRebuild(server, () => writeFileSync(chapter('basics.md'), read(chapter('basics.md')).replace('# Basics', '# Basic Ideas')));
    expect(report.stats['html.chaptersRendered']).toBe(1);
    expect(report.reload?.pages).toEqual(['/advanced.html', '/basics.html', '/index.html', '/intro.html']);
    expect(read(page('advanced'))).toContain('Basic Ideas');
    expect(read(page('intro'))).toContain('Basic Ideas');
  });

  it('takes an atomic save (temp file + rename) as one change of the chapter', async () => {
    const { server, chapter, page } = await start();
    const log = record(server);
    const report = await nextRebuild(server, () => atomicWrite(chapter('intro.md'), '# Introduction\n\nSaved atomically.\n'));
    expect(report.ok).toBe(true);
    expect(report.changed).toEqual([chapter('intro.md')]);
    expect(read(page('intro'))).toContain('Saved atomically.');
    await new Promise((r) => setTimeout(r, 300));
    expect(log.rebuilds.length).toBe(1);
    expect(log.rebuilds.every((r) => r.ok)).toBe(true);
  });

  it('coalesces a burst of saves, queues saves made during a build, and ends with the last state', async () => {
    const { server, chapter, page } = await start();
    const log = record(server);
    for (let i = 1; i <= 20; i++) {
      writeFileSync(chapter('advanced.md'), `# Advanced\n\nVersion ${i}.\n`);
      await new Promise((r) => setTimeout(r, i % 5 === 0 ? 60 : 2));
    }
    await waitFor(() => readIfPresent(page('advanced')).includes('Version 20.'), 20_000, 'the last save to be built');
    await server.idle();
    await new Promise((r) => setTimeout(r, 200));
    await server.idle();
    expect(log.rebuilds.length).toBeGreaterThanOrEqual(1);
    expect(log.rebuilds.length).toBeLessThanOrEqual(6);
    expect(read(page('advanced'))).toContain('Version 20.');
    expect(existsSync(path.join(server.outDir, 'html')) && readdirSync(server.outDir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('rebuilds a chapter when a file its mdBook {{#include}} reads changes, inside manuscript/ or outside it', async () => {
    const root = makeDevBook({ ...defaultChapters, 'basics.md': '# Basics\n\n{{#include parts/note.md}}\n\n```rust\n{{#include ../listings/main.rs:body}}\n```\n' });
    writeBookYaml(root, ['intro.md', 'basics.md', 'advanced.md'], 'dialect: mdbook\n');
    mkdirSync(path.join(root, 'manuscript', 'parts'));
    writeFileSync(path.join(root, 'manuscript', 'parts', 'note.md'), 'An included note.\n');
    mkdirSync(path.join(root, 'listings'));
    const listing = path.join(root, 'listings', 'main.rs');
    writeFileSync(listing, 'fn main() {\n    // ANCHOR: body\n    let shown = 1;\n    // ANCHOR_END: body\n}\n');
    const { server, page } = await start(root);
    expect(read(page('basics'))).toContain('An included note.');
    expect(read(page('basics'))).toContain('shown');
    // Outside manuscript/: watched because the chapter includes it (the watcher takes it on after the first
    // build, so the save is repeated until a rebuild sees it).
    const log = record(server);
    let n = 0;
    await waitFor(
      () => {
        if (n++ % 25 === 0) writeFileSync(listing, `fn main() {\n    // ANCHOR: body\n    let edited = ${n};\n    // ANCHOR_END: body\n}\n`);
        return readIfPresent(page('basics')).includes('edited');
      },
      20_000,
      'the edited listing to be built',
    );
    await server.idle();
    const outside = log.rebuilds.find((r) => r.changed.includes(listing))!;
    expect(outside.ok).toBe(true);
    expect(outside.changed).toEqual([listing]);
    expect(outside.reload?.pages).toEqual(['/basics.html']);
    expect(read(page('basics'))).not.toContain('ANCHOR');
    const inside = await nextRebuild(server, () => writeFileSync(path.join(root, 'manuscript', 'parts', 'note.md'), 'An edited note.\n'));
    expect(inside.ok).toBe(true);
    expect(read(page('basics'))).toContain('An edited note.');
  });

  it('adds a chapter listed in book.yaml to the navigation, and drops a deleted one', async () => {
    const { root, server, chapter, page } = await start();
    writeFileSync(chapter('extra.md'), '# Extra Chapter\n\nNew.\n');
    await nextRebuild(server); // the new file itself (not listed yet: no page changes)
    const report = await nextRebuild(server, () => writeBookYaml(root, ['intro.md', 'basics.md', 'advanced.md', 'extra.md']));
    expect(report.ok).toBe(true);
    expect(report.reload?.pages).toContain('/extra.html');
    expect(read(page('intro'))).toContain('Extra Chapter');
    const removed = await nextRebuild(server, () => writeBookYaml(root, ['intro.md', 'basics.md', 'extra.md']));
    expect(removed.ok).toBe(true);
    expect(existsSync(page('advanced'))).toBe(false);
    expect(read(page('intro'))).not.toContain('Advanced');
  });

  it('shows an invalid book.yaml as a problem, keeps serving the last good build, and recovers', async () => {
    const { root, server, page } = await start();
    const log = record(server);
    const before = read(page('intro'));
    const broken = await nextRebuild(server, () => writeFileSync(path.join(root, 'manuscript', 'book.yaml'), 'title: [unclosed\nchapters:\n  - intro.md\n'));
    expect(broken.ok).toBe(false);
    await waitFor(() => log.events.some((e) => e.type === 'problems'), 5_000, 'the problems to be shown');
    const problems = log.events.filter((e) => e.type === 'problems').at(-1);
    expect(problems).toMatchObject({ type: 'problems', problems: [{ source: 'build', location: expect.stringContaining('manuscript/book.yaml') }] });
    expect(read(page('intro'))).toBe(before);
    expect((await get(`${server.url}intro.html`)).status).toBe(200);
    const fixed = await nextRebuild(server, () => writeBookYaml(root, ['intro.md', 'basics.md', 'advanced.md']));
    expect(fixed.ok).toBe(true);
    expect(log.events.filter((e) => e.type === 'problems').at(-1)).toEqual({ type: 'problems', problems: [] });
  });

  it('shows a broken chapter (a missing chapter file) as a problem at its line in book.yaml', async () => {
    const { root, server } = await start();
    const log = record(server);
    const report = await nextRebuild(server, () => writeBookYaml(root, ['intro.md', 'missing.md']));
    expect(report.ok).toBe(false);
    await waitFor(() => log.events.some((e) => e.type === 'problems'), 5_000, 'the problems to be shown');
    const last = log.events.filter((e) => e.type === 'problems').at(-1);
    expect(JSON.stringify(last)).toContain('missing.md');
    expect(JSON.stringify(last)).toContain('book.yaml:');
  });

  it('copies an image a chapter starts to use, and serves it', async () => {
    const { server, chapter, page } = await start();
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    mkdirSync(path.join(path.dirname(chapter('intro.md')), 'images'), { recursive: true });
    writeFileSync(path.join(path.dirname(chapter('intro.md')), 'images', 'dot.png'), png);
    // The new folder and file rebuild (no page changes) in one or two batches: let them pass.
    await new Promise((r) => setTimeout(r, 400));
    await server.idle();
    const report = await nextRebuild(server, () => writeFileSync(chapter('intro.md'), '# Introduction\n\n![A dot](images/dot.png)\n'));
    expect(report.ok).toBe(true);
    expect(report.reload?.pages).toEqual(['/intro.html']);
    expect(read(page('intro'))).toContain('media/images/dot.png');
    const image = await get(`${server.url}media/images/dot.png`);
    expect(image.status).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
  });

  it('reloads only the stylesheet when only CSS changed', async () => {
    const { root, server } = await start();
    mkdirSync(path.join(root, 'templates'), { recursive: true });
    const report = await nextRebuild(server, () => writeFileSync(path.join(root, 'templates', 'book.css'), 'body { color: rebeccapurple; }\n'));
    expect(report.ok).toBe(true);
    expect(report.reload).toEqual({ pages: [], stylesheets: ['/assets/book.css'] });
    expect((await get(`${server.url}assets/book.css`)).body).toContain('rebeccapurple');
  });
});

describe('evergreen dev: samples', () => {
  it('shows `^?` types once the background check has found them, without type-checking on the rebuild path', async () => {
    const root = makeDevBook({
      'intro.md': '# Introduction\n\n```ts\nconst answer = 40 + 2;\n//    ^?\nconsole.log(answer);\n```\n\n```output\n42\n```\n',
    });
    writeBookYaml(root, ['intro.md']);
    // Every rebuild from the very first (a listener added after start could miss a quick check).
    const rebuilds: RebuildReport[] = [];
    const reporter = { info: () => {}, problems: () => {}, rebuilt: (r: RebuildReport) => rebuilds.push(r) };
    const { page, chapter } = await start(root, { checkSamples: true, reporter });
    // The first build showed the sample without its type; the check fills the cache, then the chapter is rebuilt.
    let html = '';
    await waitFor(() => (html = readIfPresent(page('intro'))).includes('annotation-type'), 90_000, 'the type annotation');
    expect(html).toContain('const answer: number');
    expect(rebuilds[0]!.changed).toEqual([]);
    // The page is in place a moment before the rebuild is reported (after comparing outputs).
    const isTyped = (r: RebuildReport) => r.changed.length === 1 && r.changed[0] === chapter('intro.md');
    await waitFor(() => rebuilds.some(isTyped), 10_000, 'the report of the rebuild that showed the type');
    expect(rebuilds.find(isTyped)!.stats['html.chaptersRendered']).toBe(1);
  });
});

describe('evergreen dev: starting with a broken book', () => {
  it('starts anyway, shows that nothing is built yet, and serves the book once it builds', async () => {
    const root = makeDevBook();
    writeFileSync(path.join(root, 'manuscript', 'book.yaml'), 'title: [broken\n');
    const { server } = await start(root);
    const first = await get(server.url);
    expect(first.status).toBe(404);
    expect(first.body).toContain('Not built yet');
    expect(first.body).toContain('/__evergreen/client.js');
    const report = await nextRebuild(server, () => writeBookYaml(root, ['intro.md', 'basics.md', 'advanced.md']));
    expect(report.ok).toBe(true);
    expect(report.reload?.pages).toContain('/index.html');
    expect((await get(server.url)).status).toBe(200);
  });

  it('refuses a folder that is not a book', async () => {
    const root = makeDevBook();
    rmSync(path.join(root, 'manuscript', 'book.yaml'));
    await expect(start(root)).rejects.toThrow(/No book.yaml/);
  });
});

describe('evergreen dev: serving', () => {
  it('serves nothing outside the output folder, whatever the encoding, and lists no folders', async () => {
    const { root, server } = await start();
    writeFileSync(path.join(root, 'secret.txt'), 'TOP-SECRET');
    writeFileSync(path.join(server.outDir, 'secret.txt'), 'TOP-SECRET');
    for (const target of [
      '/../secret.txt',
      '/../../secret.txt',
      '/../../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2e%2e/%2e%2e/secret.txt',
      '/%2E%2E/%2E%2E/%2E%2E/secret.txt',
      '/..%2fsecret.txt',
      '/..%2f..%2f..%2fsecret.txt',
      '/assets%2f..%2f..%2fsecret.txt',
      '/..%5c..%5csecret.txt',
      '/.%2e/.%2e/.%2e/secret.txt',
      '/%252e%252e/secret.txt',
      '/assets/../../../secret.txt',
      '/..\\..\\secret.txt',
      '/%00/../secret.txt',
      '/etc/passwd',
      '/%2fetc%2fpasswd',
    ]) {
      const { status, response } = await rawGet(server.port, target);
      expect(status, target).toBeGreaterThanOrEqual(400);
      expect(response, target).not.toContain('TOP-SECRET');
      expect(response, target).not.toContain('root:');
    }
    for (const folder of ['/assets', '/assets/', '/assets/fonts/', '/media/']) {
      const { status, response } = await rawGet(server.port, folder);
      expect(status, folder).toBe(404);
      expect(response).not.toContain('book.css');
    }
    expect((await rawGet(server.port, '/.nojekyll')).status).toBe(404);
    expect((await rawGet(server.port, '/assets/book.css')).status).toBe(200);
  });

  it('refuses methods other than GET and HEAD', async () => {
    const { server } = await start();
    const status = await new Promise<number>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.write('DELETE /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      let data = '';
      socket.on('data', (c: Buffer) => (data += c.toString()));
      socket.on('close', () => resolve(Number(data.slice(9, 12))));
    });
    expect(status).toBe(405);
  });

  it('moves to the next free port with a note, or fails clearly with strictPort', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as { port: number }).port;
    try {
      await expect(start(makeDevBook(), { port: taken, strictPort: true })).rejects.toThrow(PortInUseError);
      await expect(start(makeDevBook(), { port: taken, strictPort: true })).rejects.toThrow(/already in use/);
      const notes: string[] = [];
      const { server } = await start(makeDevBook(), { port: taken, reporter: { info: (m) => notes.push(m), problems: () => {}, rebuilt: () => {} } });
      expect(server.port).toBeGreaterThan(taken);
      expect(notes.join('\n')).toContain(`Port ${taken} is in use`);
    } finally {
      blocker.close();
    }
  });

  it('stops cleanly: no server, no watcher, no staging folders', async () => {
    const { server, chapter } = await start();
    writeFileSync(chapter('intro.md'), '# Introduction\n\nChanged just before stopping.\n');
    await new Promise((r) => setTimeout(r, 40));
    await server.close();
    await expect(get(server.url)).rejects.toThrow();
    expect(readdirSync(server.outDir).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});
