/**
 * A worker thread that parses, analyses and renders chapters for the main thread (see chapterWorkers.ts).
 * It keeps the trees it parsed, so a chapter analysed here is rendered here without being parsed twice.
 */
import { parentPort } from 'node:worker_threads';
import type { Code, Root } from 'mdast';
import type { VFile } from 'vfile';
import { analyzeChapter } from '../book/analyzeChapter.js';
import type { Book, Chapter } from '../book/model.js';
import { parseMarkdown } from '../parse/markdown.js';
import type { SourceExpansion } from '../parse/sourceExpansion.js';
import type { CodePresentation } from '../book/codePresentation.js';
import { codeBlocksByChapter, renderChapterHtml } from '../render/shared/chapterHtml.js';
import { highlightForAnotherThread, prepareHighlighter } from '../render/shared/highlight.js';
import type { BookIndex, WorkerRequest, WorkerResponse } from './chapterWorkerProtocol.js';

const parsed = new Map<string, { hash: string; tree: Root; file: VFile }>();
let book: Book | undefined;

function parse(path: string, source: string, hash: string, title: string | undefined, expansions?: readonly SourceExpansion[]): { tree: Root; file: VFile } {
  const hit = parsed.get(path);
  if (hit && hit.hash === hash) return hit;
  const result = { hash, ...parseMarkdown(source, path, { title, expansions }) };
  parsed.set(path, result);
  return result;
}

/** A read-only book model rebuilt from the index the main thread sent: enough for link resolution and rendering. */
function bookFromIndex(index: BookIndex): Book {
  const chapters = index.chapters.map(
    (c, i) =>
      ({
        ...c,
        index: i,
        analysis: { ...c.analysis, links: [], words: 0, search: [], diagnostics: [] },
        tree: () => parse(c.path, c.source, c.hash, c.configuredTitle, c.expansions).tree,
        file: () => parse(c.path, c.source, c.hash, c.configuredTitle, c.expansions).file,
      }) as Chapter,
  );
  return { manuscriptDir: index.manuscriptDir, config: index.config, chapters } as unknown as Book;
}

async function handle(request: WorkerRequest): Promise<WorkerResponse> {
  switch (request.op) {
    case 'analyze': {
      const { tree, file } = parse(request.path, request.source, request.hash, request.title, request.expansions);
      return { id: request.id, analysis: analyzeChapter(tree, file) };
    }
    case 'index':
      book = bookFromIndex(request.index);
      return { id: request.id };
    case 'highlight':
      return { id: request.id, highlighted: await highlightForAnotherThread(request.chapters, request.cacheDir) };
    case 'render': {
      if (!book) throw new Error('render before index');
      const chapter = book.chapters.find((c) => c.path === request.path)!;
      const presentations = request.presentations ? new Map(request.presentations) : undefined;
      const presenter = presentations ? (_chapter: Chapter, node: Code): CodePresentation | undefined => presentations.get(node.position?.start.offset ?? -1) : undefined;
      const highlighter = await prepareHighlighter(codeBlocksByChapter([chapter], presenter), request.cacheDir);
      const rendered = renderChapterHtml({
        book,
        chapter,
        highlighter,
        presenter,
        mode: 'pages',
        diagrams: request.diagrams ? new Map(request.diagrams) : undefined,
        hovers: true,
      });
      return { id: request.id, rendered };
    }
  }
}

// One request at a time: loading a grammar is asynchronous, and Shiki mis-colours code highlighted
// while another grammar is being loaded on the same highlighter.
let queue: Promise<unknown> = Promise.resolve();
parentPort!.on('message', (request: WorkerRequest) => {
  queue = queue.then(() =>
    handle(request).then(
      (response) => parentPort!.postMessage(response),
      (error: unknown) => parentPort!.postMessage({ id: request.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    ),
  );
});
