import { resolveLink } from '../../book/links.js';
import type { Book, Chapter } from '../../book/model.js';
import type { CodePresenter } from '../../book/codePresentation.js';
import { sha256 } from '../../util/hash.js';
import { toolchainFingerprint } from '../../util/version.js';

/** A chapter's rendered body depends on its text, the pages its links point to, and how code is presented. */
export function chapterRenderKey(book: Book, chapter: Chapter, presenterKey = '', presenter?: CodePresenter): string {
  const linkTargets = chapter.analysis.links.map((l) => {
    const r = resolveLink(book, chapter, l.url);
    return r.kind === 'chapter' ? `${r.chapter.slug}#${r.anchor ?? ''}` : r.kind;
  });
  return sha256('html', toolchainFingerprint(), chapter.hash, chapter.slug, chapter.title, JSON.stringify(linkTargets), JSON.stringify(chapter.includes ?? []), presenterKey, presenter?.cacheKey?.(chapter) ?? (presenter ? 'uncacheable' : ''));
}
