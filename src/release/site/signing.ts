import { createPrivateKey, createPublicKey, type KeyObject, sign } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Book } from '../../book/model.js';
import { type DiagnosticBag, EvergreenError } from '../../diagnostics/diagnostic.js';
import { replaceFileDurably } from '../../util/durableWrite.js';
import { type KeyRotation, publicKeyFingerprint, rotationStatement } from '../../util/signingKeys.js';

/**
 * Signing of manifest.json (Ed25519 over its exact bytes), when a key is configured. The private key is never
 * read from or copied into the book; its public half is committed as `releases/public-key.pem`, and every key
 * change as a statement signed by the old key in `releases/keys.json`, which the manifest carries so that
 * readers who pinned an old key can follow.
 */
export interface ManifestSigner {
  key: KeyObject;
  publicPem: string;
  /** What a signed manifest says besides its content: when it was signed, when it expires, the key chain. */
  fields: { signed: string; expires: string; keyRotations?: KeyRotation[] };
}

export const defaultExpiryDays = 14;

/** The signer for this run, or undefined when signing is not configured or no key was found (warned). */
export async function prepareSigner(book: Book, diagnostics: DiagnosticBag, now = new Date()): Promise<ManifestSigner | undefined> {
  const key = await loadSigningKey(book, diagnostics);
  if (!key) return undefined;
  const publicPem = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  const days = book.config.release?.manifestExpiryDays ?? defaultExpiryDays;
  const signed = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const expires = new Date(signed.getTime() + days * 86_400_000);
  const rotations = await readRotations(book.root);
  return { key, publicPem, fields: { signed: signed.toISOString(), expires: expires.toISOString(), ...(rotations.length ? { keyRotations: rotations } : {}) } };
}

/** Writes manifest.json.sig and public-key.pem beside the manifest, and the public key into releases/ on first use. */
export async function writeSignature(book: Book, signer: ManifestSigner, manifestText: string, siteDir: string, diagnostics: DiagnosticBag): Promise<void> {
  const signature = sign(null, Buffer.from(manifestText, 'utf8'), signer.key);
  await writeFile(path.join(siteDir, 'manifest.json.sig'), `${signature.toString('base64')}\n`);
  await writeFile(path.join(siteDir, 'public-key.pem'), signer.publicPem);
  const committed = committedKeyPath(book.root);
  if (!existsSync(committed)) await writeFile(committed, signer.publicPem);
  else if ((await readFile(committed, 'utf8')) !== signer.publicPem) {
    diagnostics.warn(committed, 'The signing key does not match releases/public-key.pem: readers who pinned the old key will reject this manifest', {
      ruleId: 'release/key-changed',
      hint: 'Sign with the key whose public half is in releases/public-key.pem, or announce the new key with `evergreen manifest rotate-key --old-key <old private key>` (signed by the old key, so readers follow it).',
    });
  }
}

const committedKeyPath = (root: string) => path.join(root, 'releases', 'public-key.pem');
const rotationsPath = (root: string) => path.join(root, 'releases', 'keys.json');

async function readRotations(root: string): Promise<KeyRotation[]> {
  const file = rotationsPath(root);
  if (!existsSync(file)) return [];
  try {
    const data = JSON.parse(await readFile(file, 'utf8')) as { rotations?: KeyRotation[] };
    return Array.isArray(data.rotations) ? data.rotations : [];
  } catch (error) {
    throw new EvergreenError(`releases/keys.json cannot be read: ${(error as Error).message}`, [
      {
        severity: 'error',
        file,
        message: `releases/keys.json cannot be read: ${(error as Error).message}`,
        hint: 'Restore it from version control (git checkout -- releases/keys.json).',
      },
    ]);
  }
}

/**
 * Hands the book over from the old key to the configured one: a statement naming the new key, signed by the old
 * key, is appended to releases/keys.json and releases/public-key.pem becomes the new key's.
 */
export async function rotateSigningKey(book: Book, oldKeyPem: string, diagnostics: DiagnosticBag, now = new Date()): Promise<KeyRotation> {
  const newKey = await loadSigningKey(book, diagnostics);
  if (!newKey) throw new EvergreenError('No new signing key: configure release.signingKeyEnv or release.signingKeyFile with the new key first', diagnostics.sorted());
  let oldKey: KeyObject;
  try {
    oldKey = createPrivateKey(oldKeyPem);
  } catch (error) {
    throw new EvergreenError(`The old key is not a private key: ${(error as Error).message}`, []);
  }
  if (oldKey.asymmetricKeyType !== 'ed25519') throw new EvergreenError(`The old key is a ${oldKey.asymmetricKeyType} key, not Ed25519`, []);
  const from = publicKeyFingerprint(oldKey);
  const to = createPublicKey(newKey).export({ type: 'spki', format: 'pem' }).toString();
  if (from === publicKeyFingerprint(to)) throw new EvergreenError('The old key and the configured signing key are the same key; nothing to rotate', []);
  const committed = committedKeyPath(book.root);
  if (existsSync(committed) && publicKeyFingerprint(await readFile(committed, 'utf8')) !== from) {
    throw new EvergreenError(
      'releases/public-key.pem is not the public half of the old key you gave: readers pinned the key in releases/public-key.pem, so only that key can announce its successor',
      [],
    );
  }
  const date = now.toISOString().replace(/\.\d+Z$/, 'Z');
  const rotation: KeyRotation = { from, to, date, signature: sign(null, rotationStatement(book.config.slug, { from, to, date }), oldKey).toString('base64') };
  const rotations = [...(await readRotations(book.root)), rotation];
  await replaceFileDurably(rotationsPath(book.root), `${JSON.stringify({ format: 1, rotations }, null, 2)}\n`);
  await replaceFileDurably(committed, to);
  return rotation;
}

export async function loadSigningKey(book: Book, diagnostics?: DiagnosticBag): Promise<KeyObject | undefined> {
  const conf = book.config.release;
  if (!conf?.signingKeyEnv && !conf?.signingKeyFile) return undefined;
  let pem: string | undefined;
  if (conf.signingKeyEnv) pem = process.env[conf.signingKeyEnv];
  if (!pem && conf.signingKeyFile) {
    const file = path.resolve(book.root, conf.signingKeyFile.replace(/^~(?=$|\/)/, os.homedir()));
    if (!path.relative(book.root, file).startsWith('..')) {
      diagnostics?.warn(book.configPath, `The signing key ${conf.signingKeyFile} is inside the book folder; keep it outside the repository`, { ruleId: 'release/key-in-book' });
    }
    if (existsSync(file)) pem = await readFile(file, 'utf8');
  }
  if (!pem) {
    diagnostics?.warn(book.configPath, 'Signing is configured but no key was found; manifest.json is not signed', {
      ruleId: 'release/no-signing-key',
      hint: conf.signingKeyEnv ? `Set the environment variable ${conf.signingKeyEnv} to the Ed25519 private key (PEM).` : `Create ${conf.signingKeyFile}.`,
    });
    return undefined;
  }
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`a ${key.asymmetricKeyType} key, not Ed25519`);
    return key;
  } catch (error) {
    diagnostics?.error(book.configPath, `The signing key cannot be used: ${(error as Error).message}`, { ruleId: 'release/bad-signing-key' });
    return undefined;
  }
}
