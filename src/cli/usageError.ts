/** A mistake in how the command was called (exit code 2), as opposed to a problem in the book (exit 1). */
export class UsageError extends Error {
  override name = 'UsageError';
}
