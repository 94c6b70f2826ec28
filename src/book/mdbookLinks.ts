import { readFileSync } from 'node:fs';
import path from 'node:path';
import leven from 'leven';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceExpansion } from '../parse/sourceExpansion.js';

/**
 * mdBook's "links" preprocessor (mdbook-driver's builtin_preprocessors/links.rs), for books whose
 * book.yaml says `dialect: mdbook`: `{{#include file}}`, `{{#include file:anchor}}`, `{{#include file:N}}`,
 * `:N:`, `::M`, `:N:M`; `{{#rustdoc_include …}}` (read as include: rustdoc's hidden `# ` lines are not
 * made); `{{#playground file attrs…}}` (the file as a ```rust block); `{{#title …}}` (removed: the outline
 * names the chapter); `\{{#…}}` (shown without the backslash). Paths are relative to the file that holds
 * the directive; included text is expanded again (up to 10 levels, as mdBook), and every line after the
 * first gets the text in front of the directive (an include indented in a list stays in the list).
 *
 * Unlike mdBook, which logs and leaves the directive in the page, a file that cannot be read, an anchor
 * the file does not have or lines past its end is an error at the directive.
 */
export interface MdBookLinks {
  expansions: SourceExpansion[];
  /** Every file read (absolute), nested includes too: a change to any of them changes the chapter. */
  files: string[];
  diagnostics: Diagnostic[];
}

