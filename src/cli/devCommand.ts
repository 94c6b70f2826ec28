import { spawn } from 'node:child_process';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { DevReporter } from '../index.js';
import { colors, diagnosticsSummary, displayPath, formatDuration, printDiagnostics } from './terminal.js';
import { UsageError } from './usageError.js';

export function devCommand(): Command {
  return new Command('dev')
    .description('Live preview: build the book into .evergreen/dev, serve it, rebuild on save and reload the browser')
    .option('--root <dir>', 'book project folder (contains manuscript/book.yaml)', '.')
    .option('--port <n>', 'port to serve on (the next free one is used when it is taken)', parsePort, 3000)
    .option('--strict-port', 'fail instead of using the next free port when the port is taken')
    .option('--host <host>', 'address to listen on (other than 127.0.0.1, the network can read the book)', '127.0.0.1')
    .option('--open', 'open the book in the default browser')
    .option('--no-check', 'do not re-check samples on save')
    .action(async (opts: { root: string; port: number; strictPort?: boolean; host: string; open?: boolean; check: boolean }) => {
      const reporter = terminalReporter(path.resolve(opts.root));
      let server;
      let portInUse: (new (...args: never[]) => Error) | undefined;
      try {
        // Loaded on use: `evergreen --help` should not load the watcher, server and pipeline.
        const { startDevServer, PortInUseError } = await import('../index.js');
        portInUse = PortInUseError;
        server = await startDevServer({ root: opts.root, port: opts.port, host: opts.host, strictPort: opts.strictPort, checkSamples: opts.check, reporter });
      } catch (error) {
        if (portInUse && error instanceof portInUse) throw new UsageError(error.message);
        throw error;
      }
      process.stderr.write(`\n  ${colors.green('Evergreen dev')}  ${colors.bold(server.url)}\n`);
      if (opts.host !== '127.0.0.1' && opts.host !== 'localhost' && opts.host !== '::1') {
        process.stderr.write(`  ${colors.yellow('note')}: listening on ${opts.host}: other machines on the network can read the book.\n`);
      }
      process.stderr.write(`  watching ${colors.dim(displayPath(path.join(path.resolve(opts.root), 'manuscript')))} · Ctrl-C to stop\n\n`);
      if (opts.open) openBrowser(server.url);
      await stopOnSignal(() => server.close());
      process.stderr.write('Stopped.\n');
    });
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('a port number from 0 to 65535');
  return port;
}

/**
 * Waits for Ctrl-C (or SIGTERM), then closes everything cleanly. The CLI's own signal handlers exit at once,
 * which suits one-shot commands; here it is set aside so the watcher, the server and the sample workers stop
 * in order, and put back afterwards. A second Ctrl-C exits immediately.
 */
function stopOnSignal(close: () => Promise<void>): Promise<void> {
  const saved = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  for (const [signal, listeners] of Object.entries(saved)) for (const listener of listeners) process.off(signal, listener);
  return new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = () => {
      if (stopping) process.exit(130);
      stopping = true;
      process.stderr.write('\nStopping…\n');
      close()
        .catch((error: unknown) => process.stderr.write(`${colors.red('error')} while stopping: ${String(error)}\n`))
        .finally(() => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          for (const [signal, listeners] of Object.entries(saved)) for (const listener of listeners) process.on(signal, listener);
          resolve();
        });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

function terminalReporter(root: string): DevReporter {
  const time = () => colors.dim(new Date().toTimeString().slice(0, 8));
  const shown = (file: string) => path.relative(root, file) || file;
  let failingSamples: number | undefined;
  return {
    info: (message) => process.stderr.write(`${time()} ${message}\n`),
    problems: (diagnostics, what) => {
      if (what === 'samples') {
        // Passing samples are announced once, and again only after a failure.
        const before = failingSamples;
        failingSamples = diagnostics.length;
        if (diagnostics.length === 0) {
          if (before !== 0) process.stderr.write(`${time()} ${colors.green('✓')} samples pass\n`);
          return;
        }
        process.stderr.write(`${time()} ${colors.red('✗')} failing samples:\n`);
      }
      printDiagnostics(diagnostics);
    },
    rebuilt: (report) => {
      const what =
        report.changed.length === 0 ? 'built' : `${report.changed.slice(0, 3).map(shown).join(', ')}${report.changed.length > 3 ? ` and ${report.changed.length - 3} more` : ''}`;
      if (!report.ok) {
        process.stderr.write(`${time()} ${colors.red('✗')} ${what}: ${diagnosticsSummary(report.diagnostics)}; still serving the last good build\n`);
        return;
      }
      if (report.changed.length === 0) printDiagnostics(report.diagnostics);
      const rendered = report.stats['html.chaptersRendered'] ?? 0;
      const reload = !report.reload
        ? 'no page changed'
        : report.reload.pages === 'all'
          ? 'reloading every page'
          : report.reload.pages.length > 0
            ? `reloading ${report.reload.pages.length} page${report.reload.pages.length === 1 ? '' : 's'}`
            : 'stylesheets updated';
      const warnings = report.diagnostics.filter((d) => d.severity === 'warning').length;
      process.stderr.write(
        `${time()} ${colors.green('✓')} ${what} in ${formatDuration(report.durationMs)} · ${rendered} chapter${rendered === 1 ? '' : 's'} rendered · ${reload}${warnings ? colors.yellow(` · ${warnings} warning${warnings === 1 ? '' : 's'}`) : ''}\n`,
      );
    },
  };
}

/** Opens a URL in the desktop's browser; failing to do so is not an error (the URL is printed). */
function openBrowser(url: string): void {
  const [command, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => process.stderr.write(`Could not open a browser; open ${url} yourself.\n`));
    child.unref();
  } catch {
    process.stderr.write(`Could not open a browser; open ${url} yourself.\n`);
  }
}
