import { outputFormats, type OutputFormat } from '../driver/outputFormats.js';

/** A mistake in how the command was called (exit code 2), as opposed to a problem in the book (exit 1). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `--format html,pdf`: the formats named, or a usage error naming the ones that exist. */
export function parseFormats(value: string): OutputFormat[] {
  const formats = value.split(',').map((f) => f.trim().toLowerCase()).filter(Boolean);
  for (const f of formats) {
    if (!(outputFormats as readonly string[]).includes(f)) throw new UsageError(`Unknown format "${f}". Use one or more of: ${outputFormats.join(', ')}.`);
  }
  return formats as OutputFormat[];
}
