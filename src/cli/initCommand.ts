import { Command } from 'commander';
import { colors, displayPath } from './terminal.js';

export function initCommand(): Command {
  return new Command('init')
    .description('Create a new book project (book.yaml, two example chapters, package.json, CI workflow)')
    .argument('[dir]', 'folder to create the book in', '.')
    .option('--title <title>', 'the book title (default: from the folder name)')
    .option('--author <name>', 'the author', 'Your Name')
    .action(async (dir: string, opts: { title?: string; author: string }) => {
      const { initBook } = await import('../index.js');
      const result = await initBook({ dir, title: opts.title, author: opts.author });
      for (const file of result.created) process.stderr.write(`  ${colors.green('+')} ${displayPath(file)}\n`);
      const rel = displayPath(result.root) || '.';
      process.stderr.write(
        `${colors.green('✓')} Created "${result.title}" in ${rel}. Next:\n` +
          (rel === '.' ? '' : `    cd ${rel}\n`) +
          `    npm install\n    npx evergreen build\n`,
      );
    });
}
