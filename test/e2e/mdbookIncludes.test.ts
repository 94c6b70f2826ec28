import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'cheerio';
import { describe, expect, it } from 'vitest';
import { runCli, writeBook } from '../helpers/cli.js';

/**
 * A book kept in mdBook's Markdown (`dialect: mdbook`) built by the real CLI: included files are part of what
 * a chapter is, for the caches (a second build after an edit of an included file shows the edit) and for
 * the chapter workers (which parse the chapter with its includes, as the main thread does).
 */
function includingBook(chapters = 9): string {
  const files: Record<string, string> = {
    'manuscript/book.yaml': `title: Included\nformats: [html]\nmanuscript: src\ndialect: mdbook\nchapters:\n${Array.from({ length: chapters }, (_, i) => `  - c${i}.md`).join('\n')}\n`,
    'listings/main.rs': 'fn main() {\n    // ANCHOR: body\n    let answer = 42;\n    // ANCHOR_END: body\n}\n',
    'src/shared/note.md': 'A note **shared** by every chapter.\n',
  };
  for (let i = 0; i < chapters; i++) {
    files[`src/c${i}.md`] =
      `# Chapter ${i}\n\n{{#include shared/note.md}}\n\n\`\`\`rust\n{{#include ../listings/main.rs:body}}\n\`\`\`\n\n## After the listing {#after}\n\nText ${i}.\n`;
  }
  return writeBook(files);
}

const body = (file: string) => load(readFileSync(file, 'utf8'))('main');

describe('mdBook includes through the CLI', () => {
  it('renders the same pages on chapter workers as on the main thread, includes expanded', async () => {
    const root = includingBook();
    const threaded = path.join(root, 'threaded');
    const single = path.join(root, 'single');
    const a = await runCli(['build', '--root', root, '--out', threaded, '--no-cache']);
    const b = await runCli(['build', '--root', root, '--out', single, '--no-cache'], { env: { EVERGREEN_WORKERS: '0' } });
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(a.stderr).toContain('(0 errors, 0 warnings)');
    const pages = readdirSync(path.join(single, 'html')).filter((f) => f.endsWith('.html'));
    for (const page of pages) expect(readFileSync(path.join(threaded, 'html', page), 'utf8'), page).toBe(readFileSync(path.join(single, 'html', page), 'utf8'));
    const $ = body(path.join(threaded, 'html', 'c3.html'));
    expect($.find('p strong').text()).toBe('shared');
    expect($.find('pre code').text().trim()).toBe('let answer = 42;');
    expect($.find('#after').length).toBe(1);
  });

  it('shows an edit of an included file on the next cached build', async () => {
    const root = includingBook(2);
    expect((await runCli(['build', '--root', root])).code).toBe(0);
    writeFileSync(path.join(root, 'listings', 'main.rs'), 'fn main() {\n    // ANCHOR: body\n    let answer = 43;\n    // ANCHOR_END: body\n}\n');
    writeFileSync(path.join(root, 'src', 'shared', 'note.md'), 'An edited note.\n');
    const again = await runCli(['build', '--root', root]);
    expect(again.code, again.stderr).toBe(0);
    const $ = body(path.join(root, 'dist', 'html', 'c1.html'));
    expect($.find('pre code').text().trim()).toBe('let answer = 43;');
    expect($.text()).toContain('An edited note.');
    expect($.text()).not.toContain('shared by every chapter');
  });

  it('stops at an anchor the file does not have, positioned at the directive, with a did-you-mean', async () => {
    const root = includingBook(1);
    writeFileSync(path.join(root, 'src', 'c0.md'), '# Chapter\n\n```rust\n{{#include ../listings/main.rs:bdy}}\n```\n');
    const built = await runCli(['build', '--root', root]);
    expect(built.code).toBe(1);
    expect(built.stderr).toContain(`${path.join('src', 'c0.md')}:4:1`);
    expect(built.stderr).toContain('has no "ANCHOR: bdy"; did you mean "body"?');
  });

  it('checks a TypeScript sample with included lines, reporting an error at the directive, and never rewrites an included file', async () => {
    const chapter = '# C\n\n```ts\nconst before: number = 1;\n{{#include ../code/sample.ts:broken}}\nconsole.log(before);\n```\n\n{{#include shared.md}}\n';
    const root = writeBook({
      'manuscript/book.yaml': 'title: Checked\nformats: [html]\nmanuscript: src\ndialect: mdbook\nchapters:\n  - c.md\n',
      'src/c.md': chapter,
      'code/sample.ts': '// ANCHOR: broken\nconst wrong: string = 42;\n// ANCHOR_END: broken\n',
      'src/shared.md': '```ts\nconsole.log(2);\n```\n\n```output\n3\n```\n',
    });
    const checked = await runCli(['check', '--root', root, '--update']);
    expect(checked.code).toBe(1);
    // The type error is in an included line: reported at the directive (line 5 of c.md).
    const output = checked.stdout + checked.stderr;
    expect(output).toMatch(/src[\\/]c\.md:5:7\s+error\s+TS2322/);
    expect(output).toContain('comes from a file the chapter includes');
    // The output block of the included Markdown stays as written, in both files.
    expect(readFileSync(path.join(root, 'src', 'shared.md'), 'utf8')).toContain('```output\n3\n```');
    expect(readFileSync(path.join(root, 'src', 'c.md'), 'utf8')).toBe(chapter);
  });
});
