import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GetError } from '../../../src/get/errors.js';
import { checkSignature } from '../../../src/get/signature.js';
import { publicKeyFingerprint, rotationStatement } from '../../../src/util/signingKeys.js';

const manifest = Buffer.from('{"format":"evergreen-manifest/1"}\n');

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

const author = keyPair();
const attacker = keyPair();
const signed = (bytes: Buffer, key = author) => ({ signature: sign(null, bytes, key.privateKey).toString('base64'), publicKeyPem: key.pem });

function refusal(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GetError);
    expect((error as GetError).kind).toBe('signature');
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('checkSignature', () => {
  it('accepts an unsigned manifest while nothing is pinned', () => {
    expect(checkSignature(manifest, {}, undefined)).toMatchObject({ signed: false, newlyPinned: false });
  });

  it('pins the key of the first signed manifest', () => {
    const verdict = checkSignature(manifest, signed(manifest), undefined);
    expect(verdict).toMatchObject({ signed: true, newlyPinned: true, publicKey: author.pem });
    expect(verdict.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts a manifest signed by the pinned key, whatever public-key.pem the site serves', () => {
    expect(checkSignature(manifest, { ...signed(manifest), publicKeyPem: attacker.pem }, author.pem)).toMatchObject({ signed: true, newlyPinned: false });
  });

  it('refuses an unsigned manifest once a key is pinned', () => {
    expect(refusal(() => checkSignature(manifest, { publicKeyPem: author.pem }, author.pem))).toContain('not signed');
  });

  it('refuses a manifest signed by another key', () => {
    expect(refusal(() => checkSignature(manifest, signed(manifest, attacker), author.pem))).toContain('different key than the one pinned');
  });

  it('refuses altered bytes, even on first use', () => {
    const { signature, publicKeyPem } = signed(manifest);
    const altered = Buffer.from(manifest.toString().replace('1', '2'));
    expect(refusal(() => checkSignature(altered, { signature, publicKeyPem }, undefined))).toContain('does not match');
  });

  it('refuses a signature without a key, a malformed signature and a key that is not Ed25519', () => {
    expect(refusal(() => checkSignature(manifest, { signature: signed(manifest).signature }, undefined))).toContain('no public-key.pem');
    expect(refusal(() => checkSignature(manifest, { signature: 'bm90IGEgc2lnbmF0dXJl', publicKeyPem: author.pem }, undefined))).toContain('not an Ed25519 signature');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(refusal(() => checkSignature(manifest, signed(manifest), rsa))).toContain('rsa key');
  });
});

describe('key rotation', () => {
  const successor = keyPair();
  const third = keyPair();
  const date = '2026-06-01T00:00:00Z';
  const statement = (from: ReturnType<typeof keyPair>, to: ReturnType<typeof keyPair>, by = from) => {
    const rotation = { from: publicKeyFingerprint(from.pem), to: to.pem, date };
    return { ...rotation, signature: sign(null, rotationStatement('book', rotation), by.privateKey).toString('base64') };
  };

  it('follows a chain of statements from the pinned key, each signed by the key before it', () => {
    const chain = { slug: 'book', rotations: [statement(author, successor), statement(successor, third)] };
    const verdict = checkSignature(manifest, signed(manifest, third), author.pem, chain);
    expect(verdict).toMatchObject({ signed: true, publicKey: third.pem, rotated: { from: publicKeyFingerprint(author.pem), to: publicKeyFingerprint(third.pem) } });
  });

  it('refuses a statement not signed by the pinned key, one for another book, and a chain that does not start at the pinned key', () => {
    expect(refusal(() => checkSignature(manifest, signed(manifest, attacker), author.pem, { slug: 'book', rotations: [statement(author, attacker, attacker)] }))).toContain(
      'not signed by the key pinned',
    );
    expect(refusal(() => checkSignature(manifest, signed(manifest, successor), author.pem, { slug: 'other', rotations: [statement(author, successor)] }))).toContain(
      'not signed by the key pinned',
    );
    expect(refusal(() => checkSignature(manifest, signed(manifest, third), author.pem, { slug: 'book', rotations: [statement(successor, third)] }))).toContain(
      'no announcement starts from the key pinned',
    );
  });

  it('refuses a manifest not signed by the key the chain ends at', () => {
    expect(refusal(() => checkSignature(manifest, signed(manifest, attacker), author.pem, { slug: 'book', rotations: [statement(author, successor)] }))).toContain(
      'handed over to',
    );
  });
});
