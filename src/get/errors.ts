/**
 * A problem getting a book (exit code 1; `usage` is exit code 2): the network, the site's manifest, a download that does not
 * verify, a rollback or a signature problem, an expired (possibly frozen) manifest. `kind` lets tests and callers tell them apart; `hint`
 * says what the reader can do.
 */
export type GetErrorKind = 'usage' | 'network' | 'manifest' | 'verification' | 'rollback' | 'signature' | 'expired' | 'folder';

export class GetError extends Error {
  override name = 'GetError';
  constructor(
    readonly kind: GetErrorKind,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}
