import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { build, openProject } from '../../src/index.js';
import { tempDir } from '../helpers/cli.js';

// The same sample in two chapters. Checked one after the other in one program, the second copy's union
// would read `"auto" | Options` (its literal type already existed) while the first reads `Options | "auto"`.
const sample = ['```ts twoslash', 'interface Options {', '  width: number;', '}', 'function pad(x: Options | "auto") {', '  return x;', '  //     ^?', '}', '```', ''].join('\n');

function writeBook(): string {
  const root = tempDir();
  mkdirSync(path.join(root, 'manuscript'));
  writeFileSync(path.join(root, 'manuscript', 'book.yaml'), 'title: Copies\nchapters: [one.md, two.md]\n');
  writeFileSync(path.join(root, 'manuscript', 'one.md'), `---\ntitle: One\n---\n\nFirst.\n\n${sample}`);
  writeFileSync(path.join(root, 'manuscript', 'two.md'), `---\ntitle: Two\n---\n\nThe same sample again.\n\n${sample}`);
  return root;
}

async function buildHtml(root: string) {
  const project = await openProject({ root, workers: false });
  try {
    return await build(project, { formats: ['html'] });
  } finally {
    await project.close();
  }
}

/** The text of a page's code blocks, their `^?` notes and hover popups included. */
const codeOf = (root: string, page: string) =>
  cheerio
    .load(readFileSync(path.join(root, 'dist', 'html', page), 'utf8'))('figure pre')
    .text();

describe('a sample that appears twice', () => {
  it('is type-checked once and shows the same types in both chapters, in this build and the next', async () => {
    const root = writeBook();
    const first = await buildHtml(root);
    expect(first.ok).toBe(true);
    expect(first.stats['samples.typeChecked']).toBe(1);
    const one = codeOf(root, 'one.html');
    expect(one).toContain('Options | "auto"');
    expect(codeOf(root, 'two.html')).toBe(one);
    const before = readFileSync(path.join(root, 'dist', 'html', 'two.html'), 'utf8');

    const second = await buildHtml(root);
    expect(second.stats['samples.typeChecked']).toBe(0);
    expect(readFileSync(path.join(root, 'dist', 'html', 'two.html'), 'utf8')).toBe(before);
  });
});
