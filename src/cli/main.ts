import { Command, CommanderError } from 'commander';
import { EvergreenError } from '../diagnostics/diagnostic.js';
import { evergreenVersion } from '../util/version.js';
import { buildCommand } from './buildCommand.js';
import { checkCommand } from './checkCommand.js';
import { devCommand } from './devCommand.js';
import { diffCommand } from './diffCommand.js';
import { getCommand } from './getCommand.js';
import { releaseCommand, yankCommand } from './releaseCommand.js';
import { initCommand } from './initCommand.js';
import { manifestCommand } from './manifestCommand.js';
import { artifactsCommand } from './artifactsCommand.js';
import { colors, printDiagnostics } from './terminal.js';
import { UsageError } from './usageError.js';

/**
 * The `evergreen` command line: a thin face on the library (src/index.ts). Exit codes: 0 success,
 * 1 a problem in the book (or an output that could not be produced), 2 a usage error.
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('evergreen')
    .description('Evergreen: technical books maintained like software (verified samples, HTML, PDF, releases).')
    .version(evergreenVersion, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const command of commands()) program.addCommand(command.exitOverride());

  // Ctrl-C, and SIGTERM as a cancelled CI job sends it: exiting runs the 'exit' hooks that remove staging
  // folders, browser profiles and the runners' folder, so neither leaves anything behind.
  process.once('SIGINT', () => {
    process.stderr.write('\nInterrupted; previous output left intact.\n');
    process.exit(130);
  });
  process.once('SIGTERM', () => {
    process.stderr.write('\nTerminated; previous output left intact.\n');
    process.exit(143);
  });
  // A command whose work waits on nothing that can still happen (a promise no thread or timer will settle)
  // would end with the exit code set so far, 0, having printed nothing: a silent pass. Node says the event
  // loop is empty before it exits; a command still running then is a bug, reported as one.
  let running = true;
  const unfinished = () => {
    if (!running) return;
    process.stderr.write(
      `${colors.red('error')}: internal: the command stopped before it finished, with nothing left to wait for. This is a bug in Evergreen; please report it.\n`,
    );
    process.exitCode = 70;
  };
  process.once('beforeExit', unfinished);
  try {
    process.exitCode = 0;
    await program.parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`${colors.red('error')}: ${error.message}\n`);
      return 2;
    }
    if (error instanceof EvergreenError) {
      printDiagnostics(error.diagnostics);
      if (error.diagnostics.length === 0) process.stderr.write(`${colors.red('error')}: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    running = false;
    process.off('beforeExit', unfinished);
  }
}

/** Every command; each loads its stage only when it runs, so help and usage errors stay instant. */
function commands(): Command[] {
  return [buildCommand(), checkCommand(), devCommand(), releaseCommand(), diffCommand(), yankCommand(), artifactsCommand(), getCommand(), manifestCommand(), initCommand()];
}
