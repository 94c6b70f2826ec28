import type { Element, ElementContent, Root as HastRoot, RootContent } from 'hast';
import { toHtml } from 'hast-util-to-html';
import type { Code, Image, Paragraph } from 'mdast';
import type { InlineMath, Math } from 'mdast-util-math';
import { defaultHandlers, toHast, type State } from 'mdast-util-to-hast';
import { SKIP, visit } from 'unist-util-visit';
import { resolveLink } from '../../book/links.js';
import type { Book, Chapter } from '../../book/model.js';
import { bookCodePresentation, type CodePresentation, type CodePresenter } from '../../book/codePresentation.js';
import { crossRefHandlers } from './crossRefHast.js';
import { highlightToHast, type ChapterBlocks, type CodeHighlighter } from './highlight.js';
import { addHovers } from './hoverHast.js';
import { diagramToHast, type DiagramSvgs } from './diagramHast.js';
import { indexTermToHast } from './indexHast.js';
import { hasRawHtml, parseRawHtml } from './rawHtml.js';

export interface ChapterRenderOptions {
  book: Book;
  chapter: Chapter;
  /** Prepared (prepareHighlighter) for the blocks `chapterCodeBlocks` lists with the same presenter. */
  highlighter: CodeHighlighter;
  presenter?: CodePresenter;
  /**
   * `pages`: one HTML page per chapter (links go to `other.html#id`).
   * `single`: every chapter in one document, as for print (ids are prefixed with the chapter's slug).
   */
  mode: 'pages' | 'single';
  /** A last transform of the finished tree, for one output's needs (the PDF hyphenates its prose). */
  finish?: (tree: HastRoot) => void;
  /** Mermaid diagrams drawn as SVG, by content hash; a diagram not in it is shown as its source. */
  diagrams?: Map<string, DiagramSvgs>;
  /** Type hovers on samples' identifiers (the HTML book; print and e-readers show none). */
  hovers?: boolean;
}

export interface RenderedChapter {
  html: string;
  /** Files under manuscript/ the chapter references (images, downloads), to copy into the output. */
  assets: { file: string; relPath: string }[];
}

/**
 * How each code block of a chapter is shown, for preparing the highlighter before rendering. A presenter
 * wrapped by `presentingOnce` computes each block once for both passes.
 */
export function chapterCodeBlocks(chapter: Chapter, presenter?: CodePresenter): CodePresentation[] {
  const blocks: CodePresentation[] = [];
  visit(chapter.tree(), 'code', (node: Code) => {
    blocks.push(presentCode(presenter, chapter, node));
  });
  return blocks;
}

/** Every chapter's code blocks, as `prepareHighlighter` takes them. */
export function codeBlocksByChapter(chapters: readonly Chapter[], presenter?: CodePresenter): ChapterBlocks[] {
  return chapters.map((chapter) => ({ chapter: chapter.path, blocks: chapterCodeBlocks(chapter, presenter) }));
}

/** The presenter, remembering each block's presentation for the lifetime of the returned function. */
export function presentingOnce(presenter?: CodePresenter): CodePresenter {
  const seen = new WeakMap<Code, CodePresentation>();
  const once: CodePresenter = (chapter, node) => {
    let p = seen.get(node);
    if (!p) {
      p = presentCode(presenter, chapter, node);
      seen.set(node, p);
    }
    return p;
  };
  once.cacheKey = presenter?.cacheKey;
  once.typeChecked = presenter?.typeChecked;
  return once;
}

function presentCode(presenter: CodePresenter | undefined, chapter: Chapter, node: Code): CodePresentation {
  return presenter?.(chapter, node) ?? bookCodePresentation(chapter, node);
}

/** Where copied manuscript files live in the output, relative to the pages. */
export const mediaDir = 'media';

/** Markdown → HTML for one chapter: links rewritten to output pages, code highlighted, anchors added. */
export function renderChapterHtml(options: ChapterRenderOptions): RenderedChapter {
  const { tree, assets } = renderChapterTree(options);
  return { html: toHtml(tree, { allowDangerousHtml: true }), assets };
}

