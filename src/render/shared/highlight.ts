import type { Element, ElementContent, Root as HastRoot } from 'hast';
import path from 'node:path';
import type { Highlighter } from 'shiki';
// The language list only: Shiki itself loads when a block is not in the cache (a rebuild often needs none).
import { bundledLanguages, bundledLanguagesAlias } from 'shiki/langs';
import type { CodePresentation } from '../../book/codePresentation.js';
import { DiskCache } from '../../util/diskCache.js';
import { cloneTree } from '../../util/cloneTree.js';
import { sha256 } from '../../util/hash.js';
import { toolchainFingerprint } from '../../util/version.js';

/**
 * Build-time syntax highlighting with Shiki (TextMate grammars, the engine VS Code uses). Both a light and
 * a dark theme are emitted as CSS variables, so the page switches themes without re-highlighting and
 * without any client-side highlighter.
 */
export const codeThemes = { light: 'github-light-default', dark: 'github-dark-default' } as const;

/**
 * GitHub Light's comment grey (#6e7781) is 4.3:1 on the theme's code background, under WCAG's 4.5:1 for
 * text (axe flags it); a slightly darker grey of the same hue reads 5.7:1. The dark theme's comments pass.
 */
export const colorReplacements = { [codeThemes.light]: { '#6e7781': '#59636e' } };

let highlighterPromise: Promise<Highlighter> | undefined;

function highlighter(): Promise<Highlighter> {
  // Oniguruma (WebAssembly, the engine VS Code runs) rather than Shiki's JavaScript engine: loading the
  // WebAssembly costs ~0.2 s once, but the JavaScript engine first translates every grammar regex
  // (oniguruma-to-es) in each thread and matches slower; on the Handbook's 394 blocks the build spends
  // ~20% less CPU highlighting, with byte-identical output (docs/benchmarks.md).
  highlighterPromise ??= import('shiki').then(({ createHighlighter, createOnigurumaEngine }) =>
    createHighlighter({
      themes: [codeThemes.light, codeThemes.dark],
      langs: [],
      engine: createOnigurumaEngine(import('shiki/wasm')),
    }),
  );
  return highlighterPromise;
}

const aliases: Record<string, string> = { sh: 'bash', shell: 'bash', console: 'shellsession', js: 'javascript', ts: 'typescript', yml: 'yaml', md: 'markdown' };

export function grammarFor(lang: string): string | undefined {
  const name = aliases[lang] ?? lang;
  if (name in bundledLanguages || name in bundledLanguagesAlias) return name;
  return undefined;
}

/** Loads the grammars a set of blocks need (each grammar once per process). */
async function loadGrammars(langs: Iterable<string>): Promise<Highlighter> {
  const h = await highlighter();
  const loaded = new Set(h.getLoadedLanguages());
  const wanted = [...new Set([...langs].map(grammarFor).filter((l): l is string => l !== undefined && !loaded.has(l)))];
  if (wanted.length > 0) await h.loadLanguage(...(wanted as Parameters<Highlighter['loadLanguage']>));
  return h;
}

type HighlightBlock = Pick<CodePresentation, 'kind' | 'lang' | 'code' | 'highlightLines'>;

/**
 * A chapter's code blocks, every one of them. On disk a chapter's highlighted blocks share one file, holding
 * exactly the blocks the chapter has now: a file per block cost ~1 ms each to create on an ext4 disk, about a
 * second of a cold build's main thread for the ~900 blocks and samples of a twoslash book (docs/benchmarks.md).
 * Without `chapter` (a block rendered on its own) nothing is kept on disk.
 */
export interface ChapterBlocks {
  /** The chapter's Markdown file. */
  chapter?: string;
  blocks: readonly HighlightBlock[];
}

/** Highlights the blocks a render was prepared for (see prepareHighlighter), synchronously. */
export interface CodeHighlighter {
  pre(grammar: string, code: string, highlightLines: number[]): Element;
}

/** Where highlighted blocks are kept between runs, under the book's cache folder: a file per chapter. */
export const highlightCacheName = 'highlighted-v2';

type StoredChapter = Record<string, Element>;

