import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Root } from 'mdast';
import { glob } from 'tinyglobby';
import type { VFile } from 'vfile';
import { type Diagnostic, EvergreenError, sortDiagnostics } from '../diagnostics/diagnostic.js';
import { decodeChapter, parseMarkdown } from '../parse/markdown.js';
import { cacheRoot, DiskCache } from '../util/diskCache.js';
import { sha256 } from '../util/hash.js';
import { slugify } from '../util/slug.js';
import { toolchainFingerprint } from '../util/version.js';
import { analyzeChapter } from './analyzeChapter.js';
import { resolveIncludes } from './includes.js';
import { expandMdBookLinks } from './mdbookLinks.js';
import type { SourceExpansion } from '../parse/sourceExpansion.js';
import { chapterTitle } from './chapterTitle.js';
import { chapterFilePattern, type BookConfig, type ChapterItem } from './configSchema.js';
import { loadConfig } from './loadConfig.js';
import { checkIndex } from './bookIndex.js';
import { checkCrossRefs } from './crossRefs.js';
import { checkLinks } from './links.js';
import { checkMath } from './mathCheck.js';
import type { Book, Chapter, ChapterAnalysis, TocEntry } from './model.js';

export interface LoadBookOptions {
  /** Skip the on-disk analysis cache (always parse every chapter). */
  noCache?: boolean;
  /**
   * A book loaded earlier from the same folder, and the files changed since (absolute paths): the chapters
   * of unchanged files are taken over as they are, without reading, hashing or analysing them again. Used by
   * `evergreen dev`, whose watcher knows what changed; config, order, slugs and links are always redone.
   */
  previous?: { book: Book; changed: ReadonlySet<string> };
  /**
   * Analyses many chapters at once on other threads (see driver/chapterWorkers.ts). Used for a batch of
   * chapters that are not in the cache when the batch is large enough to repay starting workers.
   */
  parallel?: ParallelAnalyzer;
  /** The config, already read (by the project, which may have read it from an `evergreen.config.js`). */
  config?: { path: string; config: BookConfig };
  /** Called with the chapters' text once it is read, before parsing (the project starts drawing diagrams then). */
  onSources?: (sources: string[]) => void;
}

export interface ParallelAnalyzer {
  /** Fewest uncached chapters worth sending to workers. */
  minBatch: number;
  /** `analyzeHere` analyses a chapter on this thread (keeping its tree), for the share done here. */
  analyze(
    chapters: { path: string; source: string; hash: string; title?: string; expansions?: readonly SourceExpansion[]; analyzeHere: () => ChapterAnalysis }[],
  ): Promise<ChapterAnalysis[]>;
}

interface ChapterPlan {
  relPath: string;
  part?: string;
  /** The title given in book.yaml (`- file: x.md` with `title: X`). */
  title?: string;
  /** `numbered: false` in book.yaml. */
  numbered?: boolean;
  /** Where the chapter was listed in book.yaml, for "missing chapter" errors. */
  listedAt?: { line: number; column: number };
}

/** The chapter-analysis cache's namespace (followed by the toolchain fingerprint). */
export const analysisCacheName = 'analysis-';

let loads = 0;

/** How many times a book was loaded in this process (tests assert that a command loads its book once). */
export function bookLoadCount(): number {
  return loads;
}

