import type { Code } from 'mdast';
import type { Book, Chapter } from '../book/model.js';
import { type CodePresentation, type CodePresenter, defaultCodePresentation } from '../render/codePresentation.js';
import { bookKey, sampleKey } from '../samples/cacheKey.js';
import { extractSamples, presentSample, sampleCache } from '../samples/index.js';
import type { TypeOutcome } from '../samples/types.js';
import { sha256 } from '../util/hash.js';

export interface DevPresenter {
  presenter?: CodePresenter;
  /** Chapters with samples whose types (`^?`, expected errors) are not known yet: shown without them for now. */
  awaitingTypes: Set<string>;
}

/**
 * How samples look in the preview: as `evergreen build` shows them (the sample stage's presentation: setup
 * hidden, `^?` types filled in), but never type-checking on the build's path. `createSamplePresenter`
 * type-checks samples whose types are not cached, in the calling thread, with a fresh program: seconds, on
 * every save of such a chapter. Here types come from the check cache only; the background check fills it,
 * and the dev server rebuilds the chapter once it has (see `awaitingTypes`).
 *
 * Each chapter's cache key is its samples' presentation itself, so the renderer re-renders only chapters
 * whose samples look different.
 */
export function devSamplePresenter(book: Book): DevPresenter {
  const awaitingTypes = new Set<string>();
  if (book.config.samples === 'none') return { awaitingTypes };
  const { samples } = extractSamples(book);
  const cache = sampleCache(book.root);
  const bookHash = bookKey(book);
  const byNode = new Map<string, CodePresentation>();
  const byChapter = new Map<string, CodePresentation[]>();
  for (const sample of samples) {
    const needsTypes = sample.check && (sample.queries.length > 0 || sample.errorSpans.length > 0 || sample.expectedErrors !== undefined);
    let types: TypeOutcome | undefined;
    if (needsTypes) {
      types = cache.get(sampleKey(bookHash, sample))?.types;
      if (!types) awaitingTypes.add(sample.chapter.path);
    }
    const presentation = presentSample(sample, types);
    byNode.set(nodeKey(sample.chapter, sample.node), presentation);
    const list = byChapter.get(sample.chapter.path) ?? [];
    list.push(presentation);
    byChapter.set(sample.chapter.path, list);
  }
  const present = (chapter: Chapter, node: Code): CodePresentation | undefined => {
    const found = byNode.get(nodeKey(chapter, node));
    if (found) return found;
    if ((node.lang ?? '').toLowerCase() === 'output') return { ...defaultCodePresentation(node), kind: 'output' };
    return undefined;
  };
  const presenter: CodePresenter = Object.assign(present, {
    // Other blocks are shown as written: the chapter's own text, already part of the renderer's key.
    cacheKey: (chapter: Chapter) => sha256('dev-presented', JSON.stringify(byChapter.get(chapter.path) ?? [])),
  });
  return { presenter, awaitingTypes };
}

function nodeKey(chapter: Chapter, node: Code): string {
  return `${chapter.path}\0${node.position?.start.offset ?? -1}`;
}
