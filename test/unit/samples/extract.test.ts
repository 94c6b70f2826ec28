import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBook } from '../../../src/book/loadBook.js';
import { extractSamples } from '../../../src/samples/extract.js';

async function bookWith(chapter: string, yaml = ''): Promise<Awaited<ReturnType<typeof loadBook>>> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'evergreen-extract-'));
  mkdirSync(path.join(root, 'manuscript'));
  writeFileSync(path.join(root, 'manuscript', 'book.yaml'), `title: T\n${yaml}`);
  writeFileSync(path.join(root, 'manuscript', 'ch.md'), chapter);
  return loadBook(root, { noCache: true });
}

const chapter = [
  '# C', // 1
  '', // 2
  '```ts id=a', // 3
  'const a = 1;', // 4
  '```', // 5
  '', // 6
  '```ts check continue=a', // 7
  'console.log(a);', // 8
  '```', // 9
  '', // 10
  '```ts continue=nope timeot=5', // 11
  'console.log(1);', // 12
  '```', // 13
  '', // 14
  '```sh', // 15
  'not a sample', // 16
  '```', // 17
  '',
].join('\n');

describe('extractSamples', () => {
  it('finds every TypeScript block by default, with continue preludes and positioned problems', async () => {
    const book = await bookWith(chapter);
    const { samples, diagnostics } = extractSamples(book, book.chapters, false, true);
    expect(samples.map((s) => s.name)).toEqual(['ch.md:3', 'ch.md:7', 'ch.md:11']);
    const continued = samples[1]!;
    expect(continued.continues).toBe(samples[0]);
    expect(continued.files[0]!.text.split('\n')[0]).toBe('const a = 1;');
    // The sample's own line maps back to the chapter; prelude lines map nowhere.
    const own = continued.files[0]!;
    expect(own.origins[own.preludeLineCount]).toMatchObject({ line: 8, indent: 0 });
    expect(own.origins[0]).toBeUndefined();
    expect(diagnostics).toMatchObject([
      { line: 11, column: 21, severity: 'warning', message: 'Unknown sample attribute "timeot"; did you mean "timeout"?' },
      { line: 11, ruleId: 'samples/continue-target' },
    ]);
  });

  it('makes unknown attributes errors under strict', async () => {
    const book = await bookWith(chapter);
    const { diagnostics } = extractSamples(book, book.chapters, true, true);
    expect(diagnostics.find((d) => d.ruleId === 'samples/unknown-attribute')?.severity).toBe('error');
  });

  it('takes only marked blocks with samples: marked, and none with samples: none', async () => {
    const marked = await bookWith(chapter, 'samples: marked\n');
    expect(extractSamples(marked, marked.chapters, false, true).samples.map((s) => s.name)).toEqual(['ch.md:7']);
    const none = await bookWith(chapter, 'samples: none\n');
    expect(extractSamples(none, none.chapters, false, true).samples).toEqual([]);
  });

  it('gives each fence to its sample language, and `samples: auto` takes only twoslash blocks of a twoslash book', async () => {
    const book = await bookWith('# L\n\n```js\nconsole.log(1);\n```\n\n```tsx\nconst a = <b />;\n```\n\n```ts\nlet x = 1;\n```\n');
    expect(extractSamples(book, book.chapters, false, true).samples.map((s) => [s.language, s.files[0]!.name])).toEqual([
      ['javascript', 'index.js'],
      ['tsx', 'index.tsx'],
      ['typescript', 'index.ts'],
    ]);
    const twoslash = await bookWith('# L\n\n```ts twoslash\nlet x = 1;\n```\n\n```ts\nAnimal;\n```\n');
    expect(extractSamples(twoslash, twoslash.chapters, false, true).samples.map((s) => s.name)).toEqual(['ch.md:3']);
  });

  it('maps lines of samples nested in lists with their indentation', async () => {
    const book = await bookWith('# L\n\n- item\n\n  ```ts no-run\n  const x: string = 1;\n  ```\n');
    const [sample] = extractSamples(book, book.chapters, false, true).samples;
    expect(sample!.run).toBe(false);
    expect(sample!.files[0]!.origins[0]).toMatchObject({ line: 6, indent: 2 });
  });
});
