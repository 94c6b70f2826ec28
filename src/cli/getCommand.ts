import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { colors, createProgress, displayPath } from './terminal.js';
import { UsageError } from './usageError.js';

/**
 * `evergreen get`: readers download a book and its updates, verified. Exit codes (documented in the
 * user guide, "For readers"): 0 done or up to date, 1 error (network, verification, manifest, rollback,
 * signature, an expired manifest), 2 usage error, 3 `--check` found an update (or nothing downloaded yet).
 */
export const updateAvailableExitCode = 3;

export function getCommand(): Command {
  return new Command('get')
    .description('Download a book (its latest PDF, or HTML zip) and later its updates, verified against the site manifest; prints what changed')
    .argument('[site]', 'the book site (https://… or a folder with manifest.json); default: the site recorded in the folder')
    .option('--into <dir>', 'folder for the downloads (default: ./<book slug>, or the current folder if it holds a downloaded book)')
    .option('--html', 'also download the HTML book (zip), now and in later updates')
    .option('--no-html', 'stop downloading the HTML book in later updates')
    .option('--format <kinds>', 'only these downloads, by kind as the manifest lists them (e.g. pdf,epub,html-zip), now and in later updates')
    .option('--check', `only report whether an update exists (exit code ${updateAvailableExitCode} if so); download nothing`)
    .option('--key <file>', "the book's public key (PEM) from the author: pin it instead of trusting the site's on first use")
    .option('--reset', "forget what this folder trusts (pinned key, versions seen) and start over from the site's manifest; files stay")
    .addOption(new Option('--timeout <seconds>', 'give up on a silent server after this many seconds').default(30).argParser(positive))
    .addOption(new Option('--retries <n>', 'retries of an interrupted download (resumed where possible)').default(3).argParser(count))
    .addOption(new Option('--retry-delay <ms>', 'first retry delay').default(500).argParser(count).hideHelp())
    .addHelpText(
      'after',
      `\nExit codes: 0 done or up to date · 1 error (nothing half-downloaded is kept under a final name) · 2 usage · ${updateAvailableExitCode} update available (--check)`,
    )
    .action(
      async (
        site: string | undefined,
        opts: {
          into?: string;
          html?: boolean;
          format?: string;
          check?: boolean;
          key?: string;
          reset?: boolean;
          timeout: number;
          retries: number;
          retryDelay: number;
        },
      ) => {
        // Imported on use: `evergreen --help` should not load zod, semver and the download code.
        const { getBook, GetError, formatChangeReport } = await import('../index.js');
        const progress = createProgress();
        const bar = progressBar(progress.update);
        let result;
        try {
          result = await getBook({
            source: site,
            into: opts.into,
            html: opts.html,
            formats: opts.format
              ?.split(',')
              .map((f) => f.trim())
              .filter(Boolean),
            check: opts.check,
            keyFile: opts.key ? path.resolve(opts.key) : undefined,
            reset: opts.reset,
            timeoutMs: opts.timeout * 1000,
            retries: opts.retries,
            retryDelayMs: opts.retryDelay,
            onProgress: bar,
            onRetry: (file, attempt, error) => {
              progress.done();
              process.stderr.write(`${colors.yellow('warning')}: ${file}: ${error.message}; retrying (${attempt}/${opts.retries})\n`);
            },
          });
        } catch (error) {
          progress.done();
          if (!(error instanceof GetError)) {
            // A file-system problem (permissions, a full disk) is the reader's to fix: a message, not a stack trace.
            if (!(error as NodeJS.ErrnoException).code) throw error;
            process.stderr.write(`${colors.red('error')}: ${(error as Error).message}\n`);
            process.exitCode = 1;
            return;
          }
          if (error.kind === 'usage') throw new UsageError(error.message);
          const label = error.kind === 'expired' ? colors.yellow('warning') : colors.red('error');
          process.stderr.write(`${label}: ${error.message}\n${error.hint ? `  ${colors.dim('→')} ${error.hint}\n` : ''}`);
          process.exitCode = 1;
          return;
        }
        progress.done();
        const out = colorsFor(process.stdout);
        const name = `${result.book.title} ${result.latest} (${result.latestDate})`;
        for (const notice of result.notices) process.stderr.write(`${colors.yellow('note')}: ${notice}\n`);
        const where = displayPath(result.dir);
        const trust = `  ${result.signature.signed ? `Manifest signature verified (key sha256 ${result.signature.fingerprint!.slice(0, 16)}…).` : 'The manifest is not signed.'}\n`;
        if (result.status === 'update-available') {
          process.stdout.write(
            result.previous
              ? `Update available: ${result.book.title} ${result.previous} → ${result.latest} (${result.latestDate}). Run \`evergreen get\` in ${where} to download it.\n`
              : `Not downloaded yet: ${name} is available.\n`,
          );
          process.exitCode = updateAvailableExitCode;
          return;
        }
        if (result.status === 'up-to-date') {
          process.stdout.write(`Up to date: ${result.book.title} ${result.previous ?? result.latest} in ${where}; nothing downloaded.\n${trust}`);
          process.exitCode = 0;
          return;
        }
        const files = result.files.map((f) => path.basename(f)).join(', ');
        const verb =
          result.previous && result.previous !== result.latest
            ? `Updated ${result.book.title} from ${result.previous} to ${result.latest} (${result.latestDate})`
            : `Downloaded ${name}`;
        process.stdout.write(`${out.green('✓')} ${verb} into ${where}: ${files || 'files already present'} (size and sha256 verified).\n${trust}`);
        if (result.previous && result.previous !== result.latest) process.stdout.write(`  Version ${result.previous} is kept beside it.\n`);
        if (result.report) process.stdout.write(`\n${formatChangeReport(result.report, out)}`);
        process.exitCode = 0;
      },
    );
}

/** A bar such as `my-book-1.1.0.pdf  ██████░░░░  61%  1.2 MB / 2.0 MB`, redrawn at most ten times a second (TTY only). */
function progressBar(update: (message: string) => void): (file: string, received: number, total: number) => void {
  let last = 0;
  return (file, received, total) => {
    const now = performance.now();
    if (now - last < 100 && received < total) return;
    last = now;
    const ratio = total ? received / total : 1;
    const filled = Math.round(ratio * 20);
    update(`${file}  ${'█'.repeat(filled)}${'░'.repeat(20 - filled)} ${String(Math.floor(ratio * 100)).padStart(3)}%  ${size(received)} / ${size(total)}`);
  };
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function colorsFor(stream: NodeJS.WriteStream) {
  const on = colors.isColorSupported && stream.isTTY === true;
  const id = (s: string) => s;
  return on ? { green: colors.green, red: colors.red, yellow: colors.yellow, bold: colors.bold, dim: colors.dim } : { green: id, red: id, yellow: id, bold: id, dim: id };
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a positive number');
  return n;
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('a whole number (0 or more)');
  return n;
}
