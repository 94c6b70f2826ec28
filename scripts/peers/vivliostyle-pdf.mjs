// The peer figure for the print PDF: Vivliostyle CLI (VFM Markdown, CSS paged media in Chromium) makes one
// PDF of a book's chapters in book.yaml's order, with its default theme (no syntax highlighting, no types).
// Not a dependency of Evergreen: `npm run bench` uses it when VIVLIOSTYLE names its `vivliostyle` binary
// (install with `npm install --prefix DIR @vivliostyle/cli`). Usage: node vivliostyle-pdf.mjs BOOK_ROOT OUT.pdf
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [root, out] = process.argv.slice(2);
const manuscript = path.resolve(root, 'manuscript');
const yaml = readFileSync(path.join(manuscript, 'book.yaml'), 'utf8');
const title = /^title:\s*(.+)$/m.exec(yaml)?.[1]?.replace(/^["']|["']$/g, '') ?? 'Book';
const chapters = [...yaml.matchAll(/^ {2}- "?(.+?)"?$/gm)].map((m) => m[1]);
const work = mkdtempSync(path.join(os.tmpdir(), 'vivliostyle-peer-'));
try {
  const config = path.join(work, 'vivliostyle.config.json');
  writeFileSync(config, JSON.stringify({ title, size: 'A4', entryContext: manuscript, entry: chapters, output: [path.resolve(out)], workspaceDir: path.join(work, 'ws') }));
  const browser = process.env.PUPPETEER_EXECUTABLE_PATH ?? '/usr/bin/chromium';
  const result = spawnSync(process.env.VIVLIOSTYLE, ['build', '-c', config, '--executable-browser', browser, '--log-level', 'silent'], { encoding: 'utf8', cwd: work });
  if (result.status !== 0) throw new Error(`vivliostyle failed (${result.status}): ${result.stderr}${result.stdout}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
