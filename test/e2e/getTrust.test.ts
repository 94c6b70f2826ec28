import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, runCli, tempDir } from '../helpers/cli.js';
import { serveSite, type SiteServer } from '../fixtures/get/siteServer.js';
import { publicKeyFingerprint, rotationStatement } from '../../src/util/signingKeys.js';

/**
 * The reader's trust model end to end, on a loopback server: a forged serial cannot lock a reader out, an
 * expired manifest is noticed (and `evergreen manifest refresh` renews it), and a key rotation is followed
 * only when the pinned key signed it. The book is released with the real CLI; the hostile sites are copies
 * of the genuine one, changed as an attacker (or a frozen mirror) would.
 */
const keyEnv = 'EVERGREEN_TRUST_TEST_KEY';
const pem = (key: KeyObject, type: 'pkcs8' | 'spki') => key.export({ type, format: 'pem' }).toString();
const author = generateKeyPairSync('ed25519');
const successor = generateKeyPairSync('ed25519');
const attacker = generateKeyPairSync('ed25519');

let root: string;
let genuine: string; // dist/site as released (signed by the author's key)
let server: SiteServer;
let authorPublic: string;

function variant(from: string, change: (dir: string) => void): string {
  const dir = tempDir('evergreen-trust-site-');
  cpSync(from, dir, { recursive: true });
  change(dir);
  return dir;
}

/** Rewrites manifest.json and, with a key, signs it again (as the author's key, or another one, would). */
function rewriteManifest(dir: string, edit: (m: Record<string, unknown>) => void, key?: { privateKey: KeyObject; publicKey: KeyObject }) {
  const file = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(manifest);
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  writeFileSync(file, text);
  if (key) {
    writeFileSync(path.join(dir, 'manifest.json.sig'), `${sign(null, Buffer.from(text), key.privateKey).toString('base64')}\n`);
    writeFileSync(path.join(dir, 'public-key.pem'), pem(key.publicKey, 'spki'));
  } else {
    rmSync(path.join(dir, 'manifest.json.sig'), { force: true });
    rmSync(path.join(dir, 'public-key.pem'), { force: true });
  }
}

const manifestOf = (dir: string) =>
  JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown> & { serial: number; expires: string; signed: string; keyRotations?: unknown[] };
const stateOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, '.evergreen-get.json'), 'utf8')) as { version: string; serialSeen?: number; publicKeySha256?: string };

function get(cwd: string, ...args: string[]) {
  return runCli(['get', ...args, '--retry-delay', '10'], { cwd });
}

/** The command a refusal prints after "start over …: ". */
function printedReset(stderr: string): string {
  const match = /(evergreen get [^\n]*--reset)/.exec(stderr);
  expect(match, stderr).not.toBeNull();
  return match![1];
}

beforeAll(async () => {
  root = copyFixture('release/book');
  const yaml = path.join(root, 'manuscript', 'book.yaml');
  writeFileSync(yaml, `${readFileSync(yaml, 'utf8')}release:\n  signingKeyEnv: ${keyEnv}\n`);
  const released = await runCli(['release', '1.0.0', '--root', root, '--format', 'html', '--yes', '--date', '2026-01-10'], { env: { [keyEnv]: pem(author.privateKey, 'pkcs8') } });
  expect(released.code, released.stderr).toBe(0);
  genuine = variant(path.join(root, 'dist', 'site'), () => {});
  authorPublic = path.join(tempDir('evergreen-trust-key-'), 'author.pem');
  writeFileSync(authorPublic, pem(author.publicKey, 'spki'));
  server = await serveSite(genuine);
}, 300_000);

afterAll(async () => {
  await server?.close();
});

describe('a signed manifest', () => {
  it('carries when it was signed and when it expires, inside the signed bytes', () => {
    const m = manifestOf(genuine);
    expect(Date.parse(m.signed)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(m.expires) - Date.parse(m.signed)).toBe(14 * 86_400_000);
  });
});

describe('an inflated serial cannot lock a reader out', () => {
  it('a reader who pinned the key refuses an unsigned manifest with serial 10⁹ and records nothing from it', async () => {
    const home = tempDir('evergreen-trust-reader-');
    server.dir = genuine;
    expect((await get(home, `${server.url}book/`, '--into', 'book')).code).toBe(0);
    server.dir = variant(genuine, (dir) => rewriteManifest(dir, (m) => void (m.serial = 1e9)));
    const r = await get(home, '--into', 'book');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the manifest is not signed, but this book was signed before');
    expect(printedReset(r.stderr)).toBe('evergreen get --into book --reset');
    expect(stateOf(path.join(home, 'book')).serialSeen).toBe(1);
    server.dir = genuine;
    expect((await get(home, '--into', 'book')).code).toBe(0);
  });

  it('a serial forged before any key was pinned gives way to the author key given with --key', async () => {
    const home = tempDir('evergreen-trust-reader-');
    server.dir = variant(genuine, (dir) => rewriteManifest(dir, (m) => void (m.serial = 1e9)));
    const first = await get(home, `${server.url}book/`, '--into', 'book');
    expect(first.code, first.stderr).toBe(0);
    expect(stateOf(path.join(home, 'book')).serialSeen).toBe(1e9);
    server.dir = genuine;
    const pinned = await get(home, '--into', 'book', '--key', authorPublic);
    expect(pinned.code, pinned.stderr).toBe(0);
    expect(pinned.stderr).toContain('no longer count');
    expect(pinned.stdout).toContain('Manifest signature verified');
    expect(stateOf(path.join(home, 'book'))).toMatchObject({ version: '1.0.0', serialSeen: 1 });
  });

  it('an unsigned book keeps trust on first use: the refusal prints the exact --reset command, which works', async () => {
    const unsigned = variant(genuine, (dir) => rewriteManifest(dir, () => {}));
    const home = tempDir('evergreen-trust-reader-');
    server.dir = variant(unsigned, (dir) => rewriteManifest(dir, (m) => void (m.serial = 1e9)));
    expect((await get(home, `${server.url}book/`, '--into', 'book')).code).toBe(0);
    server.dir = unsigned;
    const refused = await get(home, '--into', 'book');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Refused: this manifest is older (serial 1) than one you already trusted (serial 1000000000)');
    const command = printedReset(refused.stderr);
    expect(command).toBe('evergreen get --into book --reset');
    const reset = await get(home, ...command.split(' ').slice(2));
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stderr).toContain('Reset:');
    expect(stateOf(path.join(home, 'book'))).toMatchObject({ version: '1.0.0', serialSeen: 1 });
    expect((await get(home, '--into', 'book')).code).toBe(0);
  });
});

