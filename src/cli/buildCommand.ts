import { Command, Option } from 'commander';
import { outputFormats } from '../driver/outputFormats.js';
import { colors, displayPath, createProgress, diagnosticsSummary, formatDuration, printDiagnostics } from './terminal.js';
import { parseFormats, UsageError } from './usageError.js';

export function buildCommand(): Command {
  return new Command('build')
    .description('Build the book: the multi-page HTML book in <out>/html/ and the PDF as <out>/<slug>.pdf')
    .option('--root <dir>', 'book project folder (contains manuscript/book.yaml)', '.')
    .option('--out <dir>', 'output folder (default: <root>/dist)')
    .addOption(new Option('--format <formats>', `comma-separated formats: ${outputFormats.join(', ')} (default: formats in book.yaml)`))
    .option('--check', 'run `evergreen check` first; a failing sample fails the build')
    .option('--no-cache', 'ignore caches and render every chapter again')
    .action(async (opts: { root: string; out?: string; format?: string; cache: boolean; check?: boolean }) => {
      const formats = opts.format ? parseFormats(opts.format) : undefined;
      const progress = createProgress();
      const started = performance.now();
      progress.update('loading the book');
      let result;
      try {
        // Imported on use: `evergreen --help` should not pay for loading the Markdown and highlighting stack.
        const { build } = await import('../driver/build.js');
        result = await build({ root: opts.root, outDir: opts.out, formats, noCache: !opts.cache, check: opts.check, progress: progress.update });
      } finally {
        progress.done();
      }
      printDiagnostics(result.diagnostics);
      const elapsed = formatDuration(performance.now() - started);
      const counts = diagnosticsSummary(result.diagnostics);
      if (result.ok) {
        const where = result.outputs.map(displayPath).join(', ');
        const chapters = result.book?.chapters.length ?? 0;
        process.stderr.write(`${colors.green('✓')} Built ${chapters} chapter${chapters === 1 ? '' : 's'} → ${where} in ${elapsed} (${counts})\n`);
        process.exitCode = 0;
      } else {
        process.stderr.write(`${colors.red('✗')} Build failed in ${elapsed}: ${counts}. The previous output was left as it was.\n`);
        process.exitCode = 1;
      }
    });
}

