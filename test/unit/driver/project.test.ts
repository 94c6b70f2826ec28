import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bookLoadCount } from '../../../src/book/loadBook.js';
import { EvergreenError } from '../../../src/diagnostics/diagnostic.js';
import { build, openProject, release } from '../../../src/index.js';
import { writeBook } from '../../helpers/cli.js';

const chapter = '# Counting\n\nA sample that prints.\n\n```ts\nconsole.log(1 + 1);\n```\n\n```output\n2\n```\n';

function smallBook(): string {
  return writeBook({ 'manuscript/book.yaml': 'title: Loads\nformats: [html]\nchapters:\n  - one.md\n', 'manuscript/one.md': chapter });
}

describe('a project', () => {
  it('loads its book once for build --check', async () => {
    const project = await openProject({ root: smallBook() });
    try {
      const before = bookLoadCount();
      const result = await build(project, { check: true, formats: ['html'] });
      expect(result.ok, JSON.stringify(result.diagnostics)).toBe(true);
      expect(bookLoadCount() - before).toBe(0);
    } finally {
      await project.close();
    }
  });

  it('loads its book once for a release that checks samples, builds and writes the site', async () => {
    const root = smallBook();
    const before = bookLoadCount();
    const project = await openProject({ root });
    try {
      const result = await release(project, { version: '1.0.0', date: '2026-06-01' });
      expect(result.ok, JSON.stringify(result.diagnostics)).toBe(true);
      expect(readFileSync(path.join(root, 'dist', 'site', 'manifest.json'), 'utf8')).toContain('"latest": "1.0.0"');
      expect(bookLoadCount() - before).toBe(1);
    } finally {
      await project.close();
    }
  });

  it('reports each problem of the book once with build --check', async () => {
    const root = writeBook({ 'manuscript/book.yaml': 'title: Warned\nformats: [html]\nchapters:\n  - one.md\n', 'manuscript/one.md': chapter.replace('# Counting\n\n', '') });
    const project = await openProject({ root });
    try {
      const result = await build(project, { check: true });
      expect(result.ok).toBe(true);
      // The check reads the same model: the chapter's warning is not repeated (other notes, such as what the
      // sandbox can enforce on this machine, may come too).
      expect(result.diagnostics.filter((d) => d.ruleId === 'chapter/no-title')).toHaveLength(1);
    } finally {
      await project.close();
    }
  });

  it('reads evergreen.config.mjs, and refuses a project with both a config file and book.yaml', async () => {
    const root = writeBook({ 'evergreen.config.mjs': 'export default { title: "From Script", formats: ["html"], chapters: ["one.md"] };\n', 'manuscript/one.md': chapter });
    const project = await openProject({ root });
    expect(project.book.config.title).toBe('From Script');
    expect(project.book.configPath).toBe(path.join(root, 'evergreen.config.mjs'));
    await project.close();
    writeFileSync(path.join(root, 'manuscript', 'book.yaml'), 'title: Also YAML\n');
    const error = (await openProject({ root }).catch((e: unknown) => e)) as EvergreenError;
    expect(error).toBeInstanceOf(EvergreenError);
    expect(error.diagnostics[0]).toMatchObject({ file: path.join(root, 'evergreen.config.mjs'), ruleId: 'config/ambiguous' });
  });

  it('positions a JavaScript config problem by key path, and names an unknown format with the ones that exist', async () => {
    const root = writeBook({ 'evergreen.config.mjs': 'export default { title: "X", formats: ["html", "mobi"], pdf: { recot: true } };\n', 'manuscript/one.md': chapter });
    const error = (await openProject({ root }).catch((e: unknown) => e)) as EvergreenError;
    expect(error.diagnostics.map((d) => d.message)).toEqual(['Unknown key "pdf.recot". Did you mean "recto"?']);
    writeFileSync(path.join(root, 'evergreen.config.mjs'), 'export default { title: "X", formats: ["html", "mobi"] };\n');
    const second = (await openProject({ root }).catch((e: unknown) => e)) as EvergreenError;
    expect(second.diagnostics[0]).toMatchObject({ ruleId: 'config/unknown-format', message: 'Unknown format "mobi"' });
    expect(second.diagnostics[0].hint).toContain('html, pdf');
  });
});
