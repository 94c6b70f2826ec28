import { Command, Option } from 'commander';
import { colors, displayPath, createProgress, diagnosticsSummary, formatDuration, printDiagnostics } from './terminal.js';
import { builtinFormatNames, parseFormats } from './usageError.js';

export function buildCommand(): Command {
  return new Command('build')
    .description('Build the book: the multi-page HTML book in <out>/html/ and the PDF as <out>/<slug>.pdf')
    .option('--root <dir>', 'book project folder (contains manuscript/book.yaml or evergreen.config.js)', '.')
    .option('--out <dir>', 'output folder (default: <root>/dist)')
    .addOption(new Option('--format <formats>', `comma-separated formats: ${builtinFormatNames} (default: formats in the config)`))
    .option('--check', 'run `evergreen check` first; a failing sample fails the build')
    .option('--no-cache', 'ignore caches and render every chapter again')
    .action(async (opts: { root: string; out?: string; format?: string; cache: boolean; check?: boolean }) => {
      const progress = createProgress();
      const started = performance.now();
      progress.update('loading the book');
      // Imported on use, and only these two modules rather than the whole library: `evergreen --help` should
      // not pay for the Markdown and highlighting stack, nor a rebuild for the release and import code.
      // The type-check thread of a first build loads TypeScript meanwhile (api/warmUp.ts).
      const [{ openProject }, { build }] = await Promise.all([
        import('../api/project.js'),
        import('../api/build.js'),
        import('../api/warmUp.js').then(({ preloadTypeCheck }) => preloadTypeCheck(opts.root)),
      ]);
      let result;
      const project = await openProject({ root: opts.root, noCache: !opts.cache, warmUpDiagrams: true, warmUpTypeCheck: true }).catch((error: unknown) => {
        progress.done();
        throw error;
      });
      try {
        const formats = opts.format ? parseFormats(opts.format, project.formats) : undefined;
        result = await build(project, { outDir: opts.out, formats, check: opts.check, progress: progress.update });
      } finally {
        progress.done();
        await project.close();
      }
      printDiagnostics(result.diagnostics);
      const elapsed = formatDuration(performance.now() - started);
      const counts = diagnosticsSummary(result.diagnostics);
      if (result.ok) {
        const where = result.outputs.map(displayPath).join(', ');
        const chapters = result.book.chapters.length;
        process.stderr.write(`${colors.green('✓')} Built ${chapters} chapter${chapters === 1 ? '' : 's'} → ${where} in ${elapsed} (${counts})\n`);
        process.exitCode = 0;
      } else {
        process.stderr.write(`${colors.red('✗')} Build failed in ${elapsed}: ${counts}. The previous output was left as it was.\n`);
        process.exitCode = 1;
      }
    });
}
