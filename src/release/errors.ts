import { EvergreenError } from '../diagnostics/diagnostic.js';

/** A release that Evergreen will not publish (failing samples, a version already published…): a clear message, exit 1. */
export class ReleaseRefused extends EvergreenError {
  override name = 'ReleaseRefused';
}
