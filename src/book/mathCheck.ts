import katex from 'katex';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { BookConfig } from './configSchema.js';
import type { Chapter } from './model.js';

/** KaTeX's options for every formula in the book: the same for checking and for rendering. */
export function katexOptions(config: Pick<BookConfig, 'math'>, displayMode: boolean): katex.KatexOptions {
  // A fresh copy each time: KaTeX writes `\gdef` definitions into the object it is given.
  return { displayMode, macros: { ...(config.math?.macros ?? {}) }, strict: 'ignore', trust: false, output: 'htmlAndMathml' };
}

const verdicts = new Map<string, string | undefined>();

/** A TeX error is an author error at the exact place in the chapter KaTeX points to, never raw TeX on a page. */
export function checkMath(config: Pick<BookConfig, 'math'>, chapter: Chapter): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const formulas = chapter.analysis.features?.math ?? [];
  if (formulas.length === 0) return problems;
  const macros = JSON.stringify(config.math?.macros ?? {});
  for (const formula of formulas) {
    const key = `${formula.display}\0${macros}\0${formula.tex}`;
    let error = verdicts.get(key);
    if (!verdicts.has(key)) {
      error = texError(formula.tex, config, formula.display);
      verdicts.set(key, error);
    }
    if (error === undefined) continue;
    const [message, position] = error.split('\0');
    // A formula from an included file (offset past the chapter's text) is reported at its directive.
    const at =
      position === '' || formula.offset >= chapter.source.length ? { line: formula.line, column: formula.column } : pointAt(chapter.source, formula.offset + Number(position));
    problems.push({
      severity: 'error',
      file: chapter.path,
      ...at,
      message: `TeX error: ${message}`,
      hint:
        formula.tex.trim() === ''
          ? 'Write a formula between the dollar signs, or escape a literal dollar as \\$.'
          : 'Fix the formula (KaTeX supports most of LaTeX math: https://katex.org/docs/supported). Book-wide macros go under `math: macros:` in book.yaml.',
      ruleId: 'math/tex-error',
    });
  }
  return problems;
}

/** KaTeX's message and the offset it points at ('' when it names none), or undefined when the TeX is fine. */
function texError(tex: string, config: Pick<BookConfig, 'math'>, display: boolean): string | undefined {
  if (tex.trim() === '') return 'the formula is empty\0';
  try {
    katex.renderToString(tex, { ...katexOptions(config, display), throwOnError: true });
    return undefined;
  } catch (error) {
    if (!(error instanceof katex.ParseError)) return `${(error as Error).message}\0`;
    const parse = error as katex.ParseError & { rawMessage?: string; position?: number };
    return `${parse.rawMessage ?? parse.message}\0${parse.position ?? ''}`;
  }
}

function pointAt(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf('\n'); i !== -1 && i < offset; i = source.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
