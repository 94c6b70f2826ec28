import { createRequire } from 'node:module';
import { sha256 } from '../../util/hash.js';

const require = createRequire(import.meta.url);
const mermaidVersion = (require('mermaid/package.json') as { version: string }).version;

/** The cache key of a Mermaid diagram: its text and the Mermaid that draws it. */
export function diagramHash(source: string): string {
  return sha256('mermaid', mermaidVersion, source);
}
