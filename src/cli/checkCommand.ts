import path from 'node:path';
import { Command, Option } from 'commander';
import type { CheckResult, ReporterName } from '../index.js';
import { UsageError } from './usageError.js';

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
  shard?: string;
  mergeReports?: string;
  timings?: boolean;
  writeTimings?: boolean;
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
    .option('--shard <i/n>', 'check only the i-th of n deterministic parts of the samples (CI machines in parallel), balanced by sample-timings.json when the book has one')
    .option('--merge-reports <dir>', "join the shards' `--reporter json` reports in this folder into one report and one summary line (checks nothing)")
    .option('--timings', 'print where the time went: load, type-check, run, compare')
    .option('--write-timings', 'write sample-timings.json (commit it, so that shards balance by measured times)')
    .action(async (chapters: string[], flags: CheckFlags) => {
      // Loaded on use: registering the command must not cost the other commands the checker's start-up.
      const [{ openProject }, { check, formatCheckResult, formatTimings, mergeCheckReports, parseShard, writeTimings }, { formatDiagnostics }, { EvergreenError }] =
        await Promise.all([import('../api/project.js'), import('../api/check.js'), import('../diagnostics/report.js'), import('../diagnostics/diagnostic.js')]);
      let shard;
      if (flags.shard !== undefined) {
        shard = parseShard(flags.shard);
        if (typeof shard === 'string') throw new UsageError(shard);
        if (flags.writeTimings) throw new UsageError('--write-timings needs every sample: run it without --shard, or with --merge-reports after all shards');
      }
      if (flags.mergeReports !== undefined) {
        if (shard || chapters.length > 0 || flags.grep || flags.update)
          throw new UsageError('--merge-reports only joins reports: it takes no chapters, --shard, --grep or --update');
        const result = mergeCheckReports(flags.mergeReports);
        if (flags.writeTimings && result.failed + result.passed > 0)
          process.stderr.write(`wrote ${path.relative(process.cwd(), writeTimings(path.resolve(flags.root), result.samples))}\n`);
        finish(result, flags, formatCheckResult);
        return;
      }
      try {
        const opening = performance.now();
        const project = await openProject({ root: flags.root, noCache: !flags.cache, workers: false, warmUpDiagrams: true, warmUpTypeCheck: typeCheckThreadForCheck() });
        const openedMs = performance.now() - opening;
        let result;
        try {
          result = await check(project, {
            shard,
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
          if (result.timings) result.timings.loadMs += Math.round(openedMs);
          if (flags.writeTimings && !flags.grep && chapters.length === 0)
            process.stderr.write(`wrote ${path.relative(process.cwd(), writeTimings(project.book.root, result.samples))}\n`);
          else if (flags.writeTimings) process.stderr.write('sample-timings.json not written: it needs every sample (no chapters, no --grep)\n');
        } finally {
          await project.close();
        }
        finish(result, flags, formatCheckResult);
        if (flags.timings && result.timings) process.stderr.write(`${formatTimings(result.timings)}\n`);
      } catch (error) {
        if (!(error instanceof EvergreenError)) throw error;
        process.stderr.write(`${formatDiagnostics(error.diagnostics)}\n${error.message}\n`);
        process.exitCode = 1;
      }
    });
}

function finish(result: CheckResult, flags: CheckFlags, format: (result: CheckResult, reporter: ReporterName) => string): void {
  process.stdout.write(`${format(result, flags.reporter)}\n`);
  process.exitCode = result.failed > 0 || result.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}

/**
 * `check` type-checks on the main thread unless EVERGREEN_TYPECHECK_THREAD=1: with nothing to do meanwhile
 * (a build highlights code), a thread of its own measured no faster on two cores, and slower on a book that
 * also has JavaScript samples (the main thread then loads a second compiler). docs/benchmarks.md, session 6.
 */
function typeCheckThreadForCheck(): boolean {
  return process.env.EVERGREEN_TYPECHECK_THREAD === '1';
}
