/**
 * The thread that drives Chromium for Mermaid (see mermaidThread.ts). Puppeteer talks to the browser over
 * messages that need an idle event loop; on the main thread they wait behind each chapter being parsed or
 * rendered, so the browser's start and every drawing stood still while the build ran. Here they do not.
 */
import { parentPort } from 'node:worker_threads';
import { MermaidPages } from './mermaidPages.js';
import type { MermaidRequest, MermaidResponse } from './mermaidThread.js';

let pages: Promise<MermaidPages> | undefined;

parentPort!.on('message', async (request: MermaidRequest) => {
  const reply = (response: MermaidResponse) => parentPort!.postMessage(response);
  try {
    if (request.op === 'start') {
      pages = MermaidPages.start(request.executablePath);
      await pages;
      reply({ id: request.id });
    } else if (request.op === 'draw') {
      const drawn = await (await pages!).draw(request.diagrams);
      reply({ id: request.id, drawn: [...drawn] });
    } else {
      await (await pages?.catch(() => undefined))?.close();
      reply({ id: request.id });
    }
  } catch (error) {
    reply({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
});
