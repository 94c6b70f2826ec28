import { Command } from 'commander';
import { colors } from './terminal.js';

export function diffCommand(): Command {
  return new Command('diff')
    .description('Show what changed between two releases (<to> defaults to the current manuscript)')
    .argument('<from>', 'a published version (or "latest")')
    .argument('[to]', 'a later published version; default: the current manuscript')
    .option('--root <dir>', 'book project folder (contains manuscript/book.yaml)', '.')
    .option('--json', 'print the diff as JSON')
    .option('--detail', 'also print the word-level changes of every changed block')
    .option('--pdf <file>', 'also write a redline PDF of the changed sections (needs Chromium)')
    .action(async (from: string, to: string | undefined, opts: { root: string; json?: boolean; detail?: boolean; pdf?: string }) => {
      const { openProject, diffVersions, formatDiff, redlinePdf, redlinePages } = await import('../index.js');
      const project = await openProject({ root: opts.root, workers: false });
      const title = project.book.config.title;
      const notice = (message: string) => process.stderr.write(`${colors.cyan('note')}: ${message}\n`);
      const diff = await diffVersions(project, { from, to, notice }).finally(() => project.close());
      if (opts.pdf) {
        await redlinePdf(diff, { title, file: opts.pdf, ...(await redlinePages(project.book, diff)) });
        process.stderr.write(`Redline PDF: ${opts.pdf}\n`);
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(diff, null, 2)}\n`);
      else {
        const color = process.stdout.isTTY ? { green: colors.green, red: colors.red, yellow: colors.yellow, bold: colors.bold, dim: colors.dim } : undefined;
        process.stdout.write(formatDiff(diff, { color, detail: opts.detail }));
      }
      process.exitCode = 0;
    });
}
