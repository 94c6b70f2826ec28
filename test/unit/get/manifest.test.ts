import { describe, expect, it } from 'vitest';
import { GetError } from '../../../src/get/errors.js';
import { checkExpiry, checkRollback, highestListed, latestVersion, parseManifest } from '../../../src/get/manifest.js';
import { newState, type ReaderState } from '../../../src/get/readerState.js';

const hash = (c: string) => c.repeat(64);

function manifest(versions: { version: string; yanked?: boolean; sha?: string }[], latest?: string) {
  return {
    format: 'evergreen-manifest/1',
    book: { title: 'Book', slug: 'book' },
    latest: latest ?? versions[0].version,
    versions: versions.map((v) => ({
      version: v.version,
      date: '2026-01-01',
      notes: '',
      ...(v.yanked ? { yanked: { reason: 'broken sample', date: '2026-02-01' } } : {}),
      artifacts: [{ kind: 'pdf', path: `downloads/book-${v.version}.pdf`, size: 10, sha256: v.sha ?? hash('a') }],
      changesSince: {},
    })),
  };
}

const parse = (m: unknown) => parseManifest(JSON.stringify(m), 'manifest.json');

function state(version: string, highestSeen = version, sha = hash('a')): ReaderState {
  return newState({
    site: 'https://example.com/book/',
    book: { title: 'Book', slug: 'book' },
    version,
    highestSeen,
    downloads: [{ version, kind: 'pdf', file: `book-${version}.pdf`, size: 10, sha256: sha, downloaded: '2026-01-01T00:00:00Z' }],
    checked: '2026-01-01T00:00:00Z',
  });
}

function refusal(fn: () => void): GetError {
  try {
    fn();
  } catch (error) {
    return error as GetError;
  }
  throw new Error('expected a refusal');
}

describe('parseManifest', () => {
  it('accepts the documented format, extra keys included', () => {
    const m = parse({ ...manifest([{ version: '1.1.0' }, { version: '1.0.0' }]), future: true });
    expect(m.versions.map((v) => v.version)).toEqual(['1.1.0', '1.0.0']);
  });

  it.each([
    ['not JSON', '{', /not valid JSON/],
    ['wrong format', JSON.stringify({ ...manifest([{ version: '1.0.0' }]), format: 'other/1' }), /format/],
    ['bad sha256', JSON.stringify(manifest([{ version: '1.0.0', sha: 'xyz' }])), /sha256/],
    ['bad version', JSON.stringify(manifest([{ version: 'one' }])), /semantic version/],
    ['latest not listed', JSON.stringify(manifest([{ version: '1.0.0' }], '2.0.0')), /does not list it/],
    ['duplicate version', JSON.stringify(manifest([{ version: '1.0.0' }, { version: '1.0.0' }])), /twice/],
    ['no versions', JSON.stringify({ ...manifest([{ version: '1.0.0' }]), versions: [] }), /versions/],
  ])('refuses a malformed manifest: %s', (_name, text, message) => {
    const error = refusal(() => parseManifest(text, 'manifest.json'));
    expect(error).toBeInstanceOf(GetError);
    expect(error.kind).toBe('manifest');
    expect(error.message).toMatch(message);
  });
});

describe('latestVersion', () => {
  it('is the newest version that is not withdrawn, by number rather than list order', () => {
    const m = parse(manifest([{ version: '1.10.0', yanked: true }, { version: '1.2.0' }, { version: '1.9.0' }], '1.9.0'));
    expect(latestVersion(m)?.version).toBe('1.9.0');
    expect(highestListed(m)).toBe('1.10.0');
  });
});

describe('checkRollback', () => {
  const m = parse(manifest([{ version: '1.1.0' }, { version: '1.0.0' }]));

  it('accepts the first manifest and a newer one', () => {
    expect(() => checkRollback(m, undefined)).not.toThrow();
    expect(() => checkRollback(m, state('1.0.0'))).not.toThrow();
    expect(() => checkRollback(m, state('1.1.0'))).not.toThrow();
  });

  it('refuses a manifest older than the highest version seen', () => {
    const error = refusal(() => checkRollback(parse(manifest([{ version: '1.0.0' }])), state('1.0.0', '1.1.0')));
    expect(error.kind).toBe('rollback');
    expect(error.message).toContain('you have already seen 1.1.0');
  });

  it('refuses a manifest that dropped a version the reader downloaded', () => {
    const error = refusal(() => checkRollback(parse(manifest([{ version: '2.0.0' }, { version: '1.1.0' }])), state('1.0.0')));
    expect(error.kind).toBe('rollback');
    expect(error.message).toContain('no longer lists version 1.0.0');
  });

  it('refuses a manifest that changed a published file', () => {
    const error = refusal(() => checkRollback(m, state('1.0.0', '1.1.0', hash('b'))));
    expect(error.kind).toBe('verification');
    expect(error.message).toContain('immutable');
  });

  it('refuses a manifest whose serial is lower than one already trusted, or that lost its serial', () => {
    const seen = { ...state('1.1.0'), serialSeen: 3 };
    expect(() => checkRollback(parse({ ...manifest([{ version: '1.1.0' }, { version: '1.0.0' }]), serial: 3 }), seen)).not.toThrow();
    expect(() => checkRollback(parse({ ...manifest([{ version: '1.1.0' }, { version: '1.0.0' }]), serial: 4 }), seen)).not.toThrow();
    expect(refusal(() => checkRollback(parse({ ...manifest([{ version: '1.1.0' }, { version: '1.0.0' }]), serial: 2 }), seen)).kind).toBe('rollback');
    expect(refusal(() => checkRollback(parse(manifest([{ version: '1.1.0' }, { version: '1.0.0' }])), seen)).message).toContain('serial missing');
  });

  it('accepts a withdrawn latest version: the recommended one is older, but nothing was rolled back', () => {
    const yanked = parse(manifest([{ version: '1.1.0', yanked: true }, { version: '1.0.0' }], '1.0.0'));
    expect(() => checkRollback(yanked, state('1.1.0'))).not.toThrow();
    expect(latestVersion(yanked)?.version).toBe('1.0.0');
  });
});

describe('checkExpiry', () => {
  const base = { format: 'evergreen-manifest/1', book: { title: 'T', slug: 't' }, latest: '1.0.0', versions: [{ version: '1.0.0', date: '2026-01-01', artifacts: [] }] };
  const at = (expires?: string) => parseManifest(JSON.stringify({ ...base, ...(expires ? { expires } : {}) }), 'm');

  it('passes a manifest without expiry or not yet expired, refuses an expired one as "expired"', () => {
    const now = new Date('2026-03-01T00:00:00Z');
    expect(() => checkExpiry(at(), now, 'm')).not.toThrow();
    expect(() => checkExpiry(at('2026-03-02T00:00:00Z'), now, 'm')).not.toThrow();
    try {
      checkExpiry(at('2026-02-20T00:00:00Z'), now, 'm');
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(GetError);
      expect((error as GetError).kind).toBe('expired');
      expect((error as Error).message).toContain('expired on 2026-02-20T00:00:00Z (9 days ago)');
    }
    expect(() => checkExpiry(at('not a date'), now, 'm')).toThrow('unreadable expiry');
  });
});
