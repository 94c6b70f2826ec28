import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot, runCli, tempDir, type CliResult } from '../helpers/cli.js';

describe('the bundled user guide', () => {
  const out = tempDir();
  let result: CliResult;
  beforeAll(async () => {
    result = await runCli(['build', '--root', repoRoot, '--out', out, '--format', 'html']);
  });

  it('builds with no errors and no warnings', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('(0 errors, 0 warnings)');
  });

  it('has a page for every chapter listed in book.yaml, each with a title and working internal links', () => {
    const config = parse(readFileSync(path.join(repoRoot, 'manuscript', 'book.yaml'), 'utf8')) as { chapters: string[] };
    // index.html is the title page and book-index.html the book's index: generated pages, not chapters.
    const pages = readdirSync(path.join(out, 'html')).filter((f) => f.endsWith('.html') && f !== 'index.html' && f !== 'book-index.html');
    expect(pages).toHaveLength(config.chapters.length);
    const ids = new Map<string, Set<string>>();
    const docs = pages.map((name) => {
      const $ = cheerio.load(readFileSync(path.join(out, 'html', name), 'utf8'));
      ids.set(
        name,
        new Set(
          $('[id]')
            .map((_, e) => $(e).attr('id')!)
            .get(),
        ),
      );
      return { name, $ };
    });
    for (const { name, $ } of docs) {
      expect($('.chapter-body h1').text().trim(), name).not.toBe('');
      for (const a of $('.chapter-body a[href]').get()) {
        const href = $(a).attr('href')!;
        if (/^[a-z]+:|^\/\//.test(href)) continue;
        const [file, anchor] = href.split('#');
        const target = file || name;
        if (!target.endsWith('.html')) continue;
        expect(ids.has(target), `${name} → ${href}`).toBe(true);
        if (anchor) expect(ids.get(target)!.has(anchor), `${name} → ${href}`).toBe(true);
      }
    }
  });

  it('shows samples as readers should see them: no twoslash notation lines', () => {
    const html = readdirSync(path.join(out, 'html'))
      .filter((f) => f.endsWith('.html'))
      .map((f) =>
        cheerio
          .load(readFileSync(path.join(out, 'html', f), 'utf8'))('figure.code-sample pre')
          .text(),
      )
      .join('\n');
    expect(html.length).toBeGreaterThan(0);
    expect(html).not.toMatch(/^\s*\/\/ @(errors|filename|noErrors)/m);
    expect(html).not.toContain('---cut---');
  });
});
