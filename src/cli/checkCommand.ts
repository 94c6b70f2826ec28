import { Command, Option } from 'commander';
import type { ReporterName } from '../index.js';

/** The reporters `--reporter` accepts (kept here so `--help` does not load the checker). */
const reporterNames: ReporterName[] = ['pretty', 'json', 'junit', 'github'];

interface CheckFlags {
  root: string;
  grep?: string;
  update?: boolean;
  reporter: ReporterName;
  cache: boolean;
  strict?: boolean;
  typescript?: string;
}

/** `evergreen check [chapters...]`: type-checks and runs the book's samples; exit code 1 when any fails. */
export function checkCommand(): Command {
  return new Command('check')
    .description('Type-check and run every TypeScript sample, comparing output with the ```output blocks')
    .argument('[chapters...]', 'only these chapters (paths under manuscript/)')
    .option('--root <dir>', 'the book project folder (contains manuscript/)', '.')
    .option('--grep <text>', 'only samples whose name, id or code contains this text')
    .option('--update', 'rewrite ```output blocks from the actual output')
    .addOption(new Option('--reporter <name>', 'output format').choices(reporterNames).default('pretty'))
    .option('--no-cache', 'ignore cached results and re-check everything')
    .option('--strict', 'unknown fence attributes and flags are errors')
    .option('--typescript <versions>', 'check with these TypeScript versions, comma-separated (overrides `typescript:` in book.yaml; the first is the primary one)')
    .action(async (chapters: string[], flags: CheckFlags) => {
      // Loaded on use: registering the command must not cost the other commands the checker's start-up.
      const { openProject, check, formatCheckResult, formatDiagnostics, EvergreenError } = await import('../index.js');
      try {
        const project = await openProject({ root: flags.root, noCache: !flags.cache, workers: false });
        let result;
        try {
          result = await check(project, {
            files: chapters,
            grep: flags.grep,
            update: flags.update,
            noCache: !flags.cache,
            strict: flags.strict,
            typescriptVersions: flags.typescript
              ? flags.typescript
                  .split(',')
                  .map((v) => v.trim())
                  .filter(Boolean)
              : undefined,
          });
        } finally {
          await project.close();
        }
        process.stdout.write(`${formatCheckResult(result, flags.reporter)}\n`);
        process.exitCode = result.failed > 0 || result.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
      } catch (error) {
        if (!(error instanceof EvergreenError)) throw error;
        process.stderr.write(`${formatDiagnostics(error.diagnostics)}\n${error.message}\n`);
        process.exitCode = 1;
      }
    });
}