/** Loads `<root>/manuscript/book.yaml` (or the config given) and every chapter into the book model. */
export async function loadBook(root: string, options: LoadBookOptions = {}): Promise<Book> {
  const absRoot = path.resolve(root);
  const configPath = options.config?.path ?? path.join(absRoot, 'manuscript', 'book.yaml');
  const config = options.config?.config ?? (await loadConfig(configPath));
  const manuscriptDir = path.resolve(absRoot, config.manuscript);
  loads++;
  const diagnostics: Diagnostic[] = [];
  const plans = (await manuscriptFolderProblem(manuscriptDir, configPath, diagnostics)) ? [] : await planChapters(config, manuscriptDir, configPath, diagnostics);
  const cache = options.noCache ? undefined : new DiskCache<ChapterAnalysis>(cacheRoot(absRoot), `${analysisCacheName}${toolchainFingerprint()}`);

  const reusable = new Map<string, Chapter>();
  if (options.previous && options.previous.book.root === absRoot && options.previous.book.config.dialect === config.dialect) {
    const changed = options.previous.changed;
    // A chapter is changed when its file is, or any file it includes (mdBook's `{{#include}}`).
    for (const c of options.previous.book.chapters) if (!changed.has(c.path) && !c.includedFiles?.some((f) => changed.has(f))) reusable.set(c.path, c);
  }
  // A chapter is parsed knowing its book.yaml title: a new title there means parsing it again.
  const reusableFor = (plan: ChapterPlan) => {
    const kept = reusable.get(path.join(manuscriptDir, plan.relPath));
    return kept?.configuredTitle === plan.title ? kept : undefined;
  };
  const dialect = config.dialect;
  const loaded = await Promise.all(plans.map((plan) => loadChapter(plan, manuscriptDir, configPath, cache, diagnostics, reusableFor(plan), dialect)));
  options.onSources?.(loaded.flatMap((c) => (c ? [c.source] : [])));
  await analyzeUncached(loaded, cache, options.parallel);
  const unnumbered = new Set(plans.filter((p) => p.numbered === false).map((p) => p.relPath));
  let number = 0;
  const chapters = loaded
    .filter((c): c is Omit<Chapter, 'index'> => c !== undefined)
    .map((c, index) => {
      const titleHeading = c.analysis.headings.find((h) => h.id === c.titleHeadingId && c.titleHeadingId !== undefined);
      const numbered = !unnumbered.has(c.relPath) && !titleHeading?.unnumbered;
      return { ...c, index, number: numbered ? ++number : undefined } as Chapter;
    });
  assignUniqueSlugs(chapters, diagnostics);

  const book: Book = {
    root: absRoot,
    manuscriptDir,
    configPath,
    config,
    chapters,
    toc: buildToc(chapters),
    contentHash: sha256(JSON.stringify(config), ...chapters.flatMap((c) => [c.relPath, c.hash])),
    diagnostics: [],
  };
  const titledInConfig = new Set(plans.filter((p) => p.title !== undefined).map((p) => p.relPath));
  for (const chapter of chapters) {
    diagnostics.push(...chapter.analysis.diagnostics);
    // Always read again: an included file can change while the chapter does not.
    const included = resolveIncludes(absRoot, chapter);
    chapter.includes = included.includes;
    diagnostics.push(...included.diagnostics);
    if (chapter.analysis.title === undefined && !titledInConfig.has(chapter.relPath)) {
      diagnostics.push({
        severity: 'warning',
        file: chapter.path,
        line: 1,
        column: 1,
        message: `Chapter has no title; using "${chapter.title}" from its file name`,
        hint: 'Start the chapter with a `# Heading`, set `title:` in its front matter, or give it a `title:` in book.yaml (`- file: …` with `title: …`).',
        ruleId: 'chapter/no-title',
      });
    }
    diagnostics.push(...checkLinks(book, chapter), ...checkMath(config, chapter));
  }
  diagnostics.push(...checkCrossRefs(book), ...checkIndex(book));
  // A Markdown file that a chapter includes (mdBook's `{{#include part.md}}`) is part of the book after all.
  const includedByChapters = new Set(chapters.flatMap((c) => c.includedFiles ?? []));
  if (includedByChapters.size > 0)
    diagnostics.splice(0, diagnostics.length, ...diagnostics.filter((d) => d.ruleId !== 'book/unlisted-chapter' || !includedByChapters.has(d.file ?? '')));
  if (chapters.length === 0 && !diagnostics.some((d) => d.severity === 'error')) {
    diagnostics.push({
      severity: 'error',
      file: configPath,
      message: 'The book has no chapters',
      hint: 'Add Markdown files under manuscript/, or list them under `chapters:` in book.yaml.',
      ruleId: 'book/empty',
    });
  }
  // Chapters load concurrently: sort so every run reports problems in the same order.
  book.diagnostics = sortDiagnostics(diagnostics);
  return book;
}

