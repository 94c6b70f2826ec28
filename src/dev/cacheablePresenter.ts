import type { Code } from 'mdast';
import { visit } from 'unist-util-visit';
import type { Book, Chapter } from '../book/model.js';
import type { CodePresenter } from '../render/codePresentation.js';
import { createSamplePresenter } from '../samples/index.js';
import { sha256 } from '../util/hash.js';

/**
 * The presenter `evergreen build` uses (the sample stage's), made cacheable when it does not say what a
 * chapter's presentation depends on: then the key is the presentation itself, block by block. Without a key
 * the renderer would have to render every chapter again on every save.
 */
export async function cacheableSamplePresenter(book: Book): Promise<CodePresenter | undefined> {
  if (book.config.samples === 'none') return undefined;
  const presenter = await createSamplePresenter(book);
  if (presenter.cacheKey) return presenter;
  return Object.assign((chapter: Chapter, node: Code) => presenter(chapter, node), {
    cacheKey: (chapter: Chapter) => {
      const shown: unknown[] = [];
      visit(chapter.tree(), 'code', (node: Code) => {
        shown.push(presenter(chapter, node) ?? null);
      });
      return sha256('presented', JSON.stringify(shown));
    },
  });
}
