import { existsSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { EvergreenError } from '../diagnostics/diagnostic.js';
import { importError, type ImportedBook, type Importer } from './model.js';
import { readOutlineFile, relativeFolder, titleOrFolder } from './outlineFiles.js';
import { readSummary } from './summaryOutline.js';

/**
 * mdBook (https://rust-lang.github.io/mdBook/): `book.toml` gives title, authors, language, description and
 * the source folder (`[book] src`, default `src`); `<src>/SUMMARY.md` gives the chapters. Every other table
 * (`[output.*]`, `[preprocessor.*]`, `[rust]`, `[build]`) is reported, not taken over.
 */
export const importMdBook: Importer = async (root, options) => {
  const tomlPath = path.join(root, 'book.toml');
  const text = await readOutlineFile(tomlPath, 'mdBook keeps its settings in book.toml, next to the src/ folder. Run the import in the folder that holds book.toml.');
  let toml: Record<string, unknown>;
  try {
    toml = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    const place = error instanceof TomlError ? { file: tomlPath, line: error.line, column: error.column } : { file: tomlPath };
    throw new EvergreenError('book.toml is not valid TOML', [
      importError(
        place,
        `book.toml does not parse: ${(error as Error).message.split('\n')[0]}`,
        'Fix the TOML syntax (quotes, brackets, `key = value`); `mdbook build` reports the same problem.',
        'toml',
      ),
    ]);
  }
  const book = (toml.book ?? {}) as Record<string, unknown>;
  const src = typeof book.src === 'string' ? book.src : 'src';
  const manuscriptDir = path.resolve(root, src);
  const summaryPath = path.join(manuscriptDir, 'SUMMARY.md');
  const summary = readSummary(await readOutlineFile(summaryPath, `mdBook books list their chapters in ${src}/SUMMARY.md.`), summaryPath, manuscriptDir);

  const unmapped = [...summary.notes];
  const builtIn: string[] = [];
  for (const key of Object.keys(toml)) {
    if (key === 'book') continue;
    const table = toml[key];
    // Preprocessors whose job Evergreen does itself need nothing: say so, rather than list them as lost.
    const preprocessors = key === 'preprocessor' && table !== null && typeof table === 'object' ? Object.keys(table) : [];
    const own = preprocessors.filter((name) => name in builtInPreprocessors);
    for (const name of own) builtIn.push(`[preprocessor.${name}]: ${builtInPreprocessors[name]}`);
    const rest = preprocessors.length > 0 ? Object.fromEntries(Object.entries(table as object).filter(([name]) => !own.includes(name))) : table;
    if (preprocessors.length > 0 && Object.keys(rest as object).length === 0) continue;
    unmapped.push({ file: tomlPath, message: `[${key}] settings (${describeTable(key, rest)}) are mdBook's own; not taken over` });
  }
  for (const key of Object.keys(book)) {
    if (!['title', 'authors', 'language', 'description', 'src', 'multilingual'].includes(key)) unmapped.push({ file: tomlPath, message: `[book] ${key} not taken over` });
  }
  const notFound =
    typeof (toml.output as { html?: { 'input-404'?: unknown } } | undefined)?.html?.['input-404'] === 'string'
      ? String((toml.output as { html: { 'input-404': string } }).html['input-404'])
      : '404.md';
  if (existsSync(path.join(manuscriptDir, notFound)) && !summary.chapters.some((c) => c.file === notFound)) {
    unmapped.push({
      file: path.join(manuscriptDir, notFound),
      message: `${notFound} is mdBook's page for a missing page, not a chapter; Evergreen makes its own (the build lists it as not in the book)`,
    });
  }
  if (summary.nested > 0) {
    unmapped.push({
      file: summaryPath,
      message: `${summary.nested} nested chapter${summary.nested === 1 ? '' : 's'} ${summary.nested === 1 ? 'became a chapter of its own' : 'became chapters of their own'}, in the same order (Evergreen's outline is chapters in parts)`,
    });
  }

  const unnumbered = summary.chapters.filter((c) => c.numbered === false).length;
  const title = typeof book.title === 'string' && book.title.trim() ? book.title.trim() : titleOrFolder(options.title, root);
  const authors = Array.isArray(book.authors) ? book.authors.filter((a): a is string => typeof a === 'string') : [];
  const imported: ImportedBook = {
    source: 'mdbook',
    dialect: 'mdbook',
    title: options.title ?? title,
    authors,
    language: typeof book.language === 'string' ? book.language : undefined,
    description: typeof book.description === 'string' ? book.description : undefined,
    manuscript: relativeFolder(root, manuscriptDir),
    chapters: summary.chapters,
    mapped: [
      `title${authors.length ? ', authors' : ''}${book.language ? ', language' : ''}${book.description ? ', description' : ''} from book.toml`,
      `${summary.chapters.length} chapters${partCount(summary.chapters) ? ` in ${partCount(summary.chapters)} parts` : ''}, with their titles, from ${src}/SUMMARY.md`,
      ...(unnumbered ? [`${unnumbered} prefix/suffix chapter${unnumbered === 1 ? '' : 's'} unnumbered (numbered: false), as mdBook shows them`] : []),
      'dialect: mdbook in book.yaml: the chapters are read as mdBook reads them (its {{#…}} helpers), so they keep building with both tools',
      ...builtIn,
    ],
    unmapped,
  };
  return imported;
};

/** mdBook preprocessors whose syntax Evergreen reads natively, and what replaces them. */
const builtInPreprocessors: Record<string, string> = {
  links: "Evergreen expands mdBook's {{#include}} helpers itself (dialect: mdbook)",
  index: 'Evergreen resolves links to a folder’s index.html to its README.md itself',
  katex: 'Evergreen renders $…$ and $$…$$ math itself (KaTeX, at build time)',
  mathjax: 'Evergreen renders $…$ and $$…$$ math itself (KaTeX, at build time)',
  mermaid: 'Evergreen draws ```mermaid blocks itself (SVG, at build time)',
  alerts: 'Evergreen shows GitHub-style > [!NOTE] alerts itself',
};

function describeTable(key: string, value: unknown): string {
  if (value === null || typeof value !== 'object') return `${key} = …`;
  return Object.keys(value as object)
    .slice(0, 4)
    .map((k) => `${key}.${k}`)
    .join(', ');
}

export function partCount(chapters: { part?: string }[]): number {
  return new Set(chapters.map((c) => c.part).filter(Boolean)).size;
}
