/**
 * Decodes a chapter file strictly: a binary file or invalid UTF-8 is an author error at the bad byte,
 * not mojibake. Line endings are normalised here, once, so every later stage (the Markdown parser, sample
 * notation such as `// ^?`, positions) sees `\n` only; `check --update` maps back to the file's own bytes.
 */
export function decodeChapter(bytes: Uint8Array): { text: string } | { problem: string; line: number; column: number } {
  const nul = bytes.subarray(0, 8192).indexOf(0);
  if (nul >= 0) return { problem: 'this file is binary (it contains NUL bytes), not Markdown text', ...positionOf(bytes, nul) };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    return { problem: `this file is not valid UTF-8 (byte 0x${bytes[bad]?.toString(16).padStart(2, '0') ?? '??'} at offset ${bad})`, ...positionOf(bytes, bad) };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text: normalizeLineEndings(text) };
}

/** CRLF and lone CR become LF. */
export function normalizeLineEndings(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/** 1-based line and column (in characters) of a byte offset, counting only the valid text before it. */
function positionOf(bytes: Uint8Array, offset: number): { line: number; column: number } {
  const lineStart = bytes.lastIndexOf(0x0a, offset - 1) + 1;
  let line = 1;
  for (let i = 0; i < lineStart; i++) if (bytes[i] === 0x0a) line++;
  const before = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, offset)).replace(/^\uFEFF/, '');
  return { line, column: [...before].length + 1 };
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence (RFC 3629). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need = 0;
    let min = 0;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let code = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += need + 1;
  }
  return bytes.length;
}
