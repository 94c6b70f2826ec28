import type { Book } from '../book/model.js';
import type { CodePresenter } from '../book/codePresentation.js';
import { cachedSamplePresenter } from '../samples/index.js';

export interface DevPresenter {
  presenter?: CodePresenter;
  /** Chapters with samples whose types (`^?`, expected errors) are not known yet: shown without them for now. */
  awaitingTypes: Set<string>;
}

/**
 * How samples look in the preview: as `evergreen build` shows them, but never type-checking on the build's
 * path (a fresh program takes seconds, on every save). Types come from the check cache only; the background
 * check fills it, and the dev server rebuilds the chapter once it has (see `awaitingTypes`).
 */
export function devSamplePresenter(book: Book): DevPresenter {
  if (book.config.samples === 'none') return { awaitingTypes: new Set() };
  const { presenter, awaitingTypes } = cachedSamplePresenter(book);
  return { presenter, awaitingTypes };
}
