import type { Root } from 'mdast';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { VFile } from 'vfile';
import { remarkAlerts } from './alerts.js';
import { remarkChapterOutline } from './chapterOutline.js';
import { remarkCrossRefs } from './crossRefSyntax.js';
import { remarkDollarMath } from './dollarMath.js';
import { remarkIndexTerms } from './indexTerms.js';
import { liftMathLabels } from './mathLabels.js';
import { remarkFrontMatterData } from './frontMatter.js';
import { remarkHeadingIds } from './headingIds.js';
import { remarkUnclosedFences } from './unclosedFence.js';
import { remarkToolCallouts } from './toolCallouts.js';
import { remarkMarkua } from './markua.js';
import { applyExpansions, type SourceExpansion } from './sourceExpansion.js';

/**
 * The one Markdown dialect of Evergreen: CommonMark + GFM (tables, footnotes, task lists, strikethrough,
 * autolinks) + YAML front matter + GitHub alerts (and, as alerts, Quarto's callouts and Markua's asides)
 * + `{#id}` heading ids, with one outline shape (chapterOutline.ts) + `$math$` (pandoc's dollar rules) +
 * pandoc-crossref labels and references + index terms. Every stage that needs a chapter's tree gets it from
 * here, so the HTML, the PDF, the sample checker and the release diff see the same book.
 */
const processor = unified()
  .use(remarkParse)
  .use(remarkFrontmatter, ['yaml'])
  .use(remarkGfm)
  .use(remarkMath)
  .use(remarkDollarMath)
  .use(remarkFrontMatterData)
  .use(remarkMarkua)
  .use(remarkHeadingIds)
  .use(remarkChapterOutline)
  .use(remarkToolCallouts)
  .use(remarkAlerts)
  .use(remarkUnclosedFences)
  .use(remarkCrossRefs)
  .use(remarkIndexTerms)
  .freeze();

export interface ParsedChapter {
  tree: Root;
  file: VFile;
}

export interface ParseOptions {
  /**
   * The chapter's title given in book.yaml: the outline stage (chapterOutline.ts) must know it, as it knows
   * a front-matter one, to decide whether the chapter's `# H1` is its title or a top section.
   */
  title?: string;
  /** Text that stands in for spans of the chapter (mdBook's `{{#include}}`), parsed in their place. */
  expansions?: readonly SourceExpansion[];
}

/** Parses one chapter. Author problems are vfile messages on `file` (fatal ones are errors). */
export function parseMarkdown(source: string, path: string, options: ParseOptions = {}): ParsedChapter {
  if (options.expansions?.length) {
    const expanded = applyExpansions(source, options.expansions);
    const parsed = parseMarkdown(expanded.text, path, { title: options.title });
    expanded.remap(parsed.tree, parsed.file);
    return parsed;
  }
  const lifted = liftMathLabels(source);
  const file = new VFile({ path, value: lifted.source });
  if (options.title !== undefined) file.data.configuredTitle = options.title;
  (file.data as { mathLabels?: Map<number, string> }).mathLabels = lifted.labels;
  let tree: Root;
  const tooDeep = findExcessiveNesting(source);
  if (tooDeep) {
    const message = file.message(`Lists or blockquotes are nested ${tooDeep.depth} levels deep here; Evergreen reads at most ${maxNesting}`, {
      place: { line: tooDeep.line, column: 1 },
      ruleId: 'nesting-too-deep',
      source: 'chapter',
    });
    message.fatal = true;
    (message as { data?: unknown }).data = { hint: 'Flatten the structure (use headings or separate lists); deeper nesting cannot be read reliably.' };
    file.data.frontMatter = {};
    return { tree: { type: 'root', children: [] }, file };
  }
  try {
    tree = processor.runSync(processor.parse(file), file) as Root;
  } catch (error) {
    // Pathological input (e.g. thousands of nested lists) can exhaust the stack in the parser:
    // report it at the chapter instead of crashing the build.
    const message = file.message(`Could not parse this chapter: ${(error as Error).message}`, {
      ruleId: 'parse-failed',
      source: 'chapter',
    });
    message.fatal = true;
    tree = { type: 'root', children: [] };
    file.data.frontMatter ??= {};
  }
  return { tree, file };
}

export { decodeChapter } from './decodeChapter.js';

/** Deeper than any real book nests; the Markdown parser's time grows steeply with nesting depth. */
export const maxNesting = 64;

/**
 * Estimates container nesting per line (leading indentation in steps of two, plus list and blockquote
 * markers) outside fenced code, so pathological input is refused in linear time instead of parsed for minutes.
 */
export function findExcessiveNesting(source: string): { line: number; depth: number } | undefined {
  const lines = source.split('\n');
  let fence: string | undefined;
  const containerPrefix = /^(?:[ \t]*(?:[-*+]|\d{1,9}[.)]|>)(?=[ \t]|$))+/;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fenceMatch = /^[ \t>*+\-\d.)]*?(`{3,}|~{3,})/.exec(line);
    if (fenceMatch) {
      if (fence === undefined) fence = fenceMatch[1][0];
      else if (fenceMatch[1][0] === fence) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const indent = /^[ \t]*/.exec(line)![0].replace(/\t/g, '    ').length;
    const markers = (containerPrefix.exec(line)?.[0].match(/[-*+>]|\d{1,9}[.)]/g) ?? []).length;
    const depth = Math.floor(indent / 2) + markers;
    if (depth > maxNesting) return { line: i + 1, depth };
  }
  return undefined;
}