const directive = /\\\{\{#.*\}\}|\{\{\s*#([a-zA-Z0-9_]+)\s+([^}]+)\}\}/g;
const anchorStart = /ANCHOR:\s*([\w-]+)/;
const anchorEnd = /ANCHOR_END:\s*([\w-]+)/;
const maxDepth = 10;

class IncludeProblem extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

export function expandMdBookLinks(source: string, chapterPath: string): MdBookLinks {
  const result: MdBookLinks = { expansions: [], files: [], diagnostics: [] };
  if (!source.includes('{{')) return result;
  const lineStarts = [0];
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  for (const match of source.matchAll(directive)) {
    const start = match.index;
    const lineStart = source.lastIndexOf('\n', start - 1) + 1;
    try {
      const text = renderDirective(match, path.dirname(chapterPath), source.slice(lineStart, start), 0, result.files, [chapterPath]);
      if (text !== undefined) result.expansions.push({ start, end: start + match[0].length, text });
    } catch (error) {
      if (!(error instanceof IncludeProblem)) throw error;
      const line = lineStarts.findLastIndex((s) => s <= start) + 1;
      result.diagnostics.push({
        severity: 'error',
        file: chapterPath,
        line,
        column: start - lineStart + 1,
        message: error.message,
        hint: error.hint,
        ruleId: 'chapter/mdbook-include',
      });
    }
  }
  result.files = [...new Set(result.files)];
  return result;
}

/** What one directive stands for, or undefined for one mdBook leaves to other preprocessors. */
function renderDirective(match: RegExpMatchArray, base: string, prefix: string, depth: number, files: string[], stack: string[]): string | undefined {
  if (match[0].startsWith('\\')) return match[0].slice(1);
  const kind = match[1]!;
  const [target = '', ...attributes] = match[2]!.trim().split(/\s+/);
  if (kind === 'title') return '';
  if (kind !== 'include' && kind !== 'rustdoc_include' && kind !== 'playground' && kind !== 'playpen') return undefined;
  const isPlayground = kind === 'playground' || kind === 'playpen';
  const colon = target.indexOf(':');
  const relPath = isPlayground || colon < 0 ? target : target.slice(0, colon);
  const selector = isPlayground || colon < 0 ? undefined : target.slice(colon + 1);
  const file = path.resolve(base, relPath);
  if (stack.includes(file))
    throw new IncludeProblem(
      `{{#${kind}}} of ${relPath} includes itself (${[...stack, file].map((f) => path.basename(f)).join(' → ')})`,
      'Remove the include that closes the circle.',
    );
  if (depth >= maxDepth)
    throw new IncludeProblem(`includes are nested more than ${maxDepth} levels deep at ${relPath}`, 'mdBook stops at 10 levels too; check for includes that include each other.');
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch {
    throw new IncludeProblem(
      `{{#${kind}}}: cannot read ${relPath} (looked for ${file})`,
      `mdBook resolves the path from the folder of the file that holds the directive (${base}); fix the path or create the file.`,
    );
  }
  files.push(file);
  let text: string;
  if (isPlayground) {
    const body = content.endsWith('\n') ? content : `${content}\n`;
    text = `\`\`\`rust${attributes.length ? `,${attributes.join(',')}` : ''}\n${body}\`\`\`\n`;
  } else text = selectLines(content, selector, relPath, kind);
  // Included text is read for directives of its own, relative to its own folder.
  const nested = [...text.matchAll(directive)];
  if (nested.length > 0) {
    let out = '';
    let cursor = 0;
    for (const m of nested) {
      const lineStart = text.lastIndexOf('\n', m.index - 1) + 1;
      const inner = renderDirective(m, path.dirname(file), text.slice(lineStart, m.index), depth + 1, files, [...stack, file]);
      out += text.slice(cursor, m.index) + (inner ?? m[0]);
      cursor = m.index + m[0].length;
    }
    text = out + text.slice(cursor);
  }
  // Rust's str::lines(): a final line end (and \r before \n) does not make a line.
  return splitLines(text).join(`\n${prefix}`);
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (text.endsWith('\n')) lines.pop();
  return lines;
}

/** mdBook's parse_range_or_anchor with take_lines / take_anchored_lines. */
function selectLines(content: string, selector: string | undefined, relPath: string, kind: string): string {
  const lines = splitLines(content);
  const parts = (selector ?? '').split(':');
  const first = parts[0];
  const asNumber = (s: string | undefined) => (s !== undefined && /^\+?\d+$/.test(s) ? Number(s) : undefined);
  if (selector !== undefined && first !== '' && asNumber(first) === undefined) return anchoredLines(lines, first!, relPath, kind);
  const startNumber = asNumber(first);
  const start = startNumber === undefined ? 0 : Math.max(0, startNumber - 1);
  const endPart = parts.length > 1 ? parts[1] : undefined;
  const end =
    startNumber !== undefined && endPart === undefined
      ? start + 1 // `file:N`: line N alone
      : (asNumber(endPart) ?? lines.length);
  if (startNumber !== undefined && start >= lines.length) {
    throw new IncludeProblem(
      `{{#${kind} ${relPath}:${selector}}}: ${relPath} has ${lines.length} line${lines.length === 1 ? '' : 's'}, so line ${startNumber} is past its end`,
      'Fix the line numbers, or mark the lines with ANCHOR: name / ANCHOR_END: name comments and include file:name (anchors survive edits).',
    );
  }
  return lines.slice(start, Math.max(start, end)).join('\n');
}

function anchoredLines(lines: string[], anchor: string, relPath: string, kind: string): string {
  const kept: string[] = [];
  let inside = false;
  let found = false;
  for (const line of lines) {
    if (inside) {
      const endMatch = anchorEnd.exec(line);
      if (endMatch) {
        if (endMatch[1] === anchor) break;
        continue;
      }
      // Markers of other anchors inside this one are left out, as mdBook does.
      if (!anchorStart.test(line)) kept.push(line);
    } else if (anchorStart.exec(line)?.[1] === anchor) {
      inside = found = true;
    }
  }
  if (!found) {
    const known = [...new Set(lines.flatMap((l) => anchorStart.exec(l)?.[1] ?? []))];
    const suggestion = known.map((name) => ({ name, distance: leven(name, anchor) })).sort((a, b) => a.distance - b.distance)[0];
    const close = suggestion && suggestion.distance <= Math.max(2, Math.floor(anchor.length / 3)) ? suggestion.name : undefined;
    throw new IncludeProblem(
      `{{#${kind} ${relPath}:${anchor}}}: ${relPath} has no "ANCHOR: ${anchor}"${close ? `; did you mean "${close}"?` : ''}`,
      known.length
        ? `Its anchors are: ${known.join(', ')}. Or mark the lines with ANCHOR: ${anchor} and ANCHOR_END: ${anchor} comments.`
        : `Mark the lines to include with ANCHOR: ${anchor} and ANCHOR_END: ${anchor} (in comments of the file's language).`,
    );
  }
  return kept.join('\n');
}
