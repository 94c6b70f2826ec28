import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

/**
 * What authors' and readers' tools agree on about signing keys: a key's fingerprint, and the exact bytes of a
 * key rotation statement ("the key <from> hands over to <to>"), which the old key signs. A manifest carries the
 * chain of statements, so a reader who pinned any earlier key can follow it to the current one (TUF's root
 * rotation, in miniature).
 */
export const rotationFormat = 'evergreen-key-rotation/1';

export interface KeyRotation {
  /** sha256 fingerprint of the old key (SPKI DER). */
  from: string;
  /** The new public key, SPKI PEM. */
  to: string;
  /** When the author rotated (ISO 8601). */
  date: string;
  /** base64 Ed25519 signature by the old key over `rotationStatement(...)`. */
  signature: string;
}

/** sha256 of the key's SPKI DER encoding, hex. */
export function publicKeyFingerprint(key: KeyObject | string): string {
  const object = typeof key === 'string' ? createPublicKey(key) : key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(object.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** The bytes the old key signs; naming the book keeps a statement from being replayed for another book by the same author. */
export function rotationStatement(slug: string, rotation: Pick<KeyRotation, 'from' | 'to' | 'date'>): Buffer {
  return Buffer.from(`${rotationFormat}\nbook: ${slug}\nfrom: ${rotation.from}\nto: ${publicKeyFingerprint(rotation.to)}\ndate: ${rotation.date}\n`, 'utf8');
}
