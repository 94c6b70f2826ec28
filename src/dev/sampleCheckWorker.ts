import { parentPort } from 'node:worker_threads';
import { openProject, type Project } from '../driver/project.js';
import { CheckSession } from '../samples/index.js';

/**
 * The sample checker of `evergreen dev`, in a worker thread: type-checking is synchronous work that would
 * otherwise hold up the server (and the next rebuild) for hundreds of milliseconds. The session keeps the
 * TypeScript program and the runner processes warm between checks; the thread keeps its own project (a book
 * model cannot cross threads), reloading only the chapters it is asked to check.
 */
export type CheckRequest = { type: 'check'; id: number; root: string; files: string[] } | { type: 'close' };
export type CheckReply = { id: number; diagnostics?: import('../diagnostics/diagnostic.js').Diagnostic[]; error?: string };

const session = new CheckSession();
let project: Project | undefined;
parentPort?.on('message', async (message: CheckRequest) => {
  if (message.type === 'close') {
    // Kills the runners and removes their folder; exiting at once (this thread only) keeps a check in
    // flight from starting new ones.
    session.close();
    process.exit(0);
  }
  try {
    if (project?.root === message.root) await project.reload(new Set(message.files));
    else project = await openProject({ root: message.root, workers: false });
    const result = await session.check({ book: project.book, files: message.files });
    parentPort?.postMessage({ id: message.id, diagnostics: result.diagnostics } satisfies CheckReply);
  } catch (error) {
    parentPort?.postMessage({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies CheckReply);
  }
});
