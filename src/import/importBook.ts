import { existsSync, statSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Document } from 'yaml';
import { chapterFilePattern } from '../book/configSchema.js';
import { parseConfig } from '../book/loadConfig.js';
import { type Diagnostic, EvergreenError } from '../diagnostics/diagnostic.js';
import { scanChapters } from './contentScan.js';
import { importGitBook } from './gitbook.js';
import { importLeanpub } from './leanpub.js';
import { importMdBook } from './mdbook.js';
import { importError, type ImportedBook, type ImportedChapter, type Importer, type ImportSource } from './model.js';
import { importQuarto } from './quarto.js';

const importers: Record<ImportSource, Importer> = { mdbook: importMdBook, gitbook: importGitBook, leanpub: importLeanpub, quarto: importQuarto };

export interface ImportOptions {
  from: ImportSource;
  /** The other tool's book folder; it becomes the Evergreen project. */
  dir: string;
  /** The book's title when the other tool keeps none (Leanpub), or to replace it. */
  title?: string;
  /** The author, when the other tool keeps none (Leanpub), or to replace them. */
  author?: string;
}

const validLanguage = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/;

export interface ImportResult extends ImportedBook {
  root: string;
  /** The book.yaml written. */
  configPath: string;
}

/**
 * `evergreen init --from TOOL`: reads another tool's book where it is and writes manuscript/book.yaml for
 * it (its chapters stay where they are: `manuscript:` points at their folder). Nothing is written unless the
 * whole outline could be read and every chapter it names exists.
 */
export async function importBook(options: ImportOptions): Promise<ImportResult> {
  const root = path.resolve(options.dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new EvergreenError(`${options.dir} is not a folder`, [
      importError({ file: root }, `${root} is not a folder`, `Pass the folder of the ${options.from} book: \`evergreen init --from ${options.from} path/to/book\`.`, 'no-folder'),
    ]);
  }
  const configPath = path.join(root, 'manuscript', 'book.yaml');
  if (existsSync(configPath)) {
    throw new EvergreenError('A book already exists here', [
      importError({ file: configPath }, 'This folder already has an Evergreen book.yaml', 'Remove manuscript/book.yaml to import again, or edit it.', 'exists'),
    ]);
  }
  const imported = await importers[options.from](root, { title: options.title });
  checkChapters(root, imported);
  // What the chapters hold that Evergreen reads differently, found once the chapters are known to exist.
  const scan = await scanChapters(path.resolve(root, imported.manuscript), imported.chapters, imported.source);
  imported.mapped.push(...scan.mapped);
  imported.unmapped.push(...scan.unmapped);
  if (options.author) imported.authors = [options.author];
  if (imported.language && !validLanguage.test(imported.language)) {
    imported.unmapped.push({ file: root, message: `language "${imported.language}" is not a BCP 47 tag; left out (English is assumed)` });
    imported.language = undefined;
  }
  const config = bookYaml(imported);
  // The written file must load: check it with the same parser every command uses before it lands.
  parseConfig(config, configPath);
  await mkdir(path.dirname(configPath), { recursive: true });
  const temporary = `${configPath}.${process.pid}.tmp`;
  await writeFile(temporary, config);
  await rename(temporary, configPath);
  return { ...imported, root, configPath };
}

/** Every chapter the outline names must exist, once, and be a Markdown file: else nothing is written. */
function checkChapters(root: string, imported: ImportedBook): void {
  const manuscriptDir = path.resolve(root, imported.manuscript);
  const problems: Diagnostic[] = [];
  const seen = new Map<string, ImportedChapter>();
  const kept: ImportedChapter[] = [];
  for (const chapter of imported.chapters) {
    const file = path.join(manuscriptDir, chapter.file);
    if (chapter.file.startsWith('../')) {
      problems.push(
        importError(
          chapter.listedAt,
          `"${chapter.file}" is outside the book's folder ${imported.manuscript}/`,
          'Move the chapter into the book folder, or run the import from a folder that contains every chapter.',
          'outside',
        ),
      );
    } else if (!existsSync(file) || !statSync(file).isFile()) {
      problems.push(
        importError(
          chapter.listedAt,
          `The outline names "${chapter.file}", which does not exist`,
          `Create ${path.relative(root, file)}, or remove the entry from the outline (or fix its path).`,
          'missing-chapter',
        ),
      );
    } else if (!chapterFilePattern.test(chapter.file)) {
      imported.unmapped.push({ ...chapter.listedAt, message: `"${chapter.file}" is not a Markdown chapter (.md, .qmd, .txt); left out` });
    } else if (seen.has(chapter.file)) {
      imported.unmapped.push({
        ...chapter.listedAt,
        message: `"${chapter.file}" is listed again (as "${chapter.title ?? chapter.file}"); Evergreen lists a chapter once, so this entry is left out`,
      });
    } else {
      seen.set(chapter.file, chapter);
      kept.push(chapter);
    }
  }
  if (problems.length > 0) throw new EvergreenError('The outline names files that cannot be imported', problems);
  if (kept.length === 0) {
    throw new EvergreenError('The outline lists no chapters', [
      importError({ file: root }, 'The outline lists no chapters', 'Add at least one chapter to the outline, then import again.', 'empty'),
    ]);
  }
  imported.chapters = kept;
}

/** book.yaml for the imported book: plain settings, the outline as chapters (in parts), a header saying where it came from. */
export function bookYaml(imported: ImportedBook): string {
  const chapters: unknown[] = [];
  const entry = (c: ImportedChapter) =>
    c.title || c.numbered === false ? { file: c.file, ...(c.title ? { title: c.title } : {}), ...(c.numbered === false ? { numbered: false } : {}) } : c.file;
  for (const chapter of imported.chapters) {
    const last = chapters[chapters.length - 1] as { part?: string; chapters: unknown[] } | undefined;
    if (!chapter.part) chapters.push(entry(chapter));
    else if (last && typeof last === 'object' && last.part === chapter.part) last.chapters.push(entry(chapter));
    else chapters.push({ part: chapter.part, chapters: [entry(chapter)] });
  }
  const value: Record<string, unknown> = { title: imported.title };
  if (imported.subtitle) value.subtitle = imported.subtitle;
  if (imported.authors.length) value.authors = imported.authors;
  if (imported.language) value.language = imported.language;
  if (imported.description) value.description = imported.description;
  value.manuscript = imported.manuscript;
  if (imported.dialect) value.dialect = imported.dialect;
  value.chapters = chapters;
  const doc = new Document(value);
  doc.commentBefore =
    ` Imported from ${toolName[imported.source]} by \`evergreen init --from ${imported.source}\`.\n` +
    ` The chapters stay in ${imported.manuscript === '.' ? 'the project folder' : `${imported.manuscript}/`} (manuscript:); a title here wins over the chapter's own.\n` +
    ' Every key is described in the Evergreen user guide ("Configuration reference").';
  return doc.toString({ lineWidth: 0 });
}

export const toolName: Record<ImportSource, string> = { mdbook: 'mdBook', gitbook: 'GitBook', leanpub: 'Leanpub', quarto: 'Quarto' };
