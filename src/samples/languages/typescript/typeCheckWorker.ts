/**
 * The type-check thread (typeCheckThread.ts starts it): loads the compiler, parses the lib files and
 * packages' types as soon as it starts, then type-checks the samples it is sent, one result per message.
 */
import { parentPort } from 'node:worker_threads';
import type { Diagnostic } from '../../../diagnostics/diagnostic.js';
import type { Sample } from '../../types.js';
import { bookCompilerOptions } from './compilerOptions.js';
import { loadTypeScriptPackage } from './resolve.js';
import { SampleTypeChecker } from './typeCheck.js';
import type { TypeCheckRequest, TypeCheckResponse, WireSample } from './typeCheckProtocol.js';

const port = parentPort;
if (!port) throw new Error('typeCheckWorker.js runs as a worker thread');
const send = (response: TypeCheckResponse) => port.postMessage(response);

let ts: ReturnType<typeof loadTypeScriptPackage> | undefined;
let loadedIn = 0;
let checker: SampleTypeChecker | undefined;
let configFiles: string[] = [];
// Requests are handled one after the other: a check waits for the start (and an earlier check) to finish.
let queue: Promise<void> = Promise.resolve();

port.on('message', (request: TypeCheckRequest) => {
  queue = queue.then(() => handle(request)).catch((error: unknown) => send({ op: 'failed', id: request.op === 'check' ? request.id : undefined, message: messageOf(error) }));
});

async function handle(request: TypeCheckRequest): Promise<void> {
  if (request.op === 'load') {
    const t0 = performance.now();
    ts = loadTypeScriptPackage(request.pkg);
    loadedIn = performance.now() - t0;
    return;
  }
  if (!ts) throw new Error('internal: type-check thread started before its compiler was loaded');
  if (request.op === 'start') {
    const t1 = performance.now();
    const diagnostics: Diagnostic[] = [];
    configFiles = [];
    const options = bookCompilerOptions(ts, request.book, diagnostics, {}, configFiles);
    checker = new SampleTypeChecker(ts, request.book, options, (sample) => (sample as unknown as WireSample).wantsHovers);
    send({ op: 'started', diagnostics });
    checker.warmUp();
    if (process.env.EVERGREEN_PROFILE)
      process.stderr.write(
        `type-check thread: compiler loaded in ${Math.round(loadedIn)} ms, lib files parsed in ${Math.round(performance.now() - t1)} ms (${Math.round(performance.now())} ms after the thread started)\n`,
      );
    return;
  }
  if (!checker) throw new Error('internal: type-check thread asked to check before it was started');
  const samples = request.samples as unknown as Sample[];
  const index = new Map(samples.map((s, i) => [s, i]));
  await checker.checkAll(
    samples,
    (s) => request.emit[index.get(s)!] ?? false,
    (s, result) => send({ op: 'result', id: request.id, index: index.get(s)!, result }),
  );
  send({ op: 'done', id: request.id, filesRead: [...new Set([...configFiles, ...checker.filesRead()])].sort() });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
