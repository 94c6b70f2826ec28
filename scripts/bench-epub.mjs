// EPUB benchmark (part of `npm run bench`): the large generated book (the HTML scenario's: 60 chapters,
// 200,000 words, 1,200 code blocks) built to HTML and EPUB in one cold build, so the two steps are timed in
// the same run on the same machine load. Target: the EPUB step takes at most as long as the HTML build.
// The print page list is measured by the PDF step (timed by the PDF scenario): no browser here.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export async function run({ report, fmt, median, runs, generateBook }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evergreen-bench-epub-'));
  generateBook(dir, { chapters: 60, words: 200_000, codeBlocks: 1200 });
  const { build, openProject } = await import('../lib/index.js');
  const previous = process.env.EVERGREEN_BROWSER;
  process.env.EVERGREEN_BROWSER = 'none';
  const html = [];
  const epub = [];
  let bytes = 0;
  let files = 0;
  try {
    for (let i = 0; i < runs; i++) {
      const project = await openProject({ root: dir, noCache: true });
      const result = await build(project, { formats: ['html', 'epub'] }).finally(() => project.close());
      if (!result.ok) throw new Error(`EPUB build failed: ${result.diagnostics.map((d) => d.message).join('\n')}`);
      html.push(result.stats.htmlMs);
      epub.push(result.stats.epubMs);
      bytes = statSync(/** @type {string} */ (result.outputs.find((o) => o.endsWith('.epub')))).size;
      files = result.stats['epub.xhtmlFiles'];
    }
  } finally {
    if (previous === undefined) delete process.env.EVERGREEN_BROWSER;
    else process.env.EVERGREEN_BROWSER = previous;
    rmSync(dir, { recursive: true, force: true });
  }
  const ratio = median(epub) / median(html);
  report(
    'EPUB step of the large book (cold, API)',
    fmt(median(epub)),
    `${files} XHTML files, ${(bytes / 1e6).toFixed(1)} MB · HTML build in the same run ${fmt(median(html))} (${ratio.toFixed(2)}×) · target ≤ 1×`,
  );
}
