import type { Code } from 'mdast';

export interface OutputEdit {
  /** The ```output block to rewrite, or (with `insertAfter`) the sample to add an output block after. */
  node: Code;
  /** New content of the block (without the fences). */
  text: string;
  /** Add a new ```output block after `node` (a sample that prints but shows no output). */
  insertAfter?: boolean;
}

const closingFence = /^[ \t>]*(`{3,}|~{3,})[ \t]*\r?$/;

/**
 * Replaces the contents of ```output blocks in the chapter text, touching only the bytes between each
 * block's fences: the rest of the chapter stays exactly as written (no Markdown re-serialisation).
 * Offsets are the parser's positions in `source`; line ends and the fence's indentation (a list item,
 * a `> ` quote) are kept.
 */
export function rewriteOutputBlocks(source: string, edits: readonly OutputEdit[]): string {
  const eol = source.includes('\r\n') ? '\r\n' : '\n';
  const sorted = [...edits].sort((a, b) => b.node.position!.start.offset! - a.node.position!.start.offset!);
  let result = source;
  for (const { node, text, insertAfter } of sorted) {
    const start = node.position!.start.offset!;
    const end = node.position!.end.offset!;
    const lineStart = result.lastIndexOf('\n', start - 1) + 1;
    const prefix = result.slice(lineStart, start).replace(/[^\s>]/g, ' ');
    if (insertAfter) {
      // A blank line, then the block, in the sample's own container indentation and the file's line ends.
      const fence = /^(`{3,}|~{3,})/.exec(result.slice(start))?.[1]?.[0] === '~' ? '~~~' : '```';
      result = `${result.slice(0, end)}${eol}${prefix.trimEnd() ? prefix.trimEnd() : ''}${eol}${prefix}${fence}output${eol}${indent(text, prefix, eol)}${prefix}${fence}${result.slice(end)}`;
      continue;
    }
    const openingEnd = result.indexOf('\n', start);
    if (openingEnd < 0 || openingEnd >= end) {
      // An unclosed block at the end of the file: add the content and a closing fence.
      const fence = /^(`{3,}|~{3,})/.exec(result.slice(start))?.[1] ?? '```';
      result = `${result.slice(0, end)}${eol}${indent(text, prefix, eol)}${prefix}${fence}${result.slice(end)}`;
      continue;
    }
    const contentStart = openingEnd + 1;
    const lastLineStart = result.lastIndexOf('\n', end - 1) + 1;
    const closed = lastLineStart >= contentStart && closingFence.test(result.slice(lastLineStart, end));
    const contentEnd = closed ? lastLineStart : end;
    const replacement = indent(text, prefix, eol);
    result = result.slice(0, contentStart) + (closed ? replacement : replacement.replace(/\r?\n$/, '')) + result.slice(contentEnd);
  }
  return result;
}

function indent(text: string, prefix: string, eol: string): string {
  if (text === '') return '';
  return text
    .split('\n')
    .map((line) => (line ? prefix + line : prefix.trimEnd()) + eol)
    .join('');
}

/**
 * `rewriteOutputBlocks` on the file's own text: chapters are parsed with normalised line ends
 * (parse/decodeChapter.ts), so the parser's offsets are mapped back onto the file's bytes, and a CRLF
 * or mixed-ending file keeps every line end it had.
 */
export function rewriteOutputBlocksInFile(fileText: string, edits: readonly OutputEdit[]): string {
  if (!fileText.includes('\r')) return rewriteOutputBlocks(fileText, edits);
  const rawOffset: number[] = [];
  for (let i = 0; i < fileText.length; i++) {
    if (fileText[i] === '\r' && fileText[i + 1] === '\n') continue;
    rawOffset.push(i);
  }
  rawOffset.push(fileText.length);
  const mapped = edits.map((edit) => {
    const { start, end } = edit.node.position!;
    const position = { start: { ...start, offset: rawOffset[start.offset!]! }, end: { ...end, offset: rawOffset[end.offset!]! } };
    return { ...edit, node: { ...edit.node, position } };
  });
  return rewriteOutputBlocks(fileText.replace(/\r(?!\n)/g, '\n'), mapped);
}
