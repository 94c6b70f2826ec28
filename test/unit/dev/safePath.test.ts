import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentTypeFor, resolveRequestPath } from '../../../src/dev/safePath.js';

const root = path.resolve('/srv/book/html');

describe('resolveRequestPath', () => {
  it('maps URL paths to files inside the output folder', () => {
    expect(resolveRequestPath(root, '/')).toBe(root);
    expect(resolveRequestPath(root, '/intro.html')).toBe(path.join(root, 'intro.html'));
    expect(resolveRequestPath(root, '/assets/book.css?v=1')).toBe(path.join(root, 'assets', 'book.css'));
    expect(resolveRequestPath(root, '/media/my%20image.png#x')).toBe(path.join(root, 'media', 'my image.png'));
  });

  it.each([
    '/../secret',
    '/assets/../../secret',
    '/%2e%2e/secret',
    '/%2E%2E/%2e%2e/etc/passwd',
    '/.%2e/secret',
    '/..%2fsecret',
    '/..%2Fsecret',
    '/assets%2f..%2f..%2fsecret',
    '/..%5csecret',
    '/%2e%2e%5c%2e%2e%5csecret',
    '/a%00.html',
    '/.staging-1234/index.html',
    '/.nojekyll',
    '/%',
    'intro.html',
    '//etc/passwd/..',
    '/C:%5cWindows',
  ])('refuses %s', (url) => {
    expect(resolveRequestPath(root, url)).toBeUndefined();
  });

  it('knows the types of what a book contains', () => {
    expect(contentTypeFor('a.html')).toMatch(/^text\/html/);
    expect(contentTypeFor('a.woff2')).toBe('font/woff2');
    expect(contentTypeFor('a.unknown')).toBe('application/octet-stream');
  });
});
