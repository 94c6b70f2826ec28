import { readFileSync } from 'node:fs';
import path from 'node:path';
import leven from 'leven';
import type { Code, Parent } from 'mdast';
import { visit } from 'unist-util-visit';
import type { Book, Chapter } from '../book/model.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { parseFenceMeta } from '../parse/fenceMeta.js';
import { expandedBlockLines } from '../parse/sourceExpansion.js';
import { cacheRoot, DiskCache } from '../util/diskCache.js';
import { toolchainFingerprint } from '../util/version.js';
import { extractRegion, parseDirectives, targetLineAbove } from './directives.js';
import { languageOfFence, sampleFences } from './languages/registry.js';
import { literateTsDirective, resolvePolicy, type RunPolicy } from './policy.js';
import { defaultMemoryMb } from './runner/sandbox/settings.js';
import type { LineOrigin, Sample, SampleFile } from './types.js';

/** Fence languages that are samples (TypeScript, TSX, JavaScript: every language of the registry). */
export const sampleLanguages = sampleFences;

/** Every attribute the fence info string may carry; anything else is probably a typo (`norun`). */
export const knownAttributes = ['check', 'no-run', 'run', 'no-check', 'throws', 'id', 'continue', 'twoslash', 'timeout', 'include', 'network', 'memory', 'no-hovers'];

export const defaultTimeoutMs = 10_000;

/**
 * The statement placed between a continued sample's code and the continuing one's: the runner splits the
 * output there, so a `continue` sample is compared on its own output only.
 */
export const continueMarker = '(globalThis as any)[Symbol.for("evergreen.continue")]?.();';

export interface ExtractResult {
  samples: Sample[];
  diagnostics: Diagnostic[];
}

/** Finds the samples of the given chapters (all when omitted), following `book.yaml`'s `samples:` mode. */
export function extractSamples(book: Book, chapters: readonly Chapter[] = book.chapters, strict = false, noCache = false): ExtractResult {
  const samples: Sample[] = [];
  const diagnostics: Diagnostic[] = [];
  const cache = noCache ? undefined : new DiskCache<CodeBlock[]>(cacheRoot(book.root), `code-blocks-${toolchainFingerprint()}`);
  const policy = resolvePolicy(book, (chapter) => codeBlocks(chapter, cache).map((b) => b.node));
  if (policy.samples === 'none') return { samples, diagnostics };
  for (const chapter of chapters) extractChapter(book, chapter, policy.samples, policy.run, strict, samples, diagnostics, cache);
  return { samples, diagnostics };
}

/** A fenced code block, the one right after it (its output block, when that is ```output), and an HTML comment right before it. */
interface CodeBlock {
  node: Code;
  next?: Code;
  /** literate-ts puts its directives in an HTML comment before the fence (`<!-- verifier:skip -->`). */
  comment?: string;
}

/**
 * The chapter's code blocks, from its syntax tree, or from a cache keyed by the chapter's content hash:
 * parsing Markdown is most of the time of a warm check (0.3 s for a 300-sample book), so an unchanged
 * chapter is not parsed at all.
 */
function codeBlocks(chapter: Chapter, cache: DiskCache<CodeBlock[]> | undefined): CodeBlock[] {
  const hit = cache?.get(chapter.hash);
  if (hit) return hit;
  const blocks: CodeBlock[] = [];
  visit(chapter.tree(), 'code', (node: Code, index, parent: Parent | undefined) => {
    const next = parent && index !== undefined ? parent.children[index + 1] : undefined;
    const previous = parent && index !== undefined && index > 0 ? parent.children[index - 1] : undefined;
    const strip = (c: Code): Code => ({ type: 'code', lang: c.lang, meta: c.meta, value: c.value, position: c.position });
    const comment = previous?.type === 'html' && /^<!--[\s\S]*-->$/.test(previous.value.trim()) ? previous.value.trim() : undefined;
    blocks.push({ node: strip(node), next: next?.type === 'code' ? strip(next) : undefined, comment });
  });
  cache?.set(chapter.hash, blocks);
  return blocks;
}

