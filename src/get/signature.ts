import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { type KeyRotation, publicKeyFingerprint, rotationStatement } from '../util/signingKeys.js';
import { GetError } from './errors.js';

/**
 * Signature pinning ("trust on first use"): the first signed manifest a reader accepts pins its
 * Ed25519 public key; from then on a manifest must be signed by that key. A manifest signed by another
 * key, or unsigned after the book was signed, is refused: that is what an attacker who controls the
 * server (but not the author's private key) can produce. A reader can also pin a key given out of band
 * (`--key`), which protects the first download too. An author who changes keys announces the new one in
 * the manifest with a statement signed by the old key; a reader follows such a chain from the key they
 * pinned, and refuses a new key that no pinned key vouched for.
 */
export interface SiteSignature {
  /** The base64 signature from `manifest.json.sig`, if the site has one. */
  signature?: string;
  /** The site's `public-key.pem`, if any. */
  publicKeyPem?: string;
}

export interface SignatureVerdict {
  signed: boolean;
  /** The key to pin (SPKI PEM) and its fingerprint, when signed. */
  publicKey?: string;
  fingerprint?: string;
  /** True when this manifest pins a key for the first time. */
  newlyPinned: boolean;
  /** The pinned key handed over to a new one by signed rotation statements (fingerprints, old first). */
  rotated?: { from: string; to: string };
}

export function keyFingerprint(pem: string): string {
  return publicKeyFingerprint(pem);
}

/** The manifest's announcement of new keys: the book they are for, and the chain of statements. */
export interface RotationChain {
  slug: string;
  rotations: readonly KeyRotation[];
}

function loadKey(pem: string, what: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new GetError('signature', `${what} is not a public key: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new GetError('signature', `${what} is a ${key.asymmetricKeyType} key; Evergreen signs with Ed25519`);
  return key;
}

function normalizedPem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * Checks the signature of the exact manifest bytes against the pinned key (or, with nothing pinned, the
 * site's own key, which is then pinned).
 */
export function checkSignature(manifestBytes: Buffer, site: SiteSignature, pinnedPem: string | undefined, chain?: RotationChain): SignatureVerdict {
  const pinned = pinnedPem ? loadKey(pinnedPem, 'The pinned key') : undefined;
  const rotateHint = 'If the author announced a new key, pin it deliberately with --key <public-key.pem>; otherwise do not trust this site for now.';
  if (site.signature === undefined) {
    if (pinned) throw new GetError('signature', 'Refused: the manifest is not signed, but this book was signed before (its key is pinned)', rotateHint);
    return { signed: false, newlyPinned: false };
  }
  const signature = Buffer.from(site.signature.trim(), 'base64');
  if (signature.length !== 64) throw new GetError('signature', 'Refused: manifest.json.sig is not an Ed25519 signature (64 bytes, base64)');
  const key = pinned ?? (site.publicKeyPem ? loadKey(site.publicKeyPem, "The site's public-key.pem") : undefined);
  if (!key) throw new GetError('signature', 'Refused: the manifest is signed but the site has no public-key.pem to check it with');
  if (!verify(null, manifestBytes, key, signature)) {
    if (pinned && chain?.rotations.length) return followRotation(manifestBytes, signature, pinned, chain);
    const otherKey = pinned && site.publicKeyPem && keyFingerprint(site.publicKeyPem) !== keyFingerprint(normalizedPem(pinned));
    throw new GetError(
      'signature',
      otherKey
        ? 'Refused: the manifest is signed by a different key than the one pinned for this book'
        : 'Refused: the signature of manifest.json does not match (the manifest was altered, or signed by another key)',
      rotateHint,
    );
  }
  const pem = normalizedPem(key);
  return { signed: true, publicKey: pem, fingerprint: keyFingerprint(pem), newlyPinned: !pinned };
}

/**
 * The manifest is not signed by the pinned key: it may be signed by a successor. Walk the statements from the
 * pinned key, each verified with the key before it, and accept the manifest only if the last key signed it.
 */
function followRotation(manifestBytes: Buffer, signature: Buffer, pinned: KeyObject, chain: RotationChain): SignatureVerdict {
  const start = publicKeyFingerprint(pinned);
  let current = pinned;
  let fingerprint = start;
  const used = new Set<KeyRotation>();
  for (;;) {
    const next = chain.rotations.find((r) => r.from === fingerprint && !used.has(r));
    if (!next) break;
    used.add(next);
    const statementSignature = Buffer.from(next.signature, 'base64');
    if (statementSignature.length !== 64 || !verify(null, rotationStatement(chain.slug, next), current, statementSignature)) {
      throw new GetError(
        'signature',
        `Refused: the manifest announces a new signing key, but the announcement is not signed by the key pinned for this book (sha256 ${fingerprint.slice(0, 16)}…)`,
        'A genuine key change is signed by the old key. If the author told you of a new key some other way, pin it with --key <public-key.pem>.',
      );
    }
    current = loadKey(next.to, 'The announced signing key');
    fingerprint = publicKeyFingerprint(current);
  }
  if (fingerprint === start) {
    throw new GetError(
      'signature',
      `Refused: the manifest announces a new signing key, but no announcement starts from the key pinned for this book (sha256 ${start.slice(0, 16)}…)`,
      'A genuine key change is signed by the old key. If the author told you of a new key some other way, pin it with --key <public-key.pem>.',
    );
  }
  if (!verify(null, manifestBytes, current, signature)) {
    throw new GetError('signature', 'Refused: the signature of manifest.json does not match the key the pinned key handed over to');
  }
  const pem = normalizedPem(current);
  return { signed: true, publicKey: pem, fingerprint, newlyPinned: false, rotated: { from: start, to: fingerprint } };
}
