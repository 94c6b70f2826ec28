import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, writeBook } from '../helpers/cli.js';

/**
 * The bad-input corpus: each author mistake is reported at file:line:col with what to do, and an error
 * exits non-zero without writing output. Every case is a small book of its own.
 */
const yaml = (chapters: string[]) => `title: Bad\nformats: [html]\nchapters:\n${chapters.map((c) => `  - ${c}`).join('\n')}\n`;
const build = (root: string) => runCli(['build', '--root', root, '--format', 'html']);

describe('bad input corpus', () => {
  it('a binary file: an error at its first NUL byte, exit 1, no output', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);
    const root = writeBook({ 'manuscript/book.yaml': yaml(['a.md', 'image.md']), 'manuscript/a.md': '# A\n', 'manuscript/image.md': png });
    const result = await build(root);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/manuscript\/image\.md:3:1 {2}error {2}Cannot read chapter: this file is binary/);
    expect(result.stderr).toContain('Save the chapter as UTF-8 Markdown text.');
    expect(existsSync(path.join(root, 'dist'))).toBe(false);
  });

  it('invalid UTF-8 deep in a file: an error at the bad byte’s line and column', async () => {
    const text = new TextEncoder().encode('# Deep\n\nOne.\n\nTwo.\n\nThree café ');
    const bytes = new Uint8Array([...text, 0xe9, ...new TextEncoder().encode(' more\n')]); // Latin-1 é
    const root = writeBook({ 'manuscript/book.yaml': yaml(['deep.md']), 'manuscript/deep.md': bytes });
    const result = await build(root);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/manuscript\/deep\.md:7:12 {2}error {2}Cannot read chapter: this file is not valid UTF-8 \(byte 0xe9 at offset \d+\)/);
  });

  it('an unclosed fence: a warning at the fence, exit 0', async () => {
    const root = writeBook({ 'manuscript/book.yaml': yaml(['a.md']), 'manuscript/a.md': '# A\n\nText.\n\n```js\nlet a = 1;\n\n## Lost heading\n' });
    const result = await build(root);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/manuscript\/a\.md:5:1 {2}warning {2}This code block \(```\) is never closed: everything after it to the end of the chapter is shown as code/);
    expect(result.stderr).toContain('Close the block with a line of ```');
  });

  it('an unknown template placeholder: an error naming the template, its line and the placeholders that exist', async () => {
    const template = '<!doctype html>\n<html lang="{{lang}}">\n<head><title>{{pageTitle}}</title></head>\n<body>\n<p>{{nosuchvar}}</p>\n{{{content}}}\n</body>\n</html>\n';
    const root = writeBook({ 'manuscript/book.yaml': yaml(['a.md']), 'manuscript/a.md': '# A\n', 'templates/page.html': template });
    const result = await build(root);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/templates\/page\.html:5:4 {2}error {2}Unknown placeholder \{\{nosuchvar\}\} in page\.html/);
    expect(result.stderr).toMatch(/The placeholders that exist are \{\{lang\}\}, \{\{pageTitle\}\}.*\{\{content\}\}/);
    expect(existsSync(path.join(root, 'dist', 'html'))).toBe(false);
  });

  it('an unlisted chapter: a warning once per file with the key to add, exit 0', async () => {
    const root = writeBook({
      'manuscript/book.yaml': yaml(['a.md']),
      'manuscript/a.md': '# A\n',
      'manuscript/forgotten.md': '# Forgotten\n',
      'manuscript/extra/also.md': '# Also\n',
    });
    const result = await build(root);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/manuscript\/extra\/also\.md:1:1 {2}warning {2}extra\/also\.md is not listed in book\.yaml's chapters/);
    expect(result.stderr).toMatch(/manuscript\/forgotten\.md:1:1 {2}warning {2}forgotten\.md is not listed in book\.yaml's chapters, so it is not part of the book/);
    expect(result.stderr).toContain('Add `- "forgotten.md"` under `chapters:` in book.yaml');
    expect(result.stderr.match(/forgotten\.md is not listed/g)).toHaveLength(1);
  });
});
