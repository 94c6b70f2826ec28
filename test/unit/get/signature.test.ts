import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GetError } from '../../../src/get/errors.js';
import { checkSignature } from '../../../src/get/signature.js';

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
