import type { FormatRegistry } from '../index.js';

/** A mistake in how the command was called (exit code 2), as opposed to a problem in the book (exit 1). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `--format html,pdf`: the formats named, or a usage error naming the ones the project's registry has. */
export function parseFormats(value: string, registry: FormatRegistry): string[] {
  const formats = value
    .split(',')
    .map((f) => f.trim().toLowerCase())
    .filter(Boolean);
  const unknown = registry.unknown(formats);
  if (unknown.length) throw new UsageError(`Unknown format "${unknown[0]}". Use one or more of: ${registry.names().join(', ')}.`);
  if (formats.length === 0) throw new UsageError(`--format needs at least one of: ${registry.names().join(', ')}.`);
  return formats;
}

/** The formats Evergreen ships, for `--help` (a project's config may register more). */
export const builtinFormatNames = 'html, pdf, or one the config registers';
