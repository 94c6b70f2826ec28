import { createRequire } from 'node:module';
import { sha256 } from '../../util/hash.js';

const require = createRequire(import.meta.url);
export const mermaidVersion = (require('mermaid/package.json') as { version: string }).version;

/** How Evergreen has Mermaid draw (mermaidPages.ts); a change there draws every diagram again. */
const drawing = 'labels measured in Inter';

/** The cache key of a Mermaid diagram: its text and the Mermaid that draws it. */
export function diagramHash(source: string): string {
  return sha256('mermaid', mermaidVersion, drawing, source);
}
