import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Command, Option } from 'commander';
import { colors, createProgress, displayPath, formatDuration, printDiagnostics } from './terminal.js';
import { builtinFormatNames, parseFormats, UsageError } from './usageError.js';

export function releaseCommand(): Command {
  return new Command('release')
    .description('Publish a new immutable version: check samples, build every format, record it in releases/ and regenerate dist/site/')
    .argument('<version>', 'major, minor, patch, or an exact version such as 1.2.0')
    .option('--notes <file>', 'Markdown file with the release notes')
    .option('--root <dir>', 'book project folder (contains manuscript/book.yaml)', '.')
    .option('--yes', 'do not ask for confirmation when the version contradicts the suggested bump')
    .option('--allow-dirty', 'release from a git working tree with uncommitted changes (recorded in the release)')
    .option('--tag', 'create the git tag v<version> at the released commit (needs a clean tree)')
    .addOption(new Option('--format <formats>', `formats to build and publish: ${builtinFormatNames} (default: formats in the config)`))
    .addOption(new Option('--date <date>', 'release date YYYY-MM-DD (default: today)').hideHelp())
    .action(async (version: string, opts: { notes?: string; root: string; yes?: boolean; allowDirty?: boolean; tag?: boolean; format?: string; date?: string }) => {
      const started = performance.now();
      // Loaded on use, so `evergreen --help` does not pay for the whole pipeline.
      const { openProject, release, formatDiff, EvergreenError } = await import('../index.js');
      let notes = '';
      if (opts.notes) {
        const file = path.resolve(opts.notes);
        if (!existsSync(file)) throw new UsageError(`Release notes file not found: ${opts.notes}`);
        notes = await readFile(file, 'utf8');
      }
      if (opts.date && !/^\d{4}-\d{2}-\d{2}$/.test(opts.date)) throw new UsageError(`--date must be YYYY-MM-DD, not "${opts.date}"`);
      const progress = createProgress();
      let confirmed = true;
      let result;
      const project = await openProject({ root: opts.root });
      try {
        const formats = opts.format ? parseFormats(opts.format, project.formats) : undefined;
        result = await release(project, {
          version,
          notes,
          date: opts.date,
          formats,
          allowDirty: opts.allowDirty,
          tag: opts.tag,
          progress: progress.update,
          notice: (message) => {
            progress.done();
            process.stderr.write(`${colors.cyan('note')}: ${message}\n`);
          },
          confirm: async (warnings, contradicts) => {
            progress.done();
            for (const w of warnings) process.stderr.write(`${colors.yellow('warning')}: ${w}\n`);
            if (!contradicts || opts.yes || !process.stdin.isTTY || !process.stderr.isTTY) return true;
            const rl = createInterface({ input: process.stdin, output: process.stderr });
            const answer = await rl.question('Publish anyway? [y/N] ');
            rl.close();
            confirmed = /^y(es)?$/i.test(answer.trim());
            return confirmed;
          },
        });
      } catch (error) {
        progress.done();
        if (!(error instanceof EvergreenError)) throw error;
        printDiagnostics(error.diagnostics);
        process.stderr.write(`${colors.red('error')}: ${error.message}\n${colors.red('✗')} Nothing was published; the release history is unchanged.\n`);
        process.exitCode = 1;
        return;
      } finally {
        await project.close();
      }
      progress.done();
      if (!confirmed) {
        process.stderr.write('Nothing was published.\n');
        process.exitCode = 1;
        return;
      }
      printDiagnostics(result.diagnostics);
      if (result.diff) process.stderr.write(formatDiff(result.diff));
      const artifacts = result.release?.artifacts.map((a) => `${path.posix.basename(a.path)} (${a.size} bytes, sha256 ${a.sha256.slice(0, 12)}…)`) ?? [];
      process.stderr.write(
        `${colors.green('✓')} Released ${result.version} in ${formatDuration(performance.now() - started)}: releases/${result.version}/ ${artifacts.length ? `with ${artifacts.join(', ')}` : ''}\n` +
          (artifacts.length ? `  artifacts: in the artifact store (outside git; \`evergreen artifacts export\` copies them for uploading)\n` : '') +
          `  site: ${displayPath(path.join(path.resolve(opts.root), 'dist', 'site'))}\n` +
          (result.tag ? `  tagged ${result.tag}\n` : ''),
      );
      for (const w of result.warnings) process.stderr.write(`${colors.yellow('warning')}: ${w}\n`);
      process.exitCode = result.ok ? 0 : 1;
    });
}

export function yankCommand(): Command {
  return new Command('yank')
    .description('Mark a published version as withdrawn (it stays listed, with the reason); fix mistakes with a new release')
    .argument('<version>', 'the published version to withdraw')
    .requiredOption('--reason <text>', 'why readers should not use this version')
    .option('--root <dir>', 'book project folder (contains manuscript/book.yaml)', '.')
    .action(async (version: string, opts: { reason: string; root: string }) => {
      const { openProject, yank } = await import('../index.js');
      const project = await openProject({ root: opts.root, workers: false });
      const notice = (message: string) => process.stderr.write(`${colors.cyan('note')}: ${message}\n`);
      const { record, site } = await yank(project, version, opts.reason, { notice }).finally(() => project.close());
      printDiagnostics(site.diagnostics);
      process.stderr.write(`${colors.green('✓')} Yanked ${record.version}: ${record.reason}\n`);
      process.exitCode = site.ok ? 0 : 1;
    });
}
