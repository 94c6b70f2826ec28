import { createPrivateKey, createPublicKey, type KeyObject, sign } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Book } from '../../book/model.js';
import type { DiagnosticBag } from '../../diagnostics/diagnostic.js';

/** Ed25519 signature of manifest.json's exact bytes, when a key is configured (never read from or copied into the book). */
export async function signManifest(book: Book, manifestText: string, siteDir: string, diagnostics: DiagnosticBag): Promise<boolean> {
  const key = await loadSigningKey(book, diagnostics);
  if (!key) return false;
  const signature = sign(null, Buffer.from(manifestText, 'utf8'), key);
  await writeFile(path.join(siteDir, 'manifest.json.sig'), `${signature.toString('base64')}\n`);
  const publicPem = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  await writeFile(path.join(siteDir, 'public-key.pem'), publicPem);
  // The public key is published with the book too, so readers' tools can pin it.
  const committed = path.join(book.root, 'releases', 'public-key.pem');
  if (!existsSync(committed)) await writeFile(committed, publicPem);
  else if ((await readFile(committed, 'utf8')) !== publicPem) {
    diagnostics.warn(committed, 'The signing key does not match releases/public-key.pem: readers who pinned the old key will reject this manifest', {
      ruleId: 'release/key-changed',
      hint: 'Sign with the key whose public half is in releases/public-key.pem, or replace that file deliberately (and tell your readers).',
    });
  }
  return true;
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
