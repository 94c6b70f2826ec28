import type { IncomingMessage, ServerResponse } from 'node:http';

/** A problem shown in the browser's overlay (and printed in the terminal). */
export interface OverlayProblem {
  /** `manuscript/intro.md:12:5`, relative to the book project. */
  location: string;
  message: string;
  hint?: string;
  details?: string;
  /** Where it came from: the build (book.yaml, a chapter) or the sample checker. */
  source: 'build' | 'samples';
}

/** Messages sent to open pages over Server-Sent Events. */
export type LiveEvent =
  | { type: 'reload'; pages: string[] | 'all'; build: string }
  | { type: 'css'; stylesheets: string[]; build: string }
  | { type: 'problems'; problems: OverlayProblem[] };

/** The URL path of the event stream. */
export const eventsPath = '/__evergreen/events';

/**
 * The live-reload channel: one SSE stream per open page. Every build that changes output gets a number;
 * pages are stamped with the number they were served at, so a page whose stream connects only after a
 * rebuild (a race on slow machines) still learns that it is stale and reloads.
 */
export class LiveReloadHub {
  private readonly clients = new Set<ServerResponse>();
  private problems: OverlayProblem[] = [];
  private buildNumber = 0;
  private allChangedAt = 0;
  private readonly pageChangedAt = new Map<string, number>();
  private heartbeat: NodeJS.Timeout | undefined;
  /** Last event sent, for tests and the benchmark. */
  onSend?: (event: LiveEvent) => void;

  /** Differs on every server start: a page served by an earlier session is always reloaded. */
  readonly session = Math.random().toString(36).slice(2, 10);

  /** What a page is stamped with when served: `session:build`. */
  get stamp(): string {
    return `${this.session}:${this.buildNumber}`;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Records a build's changed pages and tells open pages what to reload. */
  published(changes: { pages: string[] | 'all'; stylesheets: string[] }): void {
    if (changes.pages !== 'all' && changes.pages.length === 0 && changes.stylesheets.length === 0) return;
    this.buildNumber++;
    if (changes.pages === 'all') this.allChangedAt = this.buildNumber;
    else for (const page of changes.pages) this.pageChangedAt.set(page, this.buildNumber);
    if (changes.pages === 'all' || changes.pages.length > 0) this.send({ type: 'reload', pages: changes.pages, build: this.stamp });
    else this.send({ type: 'css', stylesheets: changes.stylesheets, build: this.stamp });
  }

  setProblems(problems: OverlayProblem[]): void {
    if (JSON.stringify(problems) === JSON.stringify(this.problems)) return;
    this.problems = problems;
    this.send({ type: 'problems', problems });
  }

  currentProblems(): OverlayProblem[] {
    return this.problems;
  }

  /** Opens an event stream. `?page=/intro.html&build=session:N` tells what the page was served as. */
  connect(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://localhost');
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.write('retry: 500\n\n');
    this.clients.add(response);
    request.on('close', () => this.clients.delete(response));
    this.heartbeat ??= setInterval(() => this.comment('ping'), 15_000).unref();
    write(response, { type: 'problems', problems: this.problems });
    if (this.isStale(url.searchParams.get('page') ?? '/', url.searchParams.get('build') ?? '')) {
      write(response, { type: 'reload', pages: 'all', build: this.stamp });
    }
  }

  private isStale(page: string, served: string): boolean {
    const [session, number] = served.split(':');
    if (session !== this.session) return served !== '';
    const at = Number(number);
    const normal = page === '/' ? '/index.html' : page.endsWith('.html') ? page : `${page}.html`;
    return this.allChangedAt > at || (this.pageChangedAt.get(normal) ?? 0) > at;
  }

  private send(event: LiveEvent): void {
    this.onSend?.(event);
    for (const client of this.clients) write(client, event);
  }

  private comment(text: string): void {
    for (const client of this.clients) client.write(`: ${text}\n\n`);
  }

  /** Ends every stream (the server is stopping). */
  close(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    for (const client of this.clients) client.end();
    this.clients.clear();
  }
}

function write(response: ServerResponse, event: LiveEvent): void {
  response.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
}
