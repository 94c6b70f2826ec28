import type { DevServer, DevServerOptions } from '../dev/devServer.js';
import type { GetOptions, GetResult } from '../get/getBook.js';
import type { Renderer } from '../render/renderer.js';

/*
 * The heavier stages load on first use, so that importing the API (and starting the CLI) does not pay for
 * the watcher and server, the downloader, or the browser driver.
 */

/** `evergreen dev`: builds the book into `<root>/.evergreen/dev`, serves it and rebuilds on every save. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  return (await import('../dev/devServer.js')).startDevServer(options);
}

/** `evergreen get`: downloads a book's latest version from its reader site, verified, and reports what changed. */
export async function getBook(options: GetOptions): Promise<GetResult> {
  return (await import('../get/getBook.js')).getBook(options);
}

/** The print PDF renderer (headless Chromium, found on the machine, never downloaded). */
export function pdfRenderer(): Renderer {
  return {
    name: 'pdf',
    render: async (ctx) => (await import('../render/pdf/index.js')).pdfRenderer().render(ctx),
  };
}

/** The redline PDF of a diff (insertions underlined, deletions struck, margin bars), printed by headless Chromium. */
export async function redlinePdf(diff: import('../release/diffModel.js').BookDiff, options: import('../release/redline.js').RedlineOptions): Promise<void> {
  return (await import('../release/redline.js')).redlinePdf(diff, options);
}

/** The page numbers a redline of `diff` names: those of its new version's book PDF, or why there are none. */
export async function redlinePages(book: Pick<import('../book/model.js').Book, 'root' | 'config'>, diff: import('../release/diffModel.js').BookDiff) {
  return (await import('../release/bookPages.js')).diffPages(book, diff.to);
}