describe('a frozen mirror', () => {
  it('an expired signed manifest is a warning and exit 1; nothing is recorded', async () => {
    const home = tempDir('evergreen-trust-reader-');
    server.dir = genuine;
    expect((await get(home, `${server.url}book/`, '--into', 'book')).code).toBe(0);
    const before = readFileSync(path.join(home, 'book', '.evergreen-get.json'), 'utf8');
    server.dir = variant(genuine, (dir) =>
      rewriteManifest(
        dir,
        (m) => {
          m.signed = '2026-01-10T00:00:00.000Z';
          m.expires = '2026-01-24T00:00:00.000Z';
        },
        author,
      ),
    );
    for (const args of [
      ['--into', 'book'],
      ['--into', 'book', '--check'],
    ]) {
      const r = await get(home, ...args);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/warning: The manifest at \S+ expired on 2026-01-24T00:00:00.000Z \(\d+ days ago\): the site, or a mirror or cache in between, may be frozen/);
      expect(r.stderr).toContain('evergreen manifest refresh');
      expect(r.stdout).not.toContain('Up to date');
    }
    expect(readFileSync(path.join(home, 'book', '.evergreen-get.json'), 'utf8')).toBe(before);
  });

  it('`evergreen manifest refresh` re-signs with a new expiry, and readers accept it', async () => {
    const before = manifestOf(path.join(root, 'dist', 'site'));
    const refreshed = await runCli(['manifest', 'refresh', '--root', root], { env: { [keyEnv]: pem(author.privateKey, 'pkcs8') } });
    expect(refreshed.code, refreshed.stderr).toBe(0);
    const after = manifestOf(path.join(root, 'dist', 'site'));
    expect(Date.parse(after.expires)).toBeGreaterThanOrEqual(Date.parse(before.expires));
    expect(after.serial).toBe(before.serial);
    const home = tempDir('evergreen-trust-reader-');
    const r = await get(home, path.join(root, 'dist', 'site'), '--into', 'book', '--key', authorPublic);
    expect(r.code, r.stderr).toBe(0);
  });

  it('refuses to refresh without a signing key', async () => {
    const r = await runCli(['manifest', 'refresh', '--root', root], { env: { [keyEnv]: '' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Cannot refresh the manifest: the signing key was not found');
  });
});

describe('key rotation', () => {
  it('a new key announced with the old key’s signature is followed without --key; an unsigned announcement is refused', async () => {
    const home = tempDir('evergreen-trust-reader-');
    server.dir = genuine;
    expect((await get(home, `${server.url}book/`, '--into', 'book')).code).toBe(0);
    const oldKeyFile = path.join(tempDir('evergreen-trust-old-'), 'old.pem');
    writeFileSync(oldKeyFile, pem(author.privateKey, 'pkcs8'));

    const rotated = await runCli(['manifest', 'rotate-key', '--old-key', oldKeyFile, '--root', root], { env: { [keyEnv]: pem(successor.privateKey, 'pkcs8') } });
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(readFileSync(path.join(root, 'releases', 'public-key.pem'), 'utf8')).toBe(pem(successor.publicKey, 'spki'));
    const site = variant(path.join(root, 'dist', 'site'), () => {});
    expect(manifestOf(site).keyRotations).toHaveLength(1);

    // An attacker announces their own key, with a statement signed by their key instead of the pinned one.
    const from = publicKeyFingerprint(author.publicKey);
    const to = pem(attacker.publicKey, 'spki');
    const date = '2026-06-01T00:00:00Z';
    const forged = variant(genuine, (dir) =>
      rewriteManifest(
        dir,
        (m) => void (m.keyRotations = [{ from, to, date, signature: sign(null, rotationStatement('fixture', { from, to, date }), attacker.privateKey).toString('base64') }]),
        attacker,
      ),
    );
    server.dir = forged;
    const refused = await get(home, '--into', 'book');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the announcement is not signed by the key pinned for this book');
    expect(printedReset(refused.stderr)).toBe('evergreen get --into book --reset');

    server.dir = site;
    const followed = await get(home, '--into', 'book');
    expect(followed.code, followed.stderr).toBe(0);
    expect(followed.stderr).toContain("The author replaced the book's signing key");
    const state = JSON.parse(readFileSync(path.join(home, 'book', '.evergreen-get.json'), 'utf8')) as { publicKey: string };
    expect(state.publicKey).toBe(pem(successor.publicKey, 'spki'));

    // Back to a manifest signed by the old key only: the reader now trusts the successor.
    server.dir = genuine;
    const old = await get(home, '--into', 'book');
    expect(old.code).toBe(1);
    expect(old.stderr).toContain('signed by a different key than the one pinned');
  });
});
