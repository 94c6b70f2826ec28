import type { Code } from 'mdast';
import type { Chapter } from './model.js';
import { parseFenceMeta } from '../parse/fenceMeta.js';
import { includedCode } from './includes.js';

/**
 * How a code block is shown in the book (HTML and PDF). The renderers draw it; the sample checker
 * decides it for samples (hiding `---cut---` setup and twoslash directives, filling in `^?` types).
 */
export interface CodePresentation {
  /** Language for syntax highlighting (`ts`, `bash`…); `output` for a sample's printed output. */
  lang: string;
  /** The text shown to the reader. */
  code: string;
  /** 1-based line numbers in `code` to emphasise. */
  highlightLines: number[];
  /** Caption, e.g. a file name. */
  title?: string;
  kind: 'code' | 'sample' | 'output';
  /** Types shown under a line, twoslash-style (`^?` queries). `line` is 1-based in `code`, `column` 1-based. */
  typeAnnotations: { line: number; column: number; text: string }[];
  /** Errors the sample expects (`@errors`, `~~~`), shown under their line. */
  errorAnnotations: { line: number; column: number; text: string }[];
  /** Type hovers (quick info) on identifiers: `line` 1-based in `code`, `column` 1-based, `length` in characters. HTML only. */
  hovers?: CodeHover[];
}

export interface CodeHover {
  line: number;
  column: number;
  length: number;
  /** Quick info, e.g. `const user: User`. */
  text: string;
  /** Documentation and JSDoc tags, as plain text. */
  docs?: string;
}

/**
 * Decides the presentation of one code block, or returns undefined to use the default. The sample
 * stage provides one of these to `build()`; the model itself is never changed.
 */
export type CodePresenter = ((chapter: Chapter, node: Code) => CodePresentation | undefined) & {
  /**
   * Everything besides the chapter's own text that the presentations of its blocks depend on (included
   * files, types from the checker…), so renderers can cache a chapter's output safely.
   */
  cacheKey?: (chapter: Chapter) => string;
  /** How many samples making this presenter had to type-check (0 when `check` had stored every result). */
  typeChecked?: number;
};

export function defaultCodePresentation(node: Code): CodePresentation {
  const meta = parseFenceMeta(node.meta);
  const lang = (node.lang ?? '').toLowerCase();
  return {
    lang,
    code: node.value,
    highlightLines: meta.highlightLines,
    title: meta.title,
    kind: lang === 'output' ? 'output' : 'code',
    typeAnnotations: [],
    errorAnnotations: [],
  };
}

/** The presentation of a block no presenter claimed: as written, or the file it includes. */
export function bookCodePresentation(chapter: Pick<Chapter, 'includes'>, node: Code): CodePresentation {
  const base = defaultCodePresentation(node);
  const included = includedCode(chapter, node);
  if (!included) return base;
  return { ...base, code: included.text, title: base.title ?? included.path.split(/[\\/]/).pop() };
}
