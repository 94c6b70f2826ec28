import { parentPort } from 'node:worker_threads';
import { CheckSession } from '../samples/index.js';

/**
 * The sample checker of `evergreen dev`, in a worker thread: type-checking is synchronous work that would
 * otherwise hold up the server (and the next rebuild) for hundreds of milliseconds. The session keeps the
 * TypeScript program and the runner processes warm between checks.
 */
export type CheckRequest = { type: 'check'; id: number; root: string; files: string[] } | { type: 'close' };
export type CheckReply = { id: number; diagnostics?: import('../diagnostics/diagnostic.js').Diagnostic[]; error?: string };

const session = new CheckSession();
parentPort?.on('message', async (message: CheckRequest) => {
  if (message.type === 'close') {
    // Kills the runners and removes their folder; exiting at once (this thread only) keeps a check in
    // flight from starting new ones.
    session.close();
    process.exit(0);
  }
  try {
    const result = await session.check({ root: message.root, files: message.files });
    parentPort?.postMessage({ id: message.id, diagnostics: result.diagnostics } satisfies CheckReply);
  } catch (error) {
    parentPort?.postMessage({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies CheckReply);
  }
});