/** The block keys each chapter's file holds, as this process last read or wrote it: an unchanged file is not rewritten. */
const storedKeys = new Map<string, string>();

function chapterFileKey(cacheDir: string, chapter: string): string {
  // Relative to the cache, so a book moved or cloned elsewhere keeps its cache.
  return sha256(highlightCacheName, path.relative(cacheDir, chapter));
}

/** One chapter's file in the disk cache, read at most once, and written only when its set of blocks changed. */
class StoredBlocks {
  private read = false;
  private entries: StoredChapter | undefined;

  constructor(
    private readonly disk: DiskCache<StoredChapter> | undefined,
    private readonly fileKey: string | undefined,
  ) {}

  get(key: string): Element | undefined {
    return this.load()?.[key];
  }

  private load(): StoredChapter | undefined {
    if (!this.read) {
      this.read = true;
      this.entries = this.disk && this.fileKey ? this.disk.get(this.fileKey) : undefined;
      if (this.entries && this.fileKey) storedKeys.set(this.fileKey, keySet(Object.keys(this.entries)));
    }
    return this.entries;
  }

  /** Writes the chapter's blocks now, unless the file already holds exactly these. */
  store(keys: string[], prepared: Map<string, Element>): void {
    if (!this.disk || !this.fileKey || keys.length === 0) return;
    const wanted = keySet(keys);
    if (!storedKeys.has(this.fileKey)) this.load();
    if (storedKeys.get(this.fileKey) === wanted) return;
    this.disk.set(this.fileKey, Object.fromEntries(keys.map((k) => [k, prepared.get(k)!])));
    if (storedKeys.size >= highlightedLimit) storedKeys.clear();
    storedKeys.set(this.fileKey, wanted);
  }
}

function keySet(keys: string[]): string {
  return [...new Set(keys)].sort().join(',');
}

function blockKeyOf(block: HighlightBlock): { grammar: string; code: string; key: string } | undefined {
  const grammar = block.kind === 'output' ? undefined : grammarFor(block.lang);
  if (!grammar) return undefined;
  const code = shownCode(block.code);
  return { grammar, code, key: blockKey(grammar, code, block.highlightLines) };
}

/**
 * Makes every block of a render available to `highlightToHast`: from this process, else from the chapter's
 * file in the disk cache, else highlighted now. Shiki is loaded only when some block is new: its WebAssembly
 * and the first use of a grammar (compiling its regexes) cost ~0.8 s, more than re-rendering the chapter, so
 * a rebuild after a prose edit must not pay them.
 */
export async function prepareHighlighter(chapters: readonly ChapterBlocks[], cacheDir?: string): Promise<CodeHighlighter & { entries(): HighlightedEntries }> {
  const disk = cacheDir ? new DiskCache<StoredChapter>(cacheDir, highlightCacheName) : undefined;
  // This render's blocks, held here: the process-wide memo is bounded and may drop entries meanwhile.
  const prepared = new Map<string, Element>();
  const missing = new Map<string, { grammar: string; code: string; highlightLines: number[] }>();
  const stores: { stored: StoredBlocks; keys: string[] }[] = [];
  for (const { chapter, blocks } of chapters) {
    const stored = new StoredBlocks(disk, cacheDir && chapter ? chapterFileKey(cacheDir, chapter) : undefined);
    const keys: string[] = [];
    for (const block of blocks) {
      const known = blockKeyOf(block);
      if (!known) continue;
      const { grammar, code, key } = known;
      keys.push(key);
      if (prepared.has(key) || missing.has(key)) continue;
      const found = highlighted.get(key) ?? stored.get(key);
      if (found) {
        prepared.set(key, found);
        remember(key, found);
      } else missing.set(key, { grammar, code, highlightLines: block.highlightLines });
    }
    stores.push({ stored, keys });
  }
  const shiki = missing.size > 0 ? await loadGrammars([...missing.values()].map((m) => m.grammar)) : undefined;
  for (const [key, block] of missing) {
    const pre = highlightWithShiki(shiki!, block.grammar, block.code, block.highlightLines);
    prepared.set(key, pre);
    remember(key, pre);
  }
  for (const { stored, keys } of stores) stored.store(keys, prepared);
  return {
    pre(grammar, code, highlightLines) {
      const pre = prepared.get(blockKey(grammar, code, highlightLines));
      // Every block a render shows was prepared above; one that was not is a bug in the caller, and
      // showing it uncoloured would hide that.
      if (!pre) throw new Error(`internal: code block not prepared for highlighting (${grammar}, ${code.length} characters)`);
      // Callers add annotations and attributes to the tree they get: each gets its own copy.
      return cloneTree(pre);
    },
    entries: () => [...prepared],
  };
}