/** The same chapter as a hast tree, for renderers that serialise it differently (the EPUB writes XHTML). */
export function renderChapterTree(options: ChapterRenderOptions): { tree: HastRoot; assets: RenderedChapter['assets'] } {
  const { book, chapter, highlighter, presenter, mode, diagrams } = options;
  const prefix = mode === 'single' ? `${chapter.slug}--` : '';
  const numbered = crossRefHandlers({ book, chapter, mode });
  // What Evergreen generates itself, which the raw-HTML pass need not parse again (rawHtml.ts).
  const opaque = new Set<Element>();
  const made = (element: Element) => {
    opaque.add(element);
    return element;
  };
  let codeBlocks = 0;
  const hast = toHast(chapter.tree(), {
    allowDangerousHtml: true,
    clobberPrefix: mode === 'single' ? `${chapter.slug}--` : 'user-content-',
    footnoteLabelTagName: 'h2',
    footnoteLabelProperties: { className: ['footnotes-label'] },
    handlers: {
      ...numbered.handlers,
      inlineMath: (state: State, node: InlineMath) => made(numbered.handlers.inlineMath(state, node)),
      math: (state: State, node: Math) => made(numbered.handlers.math(state, node)),
      indexTerm: indexTermToHast,
      code: (state: State, node: Code) => {
        const diagram = diagramToHast(node, diagrams, mode);
        if (diagram) return numbered.diagram(state, node, made(diagram));
        const presentation = presentCode(presenter, chapter, node);
        const figure = made(highlightToHast(highlighter, presentation));
        if (options.hovers && presentation.hovers) addHovers(figure, presentation.hovers, `hover-${++codeBlocks}-`);
        // An undrawn diagram (no browser) keeps its number and caption, so references to it still land.
        return node.lang?.toLowerCase() === 'mermaid' ? numbered.diagram(state, node, figure) : numbered.listing(state, node, figure);
      },
      paragraph: (state: State, node: Paragraph) => figureForLoneImage(state, node, numbered.figure) ?? defaultHandlers.paragraph(state, node),
    },
  }) as HastRoot;
  // Raw HTML in Markdown is kept: parse it into real elements so links inside it are rewritten too.
  // Only the top-level blocks that hold raw HTML go through the HTML parser (rawHtml.ts).
  const tree = hasRawHtml(hast, opaque) ? parseRawHtml(hast, opaque) : hast;
  const assets: RenderedChapter['assets'] = [];
  let titleShown = false;
  visit(tree, 'element', (node: Element) => {
    if (!titleShown && chapter.titleHeadingId && /^h[1-6]$/.test(node.tagName) && node.properties.id === chapter.titleHeadingId) {
      // The heading the title comes from (or that says the same) is the page's title, whatever its level.
      node.tagName = 'h1';
      titleShown = true;
    }
    // A drawn diagram's SVG is self-contained: its styles and arrow markers refer to its own ids.
    if (node.properties.dataDiagram !== undefined) return SKIP;
    // Cross-reference links are made final by crossRefHast.ts (they point at labels, not headings).
    if (node.tagName === 'a' && typeof node.properties.href === 'string' && node.properties.dataXref === undefined) {
      node.properties.href = rewrite(node.properties.href, book, chapter, mode, assets);
    } else if ((node.tagName === 'img' || node.tagName === 'source' || node.tagName === 'video') && typeof node.properties.src === 'string') {
      node.properties.src = rewrite(node.properties.src, book, chapter, mode, assets);
      if (node.tagName === 'img') node.properties.loading ??= 'lazy';
    } else if ((node.tagName === 'th' || node.tagName === 'td') && typeof node.properties.align === 'string') {
      // GFM's `:---:` alignment as a style, not the obsolete align attribute a theme's text-align overrides.
      node.properties.style = `text-align: ${node.properties.align}`;
      delete node.properties.align;
    } else if (node.tagName === 'input' && node.properties.type === 'checkbox') {
      // GFM task-list boxes have no text of their own; screen readers need to hear their state.
      node.properties.ariaLabel ??= node.properties.checked ? 'Done' : 'Not done';
    }
    if (/^h[1-6]$/.test(node.tagName) && typeof node.properties.id === 'string') {
      const id = `${prefix}${node.properties.id}`;
      node.properties.id = id;
      if (node.tagName !== 'h1') {
        node.children.push({
          type: 'element',
          tagName: 'a',
          properties: { className: ['heading-anchor'], href: `#${id}`, ariaLabel: `Link to this section` },
          children: [{ type: 'text', value: '#' }],
        });
      }
    } else if (prefix && typeof node.properties.id === 'string' && !node.properties.id.startsWith(prefix)) {
      node.properties.id = `${prefix}${node.properties.id}`;
    }
    // What Evergreen made itself holds no links, images, headings or (in print) ids: walking the spans
    // of highlighted code and formulas cost a third of this pass.
    if (opaque.has(node)) return SKIP;
  });
  wrapTables(tree, opaque);
  // The heading the title comes from is the page's h1 (above); a chapter titled by front matter, book.yaml or file name gets one.
  if (!titleShown) {
    tree.children.unshift({ type: 'element', tagName: 'h1', properties: { id: `${prefix}${chapter.slug}-title` }, children: [{ type: 'text', value: chapter.title }] });
  }
  options.finish?.(tree);
  return { tree, assets };
}

