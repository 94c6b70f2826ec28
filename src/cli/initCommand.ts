import { Command, Option } from 'commander';
import type { ImportSource } from '../index.js';
import { colors, displayPath } from './terminal.js';

export function initCommand(): Command {
  return (
    new Command('init')
      .description('Create a new book project (book.yaml, two example chapters, package.json, CI workflow), or make one of a book in another tool (--from)')
      .argument('[dir]', "folder to create the book in (with --from: the other tool's book folder)", '.')
      .option('--title <title>', "the book title (default: from the folder name, or the other tool's settings)")
      .option('--author <name>', 'the author')
      // The tools `init --from` reads (the importers' list, src/import/model.ts: kept here so help loads nothing).
      .addOption(
        new Option('--from <tool>', 'import a book written for another tool, leaving its files where they are').choices([
          'mdbook',
          'gitbook',
          'leanpub',
          'quarto',
        ] satisfies ImportSource[]),
      )
      .action(async (dir: string, opts: { title?: string; author?: string; from?: ImportSource }) => {
        if (opts.from) return runImport(opts.from, dir, opts);
        const { initBook } = await import('../index.js');
        const result = await initBook({ dir, title: opts.title, author: opts.author ?? 'Your Name' });
        for (const file of result.created) process.stderr.write(`  ${colors.green('+')} ${displayPath(file)}\n`);
        const rel = displayPath(result.root) || '.';
        process.stderr.write(`${colors.green('✓')} Created "${result.title}" in ${rel}. Next:\n${rel === '.' ? '' : `    cd ${rel}\n`}    npm install\n    npx evergreen build\n`);
      })
  );
}

/** Imports, then says what was taken over and, each where it is, what was not. */
async function runImport(from: ImportSource, dir: string, opts: { title?: string; author?: string }): Promise<void> {
  const { importBook } = await import('../index.js');
  const result = await importBook({ from, dir, title: opts.title, author: opts.author });
  process.stderr.write(`  ${colors.green('+')} ${displayPath(result.configPath)}\n`);
  process.stderr.write(`${colors.bold('Mapped')}\n`);
  for (const line of result.mapped) process.stderr.write(`  ${colors.green('✓')} ${line}\n`);
  if (result.unmapped.length > 0) {
    process.stderr.write(`${colors.bold('Not mapped')} ${colors.dim(`(${result.unmapped.length})`)}\n`);
    for (const note of result.unmapped) {
      const where = `${displayPath(note.file)}${note.line ? `:${note.line}${note.column ? `:${note.column}` : ''}` : ''}`;
      process.stderr.write(`  ${colors.yellow('-')} ${colors.dim(where)} ${note.message}\n`);
    }
  }
  const rel = displayPath(result.root);
  const source = result.manuscript === '.' ? rel : `${rel}/${result.manuscript}`;
  process.stderr.write(
    `${colors.green('✓')} Imported "${result.title}": ${result.chapters.length} chapters from ${source === '.' ? 'this folder' : source}. Next:\n` +
      `    npx evergreen build${rel === '.' ? '' : ` --root ${rel}`}\n`,
  );
}