/** Highlighted blocks as they travel between threads: content key and tree. */
export type HighlightedEntries = [string, Element][];

/**
 * The chapters with a block neither this process nor the disk cache has highlighted yet, with all their
 * blocks (a chapter's file holds them all). Blocks found on disk join the process's memo.
 */
export function chaptersToHighlight(chapters: readonly ChapterBlocks[], cacheDir?: string): ChapterBlocks[] {
  const disk = cacheDir ? new DiskCache<StoredChapter>(cacheDir, highlightCacheName) : undefined;
  return chapters.filter(({ chapter, blocks }) => {
    const stored = new StoredBlocks(disk, cacheDir && chapter ? chapterFileKey(cacheDir, chapter) : undefined);
    let incomplete = false;
    for (const block of blocks) {
      const known = blockKeyOf(block);
      if (!known || highlighted.has(known.key)) continue;
      const found = stored.get(known.key);
      if (found) remember(known.key, found);
      else incomplete = true;
    }
    return incomplete;
  });
}

/** Highlights blocks (in a worker) and returns them for `rememberHighlighted` in the thread that renders. */
export async function highlightForAnotherThread(chapters: ChapterBlocks[], cacheDir?: string): Promise<HighlightedEntries> {
  return (await prepareHighlighter(chapters, cacheDir)).entries();
}

/** Takes blocks another thread highlighted, so that rendering here finds them prepared. */
export function rememberHighlighted(entries: HighlightedEntries): void {
  for (const [key, pre] of entries) remember(key, pre);
}

/** The colour of unhighlighted code in the light theme, for output that inlines colours (the PDF). */
export async function lightThemeForeground(): Promise<string> {
  const theme = (await import('shiki/themes/github-light-default.mjs')).default as { fg?: string; colors?: Record<string, string> };
  return theme.fg ?? theme.colors?.['editor.foreground'] ?? '#1F2328';
}

function shownCode(code: string): string {
  return code.replace(/\n$/, '');
}

function blockKey(grammar: string, code: string, highlightLines: number[]): string {
  return sha256(toolchainFingerprint(), codeThemes.light, codeThemes.dark, grammar, code, highlightLines.join(','));
}

/**
 * Renders a code block as hast: `<figure class="code-block">` with an optional caption, a highlighted
 * `<pre>`, emphasised lines and twoslash-style annotations under their lines.
 */
export function highlightToHast(h: CodeHighlighter, p: CodePresentation): Element {
  const grammar = p.kind === 'output' ? undefined : grammarFor(p.lang);
  const code = shownCode(p.code);
  const pre: Element = grammar ? h.pre(grammar, code, p.highlightLines) : plainPre(code, p.highlightLines);
  pre.properties = { ...pre.properties, tabIndex: 0 };
  delete pre.properties.style;
  addAnnotations(pre, p);
  const classes = ['code-block', `code-${p.kind}`];
  if (p.lang) pre.properties.dataLang = p.lang;
  const children: ElementContent[] = [];
  if (p.title) children.push({ type: 'element', tagName: 'figcaption', properties: {}, children: [{ type: 'text', value: p.title }] });
  if (p.kind === 'output') {
    children.push({ type: 'element', tagName: 'div', properties: { className: ['output-label'], ariaHidden: 'true' }, children: [{ type: 'text', value: 'Output' }] });
  }
  children.push(pre);
  return { type: 'element', tagName: 'figure', properties: { className: classes }, children };
}

/**
 * Highlighted blocks by content: a block that occurs twice in a book, or again in the PDF or EPUB of the
 * same build, is tokenized once. Bounded, since `evergreen dev` runs for hours.
 */
const highlighted = new Map<string, Element>();
const highlightedLimit = 4000;