async function planChapters(config: BookConfig, manuscriptDir: string, configPath: string, diagnostics: Diagnostic[]): Promise<ChapterPlan[]> {
  if (!config.chapters) {
    const found = await glob('**/*.md', { cwd: manuscriptDir, ignore: ['**/node_modules/**', '**/.*/**'] });
    return found.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).map((relPath) => ({ relPath }));
  }
  // Positions exist for book.yaml only; a JavaScript config's errors name the chapter instead.
  const positions = configPath.endsWith('.yaml') ? await chapterPositions(configPath) : [];
  const plans: ChapterPlan[] = [];
  const seen = new Set<string>();
  let n = 0;
  for (const entry of config.chapters) {
    const list: { relPath: string; title?: string; numbered?: boolean; part?: string }[] =
      typeof entry === 'object' && 'part' in entry ? entry.chapters.map((item) => ({ ...listedChapter(item), part: entry.part })) : [listedChapter(entry)];
    for (const item of list) {
      const relPath = path.posix.normalize(item.relPath.replace(/\\/g, '/'));
      const listedAt = positions[n++];
      if (seen.has(relPath)) {
        diagnostics.push({
          severity: 'error',
          file: configPath,
          ...listedAt,
          message: `"${relPath}" is listed twice in chapters`,
          hint: 'List each chapter once.',
          ruleId: 'config/duplicate-chapter',
        });
        continue;
      }
      seen.add(relPath);
      plans.push({ relPath, part: item.part, title: item.title, numbered: item.numbered, listedAt });
    }
  }
  diagnostics.push(...(await unlistedChapters(manuscriptDir, seen)));
  return plans;
}

/**
 * Markdown files under manuscript/ that book.yaml's `chapters:` does not list are left out of the book:
 * say so once per file (a forgotten chapter is otherwise noticed by readers, not the author).
 */
async function unlistedChapters(manuscriptDir: string, listed: ReadonlySet<string>): Promise<Diagnostic[]> {
  const found = await glob('**/*.{md,markdown}', { cwd: manuscriptDir, ignore: ['**/node_modules/**', '**/.*/**'] });
  return (
    found
      // mdBook's and GitBook's outline file sits among the chapters and is never one of them.
      .filter((relPath) => !listed.has(relPath) && path.posix.basename(relPath) !== 'SUMMARY.md')
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
      .map((relPath) => ({
        severity: 'warning' as const,
        file: path.join(manuscriptDir, relPath),
        line: 1,
        column: 1,
        message: `${relPath} is not listed in book.yaml's chapters, so it is not part of the book`,
        hint: `Add \`- ${JSON.stringify(relPath)}\` under \`chapters:\` in book.yaml, or move the file out of manuscript/.`,
        ruleId: 'book/unlisted-chapter',
      }))
  );
}

function listedChapter(item: ChapterItem): { relPath: string; title?: string; numbered?: boolean } {
  return typeof item === 'string' ? { relPath: item } : { relPath: item.file, title: item.title, numbered: item.numbered };
}

