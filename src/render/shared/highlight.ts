import type { Element, ElementContent, Root as HastRoot } from 'hast';
import { bundledLanguages, bundledLanguagesAlias, createHighlighter, createOnigurumaEngine, type Highlighter } from 'shiki';
import type { CodePresentation } from '../../book/codePresentation.js';
import { sha256 } from '../../util/hash.js';

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
const colorReplacements = { [codeThemes.light]: { '#6e7781': '#59636e' } };

let highlighterPromise: Promise<Highlighter> | undefined;

function highlighter(): Promise<Highlighter> {
  // Oniguruma (WebAssembly, the engine VS Code runs) rather than Shiki's JavaScript engine: loading the
  // WebAssembly costs ~0.2 s once, but the JavaScript engine first translates every grammar regex
  // (oniguruma-to-es) in each thread and matches slower; on the Handbook's 394 blocks the build spends
  // ~20% less CPU highlighting, with byte-identical output (docs/benchmarks.md).
  highlighterPromise ??= createHighlighter({
    themes: [codeThemes.light, codeThemes.dark],
    langs: [],
    engine: createOnigurumaEngine(import('shiki/wasm')),
  });
  return highlighterPromise;
}

const aliases: Record<string, string> = { sh: 'bash', shell: 'bash', console: 'shellsession', js: 'javascript', ts: 'typescript', yml: 'yaml', md: 'markdown' };

export function grammarFor(lang: string): string | undefined {
  const name = aliases[lang] ?? lang;
  if (name in bundledLanguages || name in bundledLanguagesAlias) return name;
  return undefined;
}

/** Loads the grammars a set of blocks need (each grammar once per process). */
export async function prepareHighlighter(langs: Iterable<string>): Promise<Highlighter> {
  const h = await highlighter();
  const loaded = new Set(h.getLoadedLanguages());
  const wanted = [...new Set([...langs].map(grammarFor).filter((l): l is string => l !== undefined && !loaded.has(l)))];
  if (wanted.length > 0) await h.loadLanguage(...(wanted as Parameters<Highlighter['loadLanguage']>));
  return h;
}

/**
 * Renders a code block as hast: `<figure class="code-block">` with an optional caption, a highlighted
 * `<pre>`, emphasised lines and twoslash-style annotations under their lines.
 */
export function highlightToHast(h: Highlighter, p: CodePresentation): Element {
  const grammar = p.kind === 'output' ? undefined : grammarFor(p.lang);
  const code = p.code.replace(/\n$/, '');
  const pre: Element = grammar ? highlightedPre(h, grammar, code, p.highlightLines) : plainPre(code, p.highlightLines);
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

function highlightedPre(h: Highlighter, grammar: string, code: string, highlightLines: number[]): Element {
  const key = sha256(grammar, code, highlightLines.join(','));
  let pre = highlighted.get(key);
  if (!pre) {
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
    pre = root.children.find((c): c is Element => c.type === 'element' && c.tagName === 'pre')!;
    normalizeProperties(pre);
    if (highlighted.size >= highlightedLimit) highlighted.clear();
    highlighted.set(key, pre);
  }
  // Callers add annotations and attributes to the tree they get: each gets its own copy.
  return structuredClone(pre);
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
