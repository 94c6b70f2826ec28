import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Code } from 'mdast';
import { visit } from 'unist-util-visit';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { normalizeLineEndings } from '../parse/decodeChapter.js';
import { parseFenceMeta } from '../parse/fenceMeta.js';
import type { Chapter, IncludedCode } from './model.js';

/**
 * `include=path/to/file#region` on a fenced block of any language: the block shows that file, or the lines
 * between its `#region NAME` and `#endregion` markers written in the language's own comment (`// #region`,
 * `# region`, `-- #region`, `<!-- #region -->`, `/* #region *\/`…, the markers VS Code folds on). Resolved
 * when the book is loaded, so a missing file or region stops `build` as well as `check`. TypeScript samples
 * are also checked and run from the file (samples/extract.ts); this decides what every reader sees.
 */
export function resolveIncludes(root: string, chapter: Pick<Chapter, 'path' | 'source' | 'tree'>): { includes: IncludedCode[]; diagnostics: Diagnostic[] } {
  const includes: IncludedCode[] = [];
  const diagnostics: Diagnostic[] = [];
  if (!chapter.source.includes('include=')) return { includes, diagnostics };
  visit(chapter.tree(), 'code', (node: Code) => {
    const attribute = parseFenceMeta(node.meta).attributes.find((a) => a.name === 'include');
    const offset = node.position?.start.offset;
    if (!attribute || offset === undefined) return;
    const line = node.position!.start.line;
    const fail = (message: string, hint: string) => diagnostics.push({ severity: 'error', file: chapter.path, line, column: 1, message, hint, ruleId: 'samples/include' });
    const [relPath = '', region] = (attribute.value ?? '').split('#');
    if (!relPath)
      return fail(
        'include= needs a file: include=path/to/file.ts or include=path/to/file.ts#region',
        'Paths in include= are relative to the book project folder (the one that contains manuscript/).',
      );
    const file = path.resolve(root, relPath);
    let content: string;
    try {
      content = normalizeLineEndings(readFileSync(file, 'utf8'));
    } catch {
      return fail(`include: cannot read ${relPath}`, 'Paths in include= are relative to the book project folder (the one that contains manuscript/).');
    }
    let text = content.replace(/\n$/, '');
    if (region) {
      const lines = regionLines(content, region);
      if (!lines) {
        const marker = lineComment(node.lang);
        return fail(
          `include: no "${marker} #region ${region}" … "${marker} #endregion" in ${relPath}`,
          `Mark the lines to show with ${marker} #region ${region} and ${marker} #endregion (in a comment of the file's language).`,
        );
      }
      text = dedent(lines).join('\n');
    }
    includes.push({ offset, path: file, region, text });
  });
  return { includes, diagnostics };
}

/** The text an included block shows, or undefined for an ordinary block. */
export function includedCode(chapter: Pick<Chapter, 'includes'>, node: Code): IncludedCode | undefined {
  const offset = node.position?.start.offset;
  return offset === undefined ? undefined : chapter.includes?.find((i) => i.offset === offset);
}

/** A region marker in any comment syntax: `// #region a`, `# region a`, `<!-- #region a -->`, `/* #endregion *\/`… */
const marker = /^\s*(?:(?:\/\/+|--|;+|%|'|\/\*+|<!--|\(\*|\{-|REM\b)\s*#?|#)\s*(region|endregion)\b[ \t]*([^\s*>)}-][^\s]*)?\s*(?:\*+\/|-->|\*\)|-\})?\s*$/i;

/** Lines between `#region NAME` and its `#endregion` (nested regions allowed, their markers dropped). */
export function regionLines(content: string, region: string): string[] | undefined {
  const lines = content.split('\n');
  const start = lines.findIndex((l) => {
    const m = marker.exec(l);
    return m !== null && m[1]!.toLowerCase() === 'region' && m[2] === region;
  });
  if (start < 0) return undefined;
  let depth = 0;
  const out: string[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const m = marker.exec(lines[i]!);
    if (m && m[1]!.toLowerCase() === 'region') {
      depth++;
      continue;
    }
    if (m && m[1]!.toLowerCase() === 'endregion') {
      if (depth === 0) return out;
      depth--;
      continue;
    }
    out.push(lines[i]!);
  }
  return undefined;
}

const hashComment = new Set([
  'python',
  'py',
  'ruby',
  'rb',
  'bash',
  'sh',
  'shell',
  'zsh',
  'yaml',
  'yml',
  'toml',
  'r',
  'perl',
  'powershell',
  'ps1',
  'dockerfile',
  'makefile',
  'elixir',
  'julia',
  'nim',
  'coffee',
  'cmake',
]);
const dashComment = new Set(['sql', 'lua', 'haskell', 'hs', 'elm', 'ada']);

/** How a marker comment is written in a language, for messages. */
function lineComment(lang: string | null | undefined): string {
  const l = (lang ?? '').toLowerCase();
  if (hashComment.has(l)) return '#';
  if (dashComment.has(l)) return '--';
  return '//';
}

function dedent(lines: string[]): string[] {
  const indents = lines.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)![0].length);
  const min = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(min));
}
