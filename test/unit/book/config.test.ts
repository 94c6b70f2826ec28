import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/book/loadConfig.js';
import { EvergreenError, type Diagnostic } from '../../../src/diagnostics/diagnostic.js';

function errorsOf(yaml: string): Diagnostic[] {
  try {
    parseConfig(yaml, '/book/manuscript/book.yaml', { knownFormats: ['html', 'pdf'] });
  } catch (error) {
    expect(error).toBeInstanceOf(EvergreenError);
    return (error as EvergreenError).diagnostics;
  }
  throw new Error('expected the config to be rejected');
}

describe('book.yaml', () => {
  it('applies defaults and derives the slug from the title', () => {
    const config = parseConfig('title: "Ünïcode & Friends: 2nd Edition"\n', '/b/book.yaml');
    expect(config.slug).toBe('unicode-friends-2nd-edition');
    expect(config.language).toBe('en');
    expect(config.formats).toEqual(['html', 'pdf']);
    expect(config.samples).toBe('all');
    expect(config.authors).toEqual([]);
    expect(config.pdf).toEqual({ size: 'A4', recto: false });
  });

  it('accepts a single author as text and parts in chapters', () => {
    const config = parseConfig('title: T\nauthors: Ada\nchapters:\n  - a.md\n  - part: P\n    chapters: [b.md, "c d/e.md"]\n', '/b/book.yaml');
    expect(config.authors).toEqual(['Ada']);
    expect(config.chapters).toEqual(['a.md', { part: 'P', chapters: ['b.md', 'c d/e.md'] }]);
  });

  it('reports an unknown key at its line and column with a did-you-mean', () => {
    const [d] = errorsOf('title: T\nsubtitel: typo\n');
    expect(d).toMatchObject({ line: 2, column: 1, ruleId: 'config/unknown-key' });
    expect(d.message).toContain('Did you mean "subtitle"?');
    expect(d.hint).toContain('subtitle');
  });

  it('reports unknown keys inside nested mappings', () => {
    const [d] = errorsOf('title: T\npdf:\n  size: A4\n  recot: true\n');
    expect(d).toMatchObject({ line: 4, column: 3 });
    expect(d.message).toContain('"pdf.recot"');
    expect(d.message).toContain('Did you mean "recto"?');
  });

  it('reports a format the registry does not have at the value, with the formats it has', () => {
    const [d] = errorsOf('title: T\nformats: [html, pfd]\n');
    expect(d).toMatchObject({ line: 2, column: 17, ruleId: 'config/unknown-format' });
    expect(d.message).toBe('Unknown format "pfd". Did you mean "pdf"?');
    expect(d.hint).toContain('html, pdf');
  });

  it('reports a value outside the allowed set at the value', () => {
    const [d] = errorsOf('title: T\nsamples: some\n');
    expect(d).toMatchObject({ line: 2, column: 10 });
    expect(d.message).toContain('"all", "marked", "none"');
  });

  it('requires a title', () => {
    const [d] = errorsOf('subtitle: only\n');
    expect(d.message).toBe('"title" is required');
    expect(d.line).toBe(1);
  });

  it('reports every problem in one run', () => {
    const ds = errorsOf('title: T\nsamples: some\nlanguage: "not a tag!"\nfoo: 1\n');
    expect(ds.map((d) => d.line).sort()).toEqual([2, 3, 4]);
  });

  it('positions YAML syntax errors', () => {
    const [d] = errorsOf('title: T\nchapters:\n  - a.md\n - b.md\n');
    expect(d.ruleId).toBe('config/yaml');
    expect(d.line).toBe(4);
  });

  it('rejects a chapter path that is not Markdown', () => {
    const [d] = errorsOf('title: T\nchapters:\n  - notes.txt\n');
    expect(d.line).toBe(3);
    expect(d.message).toContain('.md');
  });

  it('rejects a document that is not a mapping', () => {
    const [d] = errorsOf('- just\n- a list\n');
    expect(d.ruleId).toBe('config/shape');
  });
});