function rewrite(url: string, book: Book, chapter: Chapter, mode: 'pages' | 'single', assets: RenderedChapter['assets']): string {
  const resolved = resolveLink(book, chapter, url);
  switch (resolved.kind) {
    case 'chapter': {
      if (mode === 'single') return `#${resolved.chapter.slug}${resolved.anchor ? `--${resolved.anchor}` : ''}`;
      const page = resolved.chapter === chapter ? '' : `${resolved.chapter.slug}.html`;
      return `${page}${resolved.anchor ? `#${resolved.anchor}` : ''}` || '#';
    }
    case 'asset':
      assets.push({ file: resolved.file, relPath: resolved.relPath });
      return `${mediaDir}/${resolved.relPath.split('/').map(encodeURIComponent).join('/')}${resolved.suffix}`;
    default:
      if (mode === 'single' && url.startsWith('#')) return `#${chapter.slug}--${url.slice(1)}`;
      return url;
  }
}

/** A paragraph holding only an image becomes a figure; the image's title, if any, is its caption. */
function figureForLoneImage(state: State, node: Paragraph, numberFigure: (state: State, image: Image, figure: Element) => void): Element | undefined {
  const meaningful = node.children.filter((c) => !(c.type === 'text' && c.value.trim() === ''));
  if (meaningful.length !== 1 || meaningful[0].type !== 'image') return undefined;
  const image = meaningful[0] as Image;
  const img = state.one(image, node) as Element;
  const children: ElementContent[] = [img];
  if (image.title) {
    delete img.properties.title;
    children.push({ type: 'element', tagName: 'figcaption', properties: {}, children: [{ type: 'text', value: image.title }] });
  }
  const figure: Element = { type: 'element', tagName: 'figure', properties: { className: ['figure'] }, children };
  numberFigure(state, image, figure);
  state.patch(node, figure);
  return figure;
}

/** Tables scroll sideways on narrow screens instead of overflowing the page. */
function wrapTables(tree: HastRoot | Element, opaque: ReadonlySet<Element>): void {
  tree.children.forEach((child: RootContent | ElementContent, index: number) => {
    if (child.type !== 'element' || opaque.has(child)) return;
    if (child.tagName === 'table') {
      tree.children[index] = { type: 'element', tagName: 'div', properties: { className: ['table-wrap'], tabIndex: 0 }, children: [child] };
    } else {
      wrapTables(child, opaque);
    }
  });
}
