// The peer figure for `evergreen build --format html`: pandoc turns each chapter of a book into a
// standalone HTML page with its own syntax highlighting (skylighting), one process per chapter, as a
// Makefile would. Usage: node pandoc-html.mjs MANUSCRIPT_DIR OUT_DIR
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function chapters(dir) {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? chapters(file) : name.endsWith('.md') ? [file] : [];
  });
}

const [manuscript, out] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
for (const [i, file] of chapters(manuscript).entries()) {
  const result = spawnSync('pandoc', ['-f', 'gfm+yaml_metadata_block', '-t', 'html5', '-s', '--metadata', 'pagetitle=Chapter', file, '-o', path.join(out, `${i}.html`)], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`pandoc failed on ${file}: ${result.stderr}`);
}
