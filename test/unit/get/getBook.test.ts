import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GetError } from '../../../src/get/errors.js';
import { getBook, type GetOptions } from '../../../src/get/getBook.js';
import { tempDir } from '../../helpers/cli.js';

/** Sites written by hand (a folder source): the cases the CLI fixture cannot produce cheaply. */
interface SiteVersion {
  version: string;
  yanked?: string;
  files: { kind: string; name: string; content: string }[];
}

function makeSite(versions: SiteVersion[], options: { slug?: string; key?: KeyObject; publicKey?: KeyObject } = {}): string {
  const dir = tempDir('evergreen-get-unit-site-');
  mkdirSync(path.join(dir, 'downloads'));
  const sorted = [...versions].reverse();
  const manifest = {
    format: 'evergreen-manifest/1',
    book: { title: 'Hand Made', slug: options.slug ?? 'hand-made' },
    latest: sorted.find((v) => !v.yanked)?.version ?? sorted[0].version,
    versions: sorted.map((v) => ({
      version: v.version,
      date: '2026-05-01',
      notes: `Notes of ${v.version}.`,
      ...(v.yanked ? { yanked: { reason: v.yanked, date: '2026-05-02' } } : {}),
      artifacts: v.files.map((f) => {
        writeFileSync(path.join(dir, 'downloads', f.name), f.content);
        return { kind: f.kind, path: `downloads/${f.name}`, size: Buffer.byteLength(f.content), sha256: createHash('sha256').update(f.content).digest('hex') };
      }),
      changesSince: {},
    })),
  };
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  writeFileSync(path.join(dir, 'manifest.json'), text);
  if (options.key) {
    writeFileSync(path.join(dir, 'manifest.json.sig'), sign(null, Buffer.from(text), options.key).toString('base64'));
    writeFileSync(path.join(dir, 'public-key.pem'), options.publicKey!.export({ type: 'spki', format: 'pem' }));
  }
  return dir;
}

const v = (version: string, extra: Partial<SiteVersion> = {}): SiteVersion => ({
  version,
  files: [
    { kind: 'pdf', name: `hand-made-${version}.pdf`, content: `pdf ${version}` },
    { kind: 'html-zip', name: `hand-made-${version}-html.zip`, content: `zip ${version}` },
  ],
  ...extra,
});

const run = (source: string, into: string, options: Partial<GetOptions> = {}) => getBook({ source, into, retryDelayMs: 1, ...options });

async function refusal(promise: Promise<unknown>): Promise<GetError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GetError);
  return error as GetError;
}