function remember(key: string, pre: Element): void {
  if (highlighted.size >= highlightedLimit) highlighted.clear();
  highlighted.set(key, pre);
}

function highlightWithShiki(h: Highlighter, grammar: string, code: string, highlightLines: number[]): Element {
  const root = h.codeToHast(code, {
    lang: grammar,
    themes: codeThemes,
    defaultColor: false,
    colorReplacements,
    // Shiki gives up on a line after 500 ms by default and leaves the rest uncoloured. The first lines a
    // fresh process highlights pay for compiling the grammar's regexes, which on a busy machine can take
    // that long: the light and dark passes then disagree. Only a pathological line should hit the limit.
    tokenizeTimeLimit: 10_000,
    transformers: [
      {
        line(node, line) {
          if (highlightLines.includes(line)) this.addClassToHast(node, 'highlighted');
        },
      },
    ],
  }) as HastRoot;
  const pre = root.children.find((c): c is Element => c.type === 'element' && c.tagName === 'pre')!;
  normalizeProperties(pre);
  return pre;
}

function plainPre(code: string, highlightLines: number[]): Element {
  const lines: ElementContent[] = [];
  code.split('\n').forEach((text, i) => {
    if (i > 0) lines.push({ type: 'text', value: '\n' });
    const line: Element = { type: 'element', tagName: 'span', properties: { className: ['line'] }, children: text ? [{ type: 'text', value: text }] : [] };
    if (highlightLines.includes(i + 1)) addClass(line, 'highlighted');
    lines.push(line);
  });
  return {
    type: 'element',
    tagName: 'pre',
    properties: { className: ['shiki', 'plain'] },
    children: [{ type: 'element', tagName: 'code', properties: {}, children: lines }],
  };
}

/** Inserts type and expected-error annotations after the code line they belong to. */
function addAnnotations(pre: Element, p: CodePresentation): void {
  const notes = [...p.typeAnnotations.map((a) => ({ ...a, className: 'annotation-type' })), ...p.errorAnnotations.map((a) => ({ ...a, className: 'annotation-error' }))];
  if (notes.length === 0) return;
  const code = pre.children.find((c): c is Element => c.type === 'element' && c.tagName === 'code');
  if (!code) return;
  const lines = code.children.filter((c): c is Element => c.type === 'element' && hasClass(c, 'line'));
  for (const note of notes.sort((a, b) => b.line - a.line)) {
    const line = lines[note.line - 1];
    if (!line) continue;
    const index = code.children.indexOf(line);
    const annotation: Element = {
      type: 'element',
      tagName: 'span',
      properties: { className: ['line', 'annotation', note.className] },
      children: [
        // The indent is its own element, so themes can let a long note wrap beside it instead of being cut.
        { type: 'element', tagName: 'span', properties: { className: ['annotation-indent'] }, children: [{ type: 'text', value: ' '.repeat(Math.max(0, note.column - 1)) }] },
        { type: 'element', tagName: 'span', properties: { className: ['annotation-text'] }, children: [{ type: 'text', value: note.text }] },
      ],
    };
    code.children.splice(index + 1, 0, { type: 'text', value: '\n' }, annotation);
  }
}

function addClass(node: Element, name: string): void {
  const current = node.properties.className;
  node.properties.className = Array.isArray(current) ? [...current, name] : current ? [String(current), name] : [name];
}

function hasClass(node: Element, name: string): boolean {
  const current = node.properties.className;
  return Array.isArray(current) ? current.includes(name) : current === name;
}

/** Shiki writes HTML attribute names (`class`, `tabindex`) into hast; hast utilities expect property names. */
function normalizeProperties(node: Element): void {
  const props = node.properties as Record<string, unknown>;
  if (typeof props.class === 'string') {
    props.className = props.class.split(/\s+/).filter(Boolean);
    delete props.class;
  } else if (Array.isArray(props.class)) {
    props.className = props.class;
    delete props.class;
  }
  if (props.tabindex !== undefined) {
    props.tabIndex = props.tabindex;
    delete props.tabindex;
  }
  for (const child of node.children) if (child.type === 'element') normalizeProperties(child);
}
