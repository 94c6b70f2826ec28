import { resolveLink } from '../../book/links.js';
import type { Book, Chapter } from '../../book/model.js';
import type { CodePresenter } from '../../book/codePresentation.js';
import { crossRefTable } from '../../book/crossRefs.js';
import { sha256 } from '../../util/hash.js';
import { toolchainFingerprint } from '../../util/version.js';

/**
 * A chapter's rendered body depends on its text, the pages its links point to, how code is presented, the
 * numbers of what it cross-references (and of its own labels), and the book's TeX macros.
 */
export function chapterRenderKey(book: Book, chapter: Chapter, presenterKey = '', presenter?: CodePresenter): string {
  const linkTargets = chapter.analysis.links.map((l) => {
    const r = resolveLink(book, chapter, l.url);
    return r.kind === 'chapter' ? `${r.chapter.slug}#${r.anchor ?? ''}` : r.kind;
  });
  const features = chapter.analysis.features;
  const table = features && (features.uses.length > 0 || features.labels.length > 0) ? crossRefTable(book) : undefined;
  const numbers = table
    ? [...features!.uses, ...features!.labels].map((r) => {
        const t = table.get(r.key);
        return t ? `${t.chapter.slug}#${t.id}=${t.text}` : '';
      })
    : [];
  const macros = features?.math.length ? JSON.stringify(book.config.math?.macros ?? {}) : '';
  return sha256(
    'html',
    toolchainFingerprint(),
    chapter.hash,
    chapter.slug,
    chapter.title,
    JSON.stringify(linkTargets),
    JSON.stringify(chapter.includes ?? []),
    JSON.stringify(numbers),
    macros,
    presenterKey,
    presenter?.cacheKey?.(chapter) ?? (presenter ? 'uncacheable' : ''),
  );
}
