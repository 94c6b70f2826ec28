import { Command, CommanderError } from 'commander';
import { EvergreenError } from '../diagnostics/diagnostic.js';
import { evergreenVersion } from '../util/version.js';
import { buildCommand } from './buildCommand.js';
import { initCommand } from './initCommand.js';
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
  for (const command of await commands()) program.addCommand(command.exitOverride());

  process.once('SIGINT', () => {
    process.stderr.write('\nInterrupted; previous output left intact.\n');
    process.exit(130);
  });
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
  }
}

/** Commands whose stages may be absent from this build of the toolchain are loaded if present. */
async function commands(): Promise<Command[]> {
  const list: Command[] = [buildCommand(), initCommand()];
  for (const [file, name] of [
    ['./checkCommand.js', 'checkCommand'],
    ['./releaseCommand.js', 'releaseCommand'],
    ['./diffCommand.js', 'diffCommand'],
    ['./devCommand.js', 'devCommand'],
    ['./getCommand.js', 'getCommand'],
  ] as const) {
    try {
      const module = (await import(file)) as Record<string, () => Command>;
      list.push(module[name]());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    }
  }
  return list;
}