describe('getBook', () => {
  it('downloads the PDF by default, and the HTML zip too with --html', async () => {
    const into = tempDir();
    const site = makeSite([v('1.0.0')]);
    const first = await run(site, into);
    expect(first.status).toBe('downloaded');
    expect(readdirSync(into).sort()).toEqual(['.evergreen-get.json', 'hand-made-1.0.0.pdf']);
    const again = await run(site, into, { html: true });
    expect(again.files.map((f) => path.basename(f))).toEqual(['hand-made-1.0.0-html.zip']);
    expect((await run(site, into, { html: true })).status).toBe('up-to-date');
    // The choice is remembered for later updates, until --no-html.
    const update = await run(makeSite([v('1.0.0'), v('1.1.0')]), into);
    expect(update.files.map((f) => path.basename(f))).toEqual(['hand-made-1.1.0.pdf', 'hand-made-1.1.0-html.zip']);
    const pdfOnly = await run(makeSite([v('1.0.0'), v('1.1.0'), v('1.2.0')]), into, { html: false });
    expect(pdfOnly.files.map((f) => path.basename(f))).toEqual(['hand-made-1.2.0.pdf']);
  });

  it('uses the folder of a book already downloaded, and the site recorded there', async () => {
    const home = tempDir();
    const site = makeSite([v('1.0.0')]);
    const first = await getBook({ source: site, cwd: home });
    expect(first.dir).toBe(path.join(home, 'hand-made'));
    const again = await getBook({ cwd: first.dir });
    expect(again).toMatchObject({ status: 'up-to-date', dir: first.dir });
  });

  it('keeps a file already in the folder when it is the published one, and refuses to replace one that is not', async () => {
    const into = tempDir();
    const site = makeSite([v('1.0.0')]);
    writeFileSync(path.join(into, 'hand-made-1.0.0.pdf'), 'pdf 1.0.0');
    expect((await run(site, into)).files).toEqual([]);
    const other = tempDir();
    writeFileSync(path.join(other, 'hand-made-1.0.0.pdf'), 'my notes');
    expect((await refusal(run(site, other))).kind).toBe('folder');
    expect(readFileSync(path.join(other, 'hand-made-1.0.0.pdf'), 'utf8')).toBe('my notes');
  });

  it('tells a reader whose version was withdrawn, without downloading an older one', async () => {
    const into = tempDir();
    await run(makeSite([v('1.0.0'), v('1.1.0')]), into);
    const result = await run(makeSite([v('1.0.0'), v('1.1.0', { yanked: 'the sample in chapter 2 is wrong' })]), into);
    expect(result.status).toBe('up-to-date');
    expect(result.notices.join('\n')).toContain('Your version 1.1.0 was withdrawn by the author: the sample in chapter 2 is wrong');
    expect(readdirSync(into).sort()).toEqual(['.evergreen-get.json', 'hand-made-1.1.0.pdf']);
  });

  it('refuses a folder that holds another book', async () => {
    const into = tempDir();
    await run(makeSite([v('1.0.0')]), into);
    const error = await refusal(run(makeSite([v('1.0.0')], { slug: 'other-book' }), into));
    expect(error.message).toContain('holds “Hand Made”');
  });

  it('pins the key when an unsigned book becomes signed, then holds it to that key', async () => {
    const into = tempDir();
    const author = generateKeyPairSync('ed25519');
    await run(makeSite([v('1.0.0')]), into);
    const signed = await run(makeSite([v('1.0.0'), v('1.1.0')], { key: author.privateKey, publicKey: author.publicKey }), into);
    expect(signed.notices.join('\n')).toContain('Pinned the book');
    const error = await refusal(run(makeSite([v('1.0.0'), v('1.1.0'), v('1.2.0')]), into));
    expect(error.kind).toBe('signature');
  });

  it('with --key, refuses a first download signed by another key, and accepts the right one', async () => {
    const author = generateKeyPairSync('ed25519');
    const attacker = generateKeyPairSync('ed25519');
    const keyFile = path.join(tempDir(), 'author.pem');
    writeFileSync(keyFile, author.publicKey.export({ type: 'spki', format: 'pem' }));
    const into = tempDir();
    const error = await refusal(run(makeSite([v('1.0.0')], { key: attacker.privateKey, publicKey: attacker.publicKey }), into, { keyFile }));
    expect(error.kind).toBe('signature');
    expect(existsSync(path.join(into, 'hand-made-1.0.0.pdf'))).toBe(false);
    const ok = await run(makeSite([v('1.0.0')], { key: author.privateKey, publicKey: author.publicKey }), into, { keyFile });
    expect(ok.signature.signed).toBe(true);
  });

  it('refuses download names that could escape or hide in the folder', async () => {
    const site = makeSite([{ version: '1.0.0', files: [{ kind: 'pdf', name: 'x.pdf', content: 'x' }] }]);
    const file = path.join(site, 'manifest.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('downloads/x.pdf', 'downloads/.evergreen-get.json'));
    expect((await refusal(run(site, tempDir()))).message).toContain('unsafe download');
  });

  it('--check says whether an update exists and writes nothing', async () => {
    const into = tempDir();
    await run(makeSite([v('1.0.0')]), into);
    const state = readFileSync(path.join(into, '.evergreen-get.json'), 'utf8');
    const result = await run(makeSite([v('1.0.0'), v('1.1.0')]), into, { check: true });
    expect(result).toMatchObject({ status: 'update-available', previous: '1.0.0', latest: '1.1.0' });
    expect(readFileSync(path.join(into, '.evergreen-get.json'), 'utf8')).toBe(state);
    expect((await run(makeSite([v('1.0.0')]), tempDir(), { check: true })).status).toBe('update-available');
  });
});
