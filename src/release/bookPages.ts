import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { publishedDestinationName } from '../render/pdf/destinationNames.js';
import { readLayout } from '../render/pdf/destinations.js';
import type { Book } from '../book/model.js';
import { artifactPath, fetchCommand, type History, openBookHistory, type PublishedRelease } from './history/index.js';

/**
 * Where each chapter and section is printed in a published book PDF, for the redline's "p. 41": the PDF has a
 * named destination for every heading (the print document's ids: `<slug>` for a chapter, `<slug>--<id>` for a
 * section) and page labels that read like the printed numbers.
 */
export interface BookPages {
  /** The PDF's file name, as the redline names it ("page numbers of evergreen-1.2.0.pdf"). */
  name: string;
  /** The printed page number of a chapter's start (`sectionId` '') or of a section heading. */
  pageOf(chapterSlug: string, sectionId: string): string | undefined;
}

export async function readBookPages(file: string, name: string): Promise<BookPages> {
  const layout = await readLayout(new Uint8Array(await readFile(file)), { labels: true });
  return {
    name,
    pageOf(chapterSlug, sectionId) {
      const id = sectionId === '' ? chapterSlug : `${chapterSlug}--${sectionId}`;
      const index = layout.pages.get(publishedDestinationName(id));
      if (index === undefined) return undefined;
      return layout.labels?.[index] ?? String(index + 1);
    },
  };
}

/** The page numbers a redline names: those of the new release's own PDF, or why there are none. */
export async function releasePages(history: History, release: PublishedRelease | undefined, label: string): Promise<{ pages?: BookPages; noPages?: string }> {
  if (!release) return { noPages: `${label} is not a release and has no book PDF to refer to` };
  const pdf = release.artifacts.find((a) => a.kind === 'pdf');
  if (!pdf) return { noPages: `release ${release.version} has no book PDF` };
  const file = artifactPath(history, release, pdf);
  // A clone that has not fetched its artifacts still gets its redline, saying why it names no pages.
  if (!existsSync(file)) return { noPages: `the book PDF of ${release.version} is not here (\`${fetchCommand}\` fetches it)` };
  return { pages: await readBookPages(file, pdf.path.split('/').pop()!) };
}

/** For `evergreen diff A B --pdf`: the page numbers of B's book PDF. */
export async function diffPages(book: Pick<Book, 'root' | 'config'>, to: string): Promise<{ pages?: BookPages; noPages?: string }> {
  // The book's own artifact store; a clone without its artifacts still gets a redline (releasePages says why it has no pages).
  const history = await openBookHistory(book, { missingArtifacts: 'allow' });
  return releasePages(history, history.get(to), to);
}
