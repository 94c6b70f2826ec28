#!/usr/bin/env node
// Thin launcher: the CLI lives in the compiled library (lib/), built by `npm install` (prepare).
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

const entry = new URL('../lib/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('evergreen: the toolchain is not compiled yet. Run `npm install` (or `npm run compile`) in the evergreen-book package.\n');
  process.exit(2);
}
// Node >= 22.1 keeps V8's compiled code for the CLI's modules on disk (in the OS temp folder): every
// command starts faster after the first. Node 20 has no such cache and skips this.
module.enableCompileCache?.();
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
