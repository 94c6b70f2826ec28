import type { Book } from '../book/model.js';
import type { Sample, TypeOutcome } from './types.js';

/**
 * Whether a sample's identifiers get type hovers in the HTML book: on unless the book says `hovers: false`,
 * the fence says `no-hovers`, or the code says twoslash's `// @noStaticSemanticInfo`. Included files are
 * shown as a region of another file, and unchecked samples have no types.
 */
export function wantsHovers(book: Book, sample: Sample): boolean {
  if (book.config.hovers === false || !sample.check || sample.include) return false;
  if (sample.meta.attributes.some((a) => a.name === 'no-hovers')) return false;
  const flag = Object.entries(sample.flags).find(([name]) => name.toLowerCase() === 'nostaticsemanticinfo');
  return flag === undefined || flag[1] === false || flag[1] === 'false';
}

/** A cached type outcome is complete for a sample when it carries the hovers the sample wants. */
export function hasWantedHovers(book: Book, sample: Sample, types: TypeOutcome): boolean {
  return types.hovers !== undefined || !wantsHovers(book, sample);
}
