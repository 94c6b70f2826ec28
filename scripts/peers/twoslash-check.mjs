// The peer figure for `evergreen check`: twoslash (the TypeScript website's tool) type-checks every
// `ts twoslash` fence of a book, one twoslasher call per block with a shared compiler cache, as the
// website's build does. Runs nothing (twoslash never runs samples). Prints one JSON line.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createTwoslasher } from 'twoslash';

function chapters(dir) {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? chapters(file) : name.endsWith('.md') ? [file] : [];
  });
}

const started = performance.now();
const twoslasher = createTwoslasher();
let blocks = 0;
let failed = 0;
for (const file of chapters(process.argv[2])) {
  const text = readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
  for (const match of text.matchAll(/^```(ts|tsx|js)\s+twoslash[^\n]*\n([\s\S]*?)^```/gm)) {
    blocks++;
    try {
      twoslasher(match[2], match[1]);
    } catch {
      failed++;
    }
  }
}
console.log(JSON.stringify({ blocks, failed, ms: performance.now() - started }));
