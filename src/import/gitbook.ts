import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, LineCounter, parseDocument } from 'yaml';
import { EvergreenError } from '../diagnostics/diagnostic.js';
import { partCount } from './mdbook.js';
import { importError, type ImportNote, type Importer } from './model.js';
import { readOutlineFile, relativeFolder, titleOrFolder } from './outlineFiles.js';
import { readSummary } from './summaryOutline.js';

interface GitBookSettings {
  root?: string;
  summary?: string;
  readme?: string;
  title?: string;
  description?: string;
  authors: string[];
  language?: string;
  from: string[];
  unmapped: ImportNote[];
}

/**
 * GitBook: `.gitbook.yaml` (Git Sync: `root:`, `structure.summary`, `structure.readme`) when present, the
 * legacy toolchain's `book.json` (title, description, author, language, root) when present, and the
 * SUMMARY.md outline (nested lists, `##` part headings). GitBook shows the readme first even when SUMMARY.md
 * does not list it, so it becomes the first chapter then.
 */
export const importGitBook: Importer = async (root, options) => {
  const settings: GitBookSettings = { authors: [], from: [], unmapped: [] };
  await readGitBookYaml(root, settings);
  await readBookJson(root, settings);
  const contentRoot = path.resolve(root, settings.root ?? '.');
  const summaryPath = path.resolve(contentRoot, settings.summary ?? 'SUMMARY.md');
  const summary = readSummary(
    await readOutlineFile(summaryPath, 'GitBook books list their pages in SUMMARY.md (or the file `structure.summary` in .gitbook.yaml names).'),
    summaryPath,
    contentRoot,
  );
  const readme = settings.readme ?? 'README.md';
  const mapped = [] as string[];
  if (!summary.chapters.some((c) => c.file === readme) && existsSync(path.join(contentRoot, readme))) {
    summary.chapters.unshift({ file: readme, listedAt: { file: summaryPath, line: 1, column: 1 } });
    mapped.push(`${readme} as the first chapter (GitBook shows the readme first)`);
  }
  const unmapped = [...settings.unmapped, ...summary.notes];
  if (summary.nested > 0) {
    unmapped.push({
      file: summaryPath,
      message: `${summary.nested} nested page${summary.nested === 1 ? '' : 's'} ${summary.nested === 1 ? 'became a chapter of its own' : 'became chapters of their own'}, in the same order (Evergreen's outline is chapters in parts)`,
    });
  }
  const title = options.title ?? settings.title ?? titleOrFolder(undefined, root);
  mapped.unshift(
    `title from ${options.title ? '--title' : settings.title ? 'book.json' : 'the folder name (GitBook keeps the title outside the files: pass --title)'}`,
    `${summary.chapters.length} chapters${partCount(summary.chapters) ? ` in ${partCount(summary.chapters)} parts` : ''}, with their titles, from ${path.relative(root, summaryPath)}${settings.from.length ? ` (located by ${settings.from.join(', ')})` : ''}`,
  );
  return {
    source: 'gitbook',
    title,
    authors: settings.authors,
    language: settings.language,
    description: settings.description,
    manuscript: relativeFolder(root, contentRoot),
    chapters: summary.chapters,
    mapped,
    unmapped,
  };
};

async function readGitBookYaml(root: string, settings: GitBookSettings): Promise<void> {
  const file = path.join(root, '.gitbook.yaml');
  if (!existsSync(file)) return;
  const lineCounter = new LineCounter();
  const doc = parseDocument(await readFile(file, 'utf8'), { lineCounter });
  if (doc.errors.length > 0) {
    const pos = lineCounter.linePos(doc.errors[0].pos[0]);
    throw new EvergreenError('.gitbook.yaml is not valid YAML', [
      importError(
        { file, line: pos.line, column: pos.col },
        `.gitbook.yaml does not parse: ${doc.errors[0].message.split('\n')[0]}`,
        'Fix the YAML (indentation, colons, quotes).',
        'yaml',
      ),
    ]);
  }
  const value = (isMap(doc.contents) ? doc.toJS() : {}) as { root?: unknown; structure?: { summary?: unknown; readme?: unknown }; redirects?: unknown };
  if (typeof value.root === 'string') settings.root = value.root;
  if (typeof value.structure?.summary === 'string') settings.summary = value.structure.summary;
  if (typeof value.structure?.readme === 'string') settings.readme = value.structure.readme;
  if (value.redirects) settings.unmapped.push({ file, message: 'redirects are GitBook hosting settings; not taken over' });
  settings.from.push('.gitbook.yaml');
}

async function readBookJson(root: string, settings: GitBookSettings): Promise<void> {
  const file = path.join(root, 'book.json');
  if (!existsSync(file)) return;
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new EvergreenError('book.json is not valid JSON', [
      importError({ file }, `book.json does not parse: ${(error as Error).message}`, 'Fix the JSON (commas, quotes).', 'json'),
    ]);
  }
  if (typeof value.title === 'string') settings.title = value.title;
  if (typeof value.description === 'string') settings.description = value.description;
  if (typeof value.author === 'string') settings.authors = [value.author];
  if (typeof value.language === 'string') settings.language = value.language;
  if (typeof value.root === 'string' && settings.root === undefined) settings.root = value.root;
  const structure = value.structure as { summary?: unknown; readme?: unknown } | undefined;
  if (typeof structure?.summary === 'string' && settings.summary === undefined) settings.summary = structure.summary;
  if (typeof structure?.readme === 'string' && settings.readme === undefined) settings.readme = structure.readme;
  for (const key of Object.keys(value)) {
    if (!['title', 'description', 'author', 'language', 'root', 'structure'].includes(key)) settings.unmapped.push({ file, message: `"${key}" not taken over` });
  }
  settings.from.push('book.json');
}