/** A `manuscript:` folder that does not exist is reported at the setting (nothing else can load). */
async function manuscriptFolderProblem(manuscriptDir: string, configPath: string, diagnostics: Diagnostic[]): Promise<boolean> {
  const isFolder = await stat(manuscriptDir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (isFolder) return false;
  const { LineCounter, parseDocument, isMap, isScalar } = await import('yaml');
  const lineCounter = new LineCounter();
  const doc = parseDocument(await readFile(configPath, 'utf8'), { lineCounter });
  const pair = isMap(doc.contents) ? doc.contents.items.find((i) => isScalar(i.key) && i.key.value === 'manuscript') : undefined;
  const offset = isScalar(pair?.value) ? pair.value.range?.[0] : undefined;
  const at = offset === undefined ? {} : { line: lineCounter.linePos(offset).line, column: lineCounter.linePos(offset).col };
  diagnostics.push({
    severity: 'error',
    file: configPath,
    ...at,
    message: `The manuscript folder ${manuscriptDir} does not exist`,
    hint: 'Set `manuscript:` in book.yaml to the folder that holds the chapters, relative to the book project (e.g. `manuscript: src`).',
    ruleId: 'config/missing-manuscript',
  });
  return true;
}

/** Line/column of every chapter path in book.yaml, in order, so a missing chapter is reported where it is listed. */
async function chapterPositions(configPath: string): Promise<{ line: number; column: number }[]> {
  const { LineCounter, parseDocument, isSeq, isMap, isScalar } = await import('yaml');
  const lineCounter = new LineCounter();
  const doc = parseDocument(await readFile(configPath, 'utf8'), { lineCounter });
  const out: { line: number; column: number }[] = [];
  const chapters = doc.get('chapters', true);
  const pos = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  if (!isSeq(chapters)) return out;
  const chapterAt = (item: unknown) => {
    // A listed path, or the `file:` of a `- file: x.md` / `title: X` entry.
    const node = isMap(item) ? item.get('file', true) : item;
    if (isScalar(node) && node.range) out.push(pos(node.range[0]));
  };
  for (const item of chapters.items) {
    if (isMap(item) && item.has('part')) {
      const inner = item.get('chapters', true);
      if (isSeq(inner)) for (const c of inner.items) chapterAt(c);
    } else chapterAt(item);
  }
  return out;
}

async function loadChapter(
  plan: ChapterPlan,
  manuscriptDir: string,
  configPath: string,
  cache: DiskCache<ChapterAnalysis> | undefined,
  diagnostics: Diagnostic[],
  unchanged?: Chapter,
  dialect?: BookConfig['dialect'],
): Promise<LoadedChapter | undefined> {
  const absPath = path.join(manuscriptDir, plan.relPath);
  if (unchanged) {
    const { index: _index, ...kept } = unchanged;
    const id = unchanged.analysis.frontMatter.id;
    // The slug and title are derived again: the slug may have been made unique against other chapters, and
    // book.yaml may give the chapter another title.
    const fileName = withoutExtension(plan.relPath);
    const { title, titleHeadingId } = chapterTitle(unchanged.analysis, plan.title, titleFromFileName(fileName));
    return { ...kept, relPath: plan.relPath, part: plan.part, slug: id ? slugify(id) : slugify(fileName), title, titleHeadingId, configuredTitle: plan.title };
  }
  let bytes: Buffer;
  try {
    if (!(await stat(absPath)).isFile()) throw new Error('not a file');
    bytes = await readFile(absPath);
  } catch {
    diagnostics.push({
      severity: 'error',
      file: configPath,
      ...plan.listedAt,
      message: `Chapter "${plan.relPath}" does not exist`,
      hint: `Create ${path.relative(path.dirname(path.dirname(configPath)), absPath)}, or fix the path in book.yaml (paths are relative to the manuscript folder, ${path.relative(path.dirname(path.dirname(configPath)), manuscriptDir) || '.'}/).`,
      ruleId: 'config/missing-chapter',
    });
    return undefined;
  }
  const decoded = decodeChapter(bytes);
  if ('problem' in decoded) {
    diagnostics.push({
      severity: 'error',
      file: absPath,
      line: decoded.line,
      column: decoded.column,
      message: `Cannot read chapter: ${decoded.problem}`,
      hint: 'Save the chapter as UTF-8 Markdown text.',
      ruleId: 'chapter/encoding',
    });
    return undefined;
  }
  const source = decoded.text;
  // mdBook's includes are read on every load (the files may have changed while the chapter did not); what
  // they stand for is part of the chapter's hash, so every cache keyed by it sees the change.
  const links = dialect === 'mdbook' ? expandMdBookLinks(source, absPath) : undefined;
  if (links) diagnostics.push(...links.diagnostics);
  const expansions = links?.expansions.length ? links.expansions : undefined;
  const hash = chapterParseHash(source, plan.title, expansions);
  let parsed: { tree: Root; file: VFile } | undefined;
  const parse = () => (parsed ??= parseMarkdown(source, absPath, { title: plan.title, expansions }));
  const cached = cache?.get(hash);
  const chapter: LoadedChapter = {
    relPath: plan.relPath,
    path: absPath,
    source,
    hash,
    ...(expansions ? { expansions } : {}),
    ...(links?.files.length ? { includedFiles: links.files } : {}),
    part: plan.part,
    slug: '',
    title: '',
    configuredTitle: plan.title,
    // Diagnostics are cached with the path they were found in; re-point them at this file.
    analysis: cached ? { ...cached, diagnostics: cached.diagnostics.map((d) => ({ ...d, file: absPath })) } : pendingAnalysis,
    tree: () => parse().tree,
    file: () => parse().file,
    analyzeHere: () => {
      const { tree, file } = parse();
      return analyzeChapter(tree, file);
    },
  };
  if (cached) applyAnalysis(chapter, chapter.analysis);
  return chapter;
}

type LoadedChapter = Omit<Chapter, 'index'> & { analyzeHere?: () => ChapterAnalysis };

/**
 * The key of a chapter's parse (analysis cache, render cache, dev's change detection): its text, and its
 * book.yaml title when it has one, since that title changes which heading is the page's h1.
 */
export function chapterParseHash(source: string, configuredTitle: string | undefined, expansions?: readonly SourceExpansion[]): string {
  const included = expansions?.length ? ['included', JSON.stringify(expansions)] : [];
  return configuredTitle === undefined ? sha256(source, ...included) : sha256(source, 'book.yaml title', configuredTitle, ...included);
}

/** Marks a chapter whose analysis is still to come (never visible outside loadBook). */
const pendingAnalysis: ChapterAnalysis = { frontMatter: {}, headings: [], links: [], words: 0, search: [], diagnostics: [] };

function applyAnalysis(chapter: LoadedChapter, analysis: ChapterAnalysis): void {
  const fileName = withoutExtension(chapter.relPath);
  chapter.analysis = analysis;
  chapter.id = analysis.frontMatter.id;
  chapter.slug = chapter.id ? slugify(chapter.id) : slugify(fileName);
  const { title, titleHeadingId } = chapterTitle(analysis, chapter.configuredTitle, titleFromFileName(fileName));
  chapter.title = title;
  chapter.titleHeadingId = titleHeadingId;
  delete chapter.analyzeHere;
}

/**
 * Analyses the chapters the cache did not have: on worker threads when there are enough of them (a cold
 * build of a large book), else here, keeping the parsed tree for the renderers.
 */
async function analyzeUncached(loaded: (LoadedChapter | undefined)[], cache: DiskCache<ChapterAnalysis> | undefined, parallel: ParallelAnalyzer | undefined): Promise<void> {
  const misses = loaded.filter((c): c is LoadedChapter => c !== undefined && c.analysis === pendingAnalysis);
  if (misses.length === 0) return;
  const analyses =
    parallel && misses.length >= parallel.minBatch
      ? await parallel.analyze(
          misses.map((c) => ({ path: c.path, source: c.source, hash: c.hash, title: c.configuredTitle, expansions: c.expansions, analyzeHere: c.analyzeHere! })),
        )
      : misses.map((c) => c.analyzeHere!());
  misses.forEach((chapter, i) => {
    cache?.set(chapter.hash, analyses[i]);
    applyAnalysis(chapter, analyses[i]);
  });
}

function withoutExtension(relPath: string): string {
  return relPath.replace(chapterFilePattern, '');
}

function titleFromFileName(fileName: string): string {
  const base =
    path.posix
      .basename(fileName)
      .replace(/^\d+[-_ .]*/, '')
      .replace(/[-_]+/g, ' ')
      .trim() || path.posix.basename(fileName);
  return base.charAt(0).toUpperCase() + base.slice(1);
}

/** Page names must be unique: `index` is the book's title page, and two chapters can't share a file. */
function assignUniqueSlugs(chapters: Chapter[], diagnostics: Diagnostic[]): void {
  const taken = new Map<string, Chapter>();
  for (const chapter of chapters) {
    let slug = chapter.slug;
    if (slug === 'index' || slug === 'search' || slug === '404' || slug === 'book-index') slug = `${slug}-chapter`;
    const other = taken.get(slug);
    if (other) {
      if (chapter.id && other.id === chapter.id) {
        diagnostics.push({
          severity: 'error',
          file: chapter.path,
          line: 1,
          column: 1,
          message: `Chapter id "${chapter.id}" is also used by ${other.relPath}`,
          hint: 'Give each chapter its own front matter id.',
          ruleId: 'chapter/duplicate-id',
        });
      }
      let n = 2;
      while (taken.has(`${slug}-${n}`)) n++;
      slug = `${slug}-${n}`;
    }
    chapter.slug = slug;
    taken.set(slug, chapter);
  }
}

function buildToc(chapters: Chapter[]): TocEntry[] {
  const toc: TocEntry[] = [];
  for (const chapter of chapters) {
    const last = toc[toc.length - 1];
    if (!chapter.part) toc.push({ kind: 'chapter', chapter });
    else if (last?.kind === 'part' && last.title === chapter.part) last.chapters.push(chapter);
    else toc.push({ kind: 'part', title: chapter.part, chapters: [chapter] });
  }
  return toc;
}

export { EvergreenError };