function extractChapter(
  book: Book,
  chapter: Chapter,
  mode: 'all' | 'marked',
  runPolicy: RunPolicy,
  strict: boolean,
  out: Sample[],
  diagnostics: Diagnostic[],
  cache: DiskCache<CodeBlock[]> | undefined,
): void {
  const sourceLines = chapter.source.split(/\r?\n/);
  const inChapter: Sample[] = [];
  const severity = strict ? 'error' : 'warning';
  for (const { node, next, comment } of codeBlocks(chapter, cache)) {
    const lang = (node.lang ?? '').toLowerCase();
    const language = languageOfFence(lang);
    if (!language || !node.position) continue;
    const meta = parseFenceMeta(node.meta);
    const names = new Set(meta.attributes.map((a) => a.name));
    if (mode === 'marked' && !names.has('check') && !names.has('twoslash')) continue;
    const fenceLine = node.position.start.line;
    const literate = comment ? literateTsDirective(comment) : undefined;
    if (literate) {
      // literate-ts's sample directives change what is checked; ignoring one would pass what it meant to skip or combine.
      diagnostics.push({
        severity: 'error',
        file: chapter.path,
        line: node.position.start.line - 1,
        column: 1,
        message: `literate-ts directive "${literate}" is not supported`,
        hint: "Evergreen reads literate-ts's // ~~~ errors, // type is and ^? assertions; for the rest use fence attributes: no-check instead of verifier:skip, id=NAME (on the fence) instead of <!-- #NAME -->, continue=NAME instead of prepend-to-following, an ```output block right after the sample instead of #NAME-output, // @flag: value instead of verifier:tsconfig, ```tsx instead of next-is-tsx.",
        ruleId: 'samples/literate-ts-directive',
      });
    }
    const metaColumn = (sourceLines[fenceLine - 1] ?? '').indexOf(node.meta ?? '\u0000') + 1;
    for (const attribute of meta.attributes) {
      if (knownAttributes.includes(attribute.name)) continue;
      const suggestion = knownAttributes.find((k) => leven(k, attribute.name) <= 2);
      diagnostics.push({
        severity,
        file: chapter.path,
        line: fenceLine,
        column: metaColumn > 0 ? metaColumn + attribute.offset : node.position.start.column,
        message: `Unknown sample attribute "${attribute.name}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
        hint: `Sample attributes are: ${knownAttributes.join(', ')}, title="…" and {1,3-5}.`,
        ruleId: 'samples/unknown-attribute',
      });
    }
    const attr = (name: string) => meta.attributes.find((a) => a.name === name);
    const firstLine = fenceLine + 1;
    const blockLines = node.value === '' ? [] : node.value.split('\n');
    // Lines an mdBook {{#include}} brought in are reported at the directive's line (dialect: mdbook).
    const fromIncludedText = (node.position.start.offset ?? 0) > chapter.source.length;
    const expandedLines = fromIncludedText ? blockLines.map(() => fenceLine) : expandedBlockLines(chapter.source, chapter.expansions, firstLine, blockLines.length);
    const origins: LineOrigin[] = blockLines.map((text, i) => {
      const line = expandedLines?.[i] ?? firstLine + i;
      const source = sourceLines[line - 1] ?? '';
      return { file: chapter.path, line, indent: source.endsWith(text) ? source.length - text.length : 0 };
    });
    const directives = parseDirectives(blockLines);
    const hiddenLines = new Set(directives.notationLines);
    if (directives.cutLine !== undefined) for (let i = 0; i <= directives.cutLine; i++) hiddenLines.add(i);
    const at = (line: number, column: number) => ({ file: chapter.path, line: origins[line]?.line ?? firstLine + line, column: column + 1 + (origins[line]?.indent ?? 0) });
    for (const problem of directives.problems)
      diagnostics.push({ severity: 'error', ...at(problem.line, problem.column), message: problem.message, hint: problem.hint, ruleId: 'samples/notation' });
    for (const query of directives.queries) {
      const target = blockLines[targetLineAbove(blockLines, query.line)] ?? '';
      if (query.caretColumn >= target.length)
        diagnostics.push({
          severity: 'error',
          ...at(query.line, query.caretColumn),
          message: `^? points past the end of the line above (column ${query.caretColumn + 1}, the line has ${target.length} characters)`,
          hint: 'Put the caret under the name whose type you want to show.',
          ruleId: 'samples/notation',
        });
    }

    const files = splitFiles(blockLines, origins, directives.filenames, language.defaultFileName(lang));
    const fileOfLine = (line: number) => files.findIndex((f, i) => line >= f.firstBlockLine && (i === files.length - 1 || line < files[i + 1]!.firstBlockLine));
    const sample: Sample = {
      name: `${chapter.relPath}:${fenceLine}`,
      chapter,
      index: inChapter.length + 1,
      node,
      lang,
      language: language.id,
      meta,
      id: attr('id')?.value,
      check: !names.has('no-check'),
      run: !names.has('no-check') && !names.has('no-run'),
      throws: names.has('throws'),
      timeoutMs: parseTimeout(attr('timeout')?.value, book.config.sandbox?.timeout),
      network: names.has('network') || (book.config.sandbox?.network ?? false),
      memoryMb: parseMemory(attr('memory')?.value, book.config.sandbox?.memory, diagnostics, chapter.path, fenceLine),
      files,
      flags: Object.fromEntries(directives.flags.map((f) => [f.name, f.value])),
      expectedErrors: directives.expectedErrors,
      scopedErrors: directives.scopedErrors.map(({ range, codes }) => ({ range, codes })),
      noErrors: directives.noErrors,
      queries: directives.queries.map((q) => {
        const file = fileOfLine(q.line);
        const base = files[file]!.firstBlockLine;
        return { file, line: q.line - base, targetLine: targetLineAbove(blockLines, q.line) - base, targetColumn: q.caretColumn, expected: q.expected };
      }),
      completions: directives.completions.map((q) => {
        const file = fileOfLine(q.line);
        const base = files[file]!.firstBlockLine;
        return { file, line: q.line - base, targetLine: targetLineAbove(blockLines, q.line) - base, targetColumn: q.caretColumn };
      }),
      errorSpans: directives.spans.map((s) => {
        const file = fileOfLine(s.line);
        const base = files[file]!.firstBlockLine;
        return { file, line: s.line - base, targetLine: targetLineAbove(blockLines, s.line) - base, startColumn: s.startColumn, endColumn: s.endColumn, message: s.message };
      }),
      typeAssertions: directives.typeAssertions.map((a) => {
        const file = fileOfLine(a.line);
        const base = files[file]!.firstBlockLine;
        return { file, line: a.line - base, targetLine: a.targetLine - base, expected: a.expected };
      }),
      hiddenLines,
      firstLine,
    };
    if (next && (next.lang ?? '').toLowerCase() === 'output') {
      sample.output = { node: next, text: next.value, illustrative: parseFenceMeta(next.meta).attributes.some((a) => a.name === 'illustrative') };
    }
    // Samples that expect compile errors are shown for the error, not run (the program would not make sense).
    if (sample.expectedErrors || sample.scopedErrors.length > 0 || sample.noErrors || sample.errorSpans.length > 0) {
      sample.run = false;
      sample.notRunReason = 'it expects compile errors';
    } else if (names.has('no-run')) sample.notRunReason = 'it is marked no-run';
    else if (sample.run && !names.has('run')) {
      // The run policy: `output` runs what shows its output (or must throw), as a twoslash book expects.
      const shows = (sample.output && !sample.output.illustrative) || sample.throws;
      if (runPolicy === 'none' || (runPolicy === 'output' && !shows)) {
        sample.run = false;
        sample.notRunReason = `the book's run policy is "${runPolicy}"`;
      }
    }

    const include = attr('include');
    if (include) applyInclude(book, sample, include.value ?? '', diagnostics, fenceLine);

    const continued = attr('continue');
    if (continued) {
      const target = continued.value ? inChapter.find((s) => s.id === continued.value) : inChapter[inChapter.length - 1];
      if (!target) {
        diagnostics.push({
          severity: 'error',
          file: chapter.path,
          line: fenceLine,
          column: node.position.start.column,
          message: continued.value
            ? `continue=${continued.value}: no earlier sample with id=${continued.value} in this chapter`
            : '`continue` needs an earlier sample in this chapter',
          hint: 'Give the earlier sample `id=NAME` and write `continue=NAME`, or move this sample after it.',
          ruleId: 'samples/continue-target',
        });
      } else {
        sample.continues = target;
        prependPrelude(sample, target);
      }
    }
    inChapter.push(sample);
    out.push(sample);
  }
}

function parseTimeout(value: string | undefined, bookDefault = defaultTimeoutMs): number {
  const n = value === undefined ? Number.NaN : Number.parseInt(value, 10);
  return Number.isFinite(n) && n > 0 ? n : bookDefault;
}

/** `memory=MB`: the sample's memory limit (the book's `sandbox.memory` otherwise). */
function parseMemory(value: string | undefined, bookDefault = defaultMemoryMb, diagnostics: Diagnostic[], file: string, line: number): number {
  if (value === undefined) return bookDefault;
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (n >= 64) return n;
  diagnostics.push({
    severity: 'error',
    file,
    line,
    message: `memory=${value} is not a memory limit`,
    hint: 'Write the limit in MB, at least 64: memory=1024.',
    ruleId: 'samples/invalid-attribute',
  });
  return bookDefault;
}

function splitFiles(lines: string[], origins: LineOrigin[], filenames: { line: number; name: string }[], defaultName: string): SampleFile[] {
  const make = (name: string, from: number, to: number): SampleFile => ({
    name,
    text: lines.slice(from, to).join('\n'),
    preludeLineCount: 0,
    origins: origins.slice(from, to),
    firstBlockLine: from,
  });
  if (filenames.length === 0) return [make(defaultName, 0, lines.length)];
  const files: SampleFile[] = [];
  // Lines before the first @filename (usually only flags) belong to the first named file.
  filenames.forEach((f, i) => {
    const from = i === 0 ? 0 : f.line;
    const to = i + 1 < filenames.length ? filenames[i + 1]!.line : lines.length;
    files.push(make(f.name || `file${i + 1}.ts`, from, to));
  });
  return files;
}

/** A `continue` sample compiles and runs after the code it continues, sharing its declarations. */
function prependPrelude(sample: Sample, target: Sample): void {
  const previous = target.files[target.files.length - 1]!;
  const own = sample.files[sample.files.length - 1]!;
  const preludeLines = [...previous.text.split('\n'), continueMarker];
  own.text = `${preludeLines.join('\n')}\n${own.text}`;
  own.preludeLineCount = preludeLines.length;
  own.origins = [...preludeLines.map(() => undefined), ...own.origins];
  const shift = preludeLines.length;
  for (const q of sample.queries) if (q.file === sample.files.length - 1) Object.assign(q, { line: q.line + shift, targetLine: q.targetLine + shift });
  for (const s of sample.errorSpans) if (s.file === sample.files.length - 1) Object.assign(s, { line: s.line + shift, targetLine: s.targetLine + shift });
  for (const q of [...sample.completions, ...sample.typeAssertions])
    if (q.file === sample.files.length - 1) Object.assign(q, { line: q.line + shift, targetLine: q.targetLine + shift });
  // Files of a multi-file sample it continues stay importable.
  for (const file of target.files.slice(0, -1)) if (!sample.files.some((f) => f.name === file.name)) sample.files.unshift({ ...file, origins: file.origins.map(() => undefined) });
}

/** `include=path/to/file.ts#region`: the real file (relative to the book project) is checked and run in place; the region is shown. */
function applyInclude(book: Book, sample: Sample, value: string, diagnostics: Diagnostic[], fenceLine: number): void {
  const [relPath = '', region] = value.split('#');
  const realPath = path.resolve(book.root, relPath);
  const fail = (message: string, hint: string) =>
    diagnostics.push({ severity: 'error', file: sample.chapter.path, line: fenceLine, column: 1, message, hint, ruleId: 'samples/include' });
  let content: string;
  try {
    content = readFileSync(realPath, 'utf8');
  } catch {
    fail(`include: cannot read ${relPath}`, 'Paths in include= are relative to the book project folder (the one that contains manuscript/).');
    sample.check = sample.run = false;
    return;
  }
  let shownText = content.replace(/\n$/, '');
  if (region) {
    const found = extractRegion(content, region);
    if (!found) {
      fail(`include: no "// #region ${region}" … "// #endregion" in ${relPath}`, 'Mark the lines to show with // #region NAME and // #endregion.');
      sample.check = sample.run = false;
      return;
    }
    shownText = dedent(found.lines).join('\n');
  }
  const lines = content.split(/\r?\n/);
  sample.files = [
    {
      name: path.basename(realPath),
      text: lines.join('\n'),
      preludeLineCount: 0,
      origins: lines.map((_, i) => ({ file: realPath, line: i + 1, indent: 0 })),
      firstBlockLine: 0,
      realPath,
    },
  ];
  sample.queries = [];
  sample.completions = [];
  sample.typeAssertions = [];
  sample.errorSpans = [];
  sample.hiddenLines = new Set();
  sample.include = { path: realPath, region, shownText, content, dependencies: localImports(realPath, content) };
}

/**
 * The project files an included file imports, transitively, with their contents: part of the sample's
 * cache key, so editing a helper file re-checks the samples that include a file using it.
 */
function localImports(file: string, content: string, seen = new Set<string>([file])): { path: string; content: string }[] {
  const found: { path: string; content: string }[] = [];
  for (const match of content.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const target = path.resolve(path.dirname(file), match[1]!);
    const base = target.replace(/\.(m?[jt]sx?)$/, '');
    for (const candidate of [target, `${base}.ts`, `${base}.tsx`, `${base}.mts`, path.join(target, 'index.ts')]) {
      if (seen.has(candidate)) break;
      let text: string;
      try {
        text = readFileSync(candidate, 'utf8');
      } catch {
        continue;
      }
      seen.add(candidate);
      found.push({ path: candidate, content: text }, ...localImports(candidate, text, seen));
      break;
    }
  }
  return found;
}

function dedent(lines: string[]): string[] {
  const indents = lines.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)![0].length);
  const min = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(min));
}
