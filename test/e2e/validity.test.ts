import { readdirSync } from 'node:fs';
import path from 'node:path';
import { HtmlValidate } from 'html-validate';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, runCli, tempDir } from '../helpers/cli.js';

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => path.join(e.parentPath, e.name));
}

describe('the HTML output is valid HTML5', () => {
  const out = tempDir();
  beforeAll(async () => {
    const root = copyFixture('basic');
    const result = await runCli(['build', '--root', root, '--out', out, '--format', 'html']);
    expect(result.code, result.stderr).toBe(0);
  });

  it('passes html-validate (recommended rules) on every page', async () => {
    // Subresource integrity is for assets from other origins; a book's own assets sit beside its pages.
    const validator = new HtmlValidate({ extends: ['html-validate:recommended'], rules: { 'require-sri': 'off' } });
    const files = htmlFiles(path.join(out, 'html'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    const problems: string[] = [];
    for (const file of files) {
      const report = await validator.validateFile(file);
      for (const result of report.results) {
        for (const m of result.messages) problems.push(`${path.basename(file)}:${m.line}:${m.column} ${m.ruleId} ${m.message}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
