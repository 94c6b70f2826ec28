import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Heading, List, Nodes, PhrasingContent, Root, RootContent, Table } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { countWords } from '../book/analyzeChapter.js';
import type { Book, Chapter } from '../book/model.js';
import { parseFenceMeta } from '../parse/fenceMeta.js';
import { headingIdOf } from '../parse/headingIds.js';
import { DiskCache } from '../util/diskCache.js';
import { sha256 } from '../util/hash.js';
import { toolchainFingerprint } from '../util/version.js';

/**
 * The normalized content of one version of a book, as stored in the release history and compared by the
 * diff: chapters → sections → blocks. Blocks are referenced by content hash and kept in a block store
 * shared by all releases, so an unchanged paragraph is stored once however many versions contain it.
 */
export interface Snapshot {
  format: 1;
  title: string;
  chapters: SnapshotChapter[];
}

export interface SnapshotChapter {
  /** Stable identity: the front matter `id`, else `file:<relPath>`. */
  key: string;
  /** True when the identity comes from the author's front matter `id` (survives renames and file moves). */
  explicitId: boolean;
  relPath: string;
  /** Page name in the HTML book (`<slug>.html`). */
  slug: string;
  title: string;
  sections: SnapshotSection[];
}

export interface SnapshotSection {
  /** Heading id (`{#id}` or slug); '' for the text before the chapter's first section heading. */
  id: string;
  /** True when the author wrote `{#id}`. */
  explicitId: boolean;
  title: string;
  /** Heading depth (0 for the chapter's opening text). */
  depth: number;
  /** Block hashes in order (see `Block`). */
  blocks: string[];
}

export type BlockKind = 'paragraph' | 'list' | 'table' | 'code' | 'blockquote' | 'html' | 'break' | 'definition' | 'footnote' | 'other';

/** One normalized block: reflowing or re-indenting prose does not change its text, so not its hash. */
export interface Block {
  kind: BlockKind;
  /** Normalized text (Markdown-like inline marks, whitespace collapsed; code kept line for line). */
  text: string;
  /** Code language. */
  lang?: string;
  /** Sample id (`id=` in the fence) for code blocks. */
  sample?: string;
}

export type BlockStore = Map<string, Block>;

/** Bumped when normalisation changes, so cached chapter snapshots made by older rules are not reused. */
const snapshotRules = '2';

export function blockHash(block: Block): string {
  return sha256(JSON.stringify([block.kind, block.text, block.lang ?? '', block.sample ?? ''])).slice(0, 24);
}

export function blockWords(block: Block): number {
  return countWords(block.text);
}

export function chapterKey(chapter: Pick<Chapter, 'id' | 'relPath'>): string {
  return chapter.id ? chapter.id : `file:${chapter.relPath}`;
}

/** Snapshots a loaded book; new blocks are added to `store`. */
export function snapshotBook(book: Book, store: BlockStore = new Map(), options: { cacheDir?: string } = {}): { snapshot: Snapshot; store: BlockStore } {
  imageHashes.clear();
  // Parsing is most of the cost: a chapter's snapshot is cached by its text (unless it shows local files,
  // whose bytes are part of the snapshot and may change without the text changing).
  const cache = options.cacheDir ? new DiskCache<{ chapter: SnapshotChapter; blocks: Record<string, Block> }>(options.cacheDir, 'release-snapshots') : undefined;
  const chapters = book.chapters.map((chapter) => {
    const key = sha256(
      'snapshot',
      snapshotRules,
      toolchainFingerprint(),
      chapter.hash,
      chapterKey(chapter),
      chapter.relPath,
      chapter.slug,
      chapter.title,
      chapter.titleHeadingId ?? '',
    );
    const cached = cache?.get(key);
    if (cached) {
      for (const [hash, block] of Object.entries(cached.blocks)) if (!store.has(hash)) store.set(hash, block);
      return cached.chapter;
    }
    const own: BlockStore = new Map();
    usedLocalFiles = false;
    const snap = snapshotChapter(chapter, own);
    for (const [hash, block] of own) if (!store.has(hash)) store.set(hash, block);
    if (cache && !usedLocalFiles) cache.set(key, { chapter: snap, blocks: Object.fromEntries(own) });
    return snap;
  });
  return { snapshot: { format: 1, title: book.config.title, chapters }, store };
}

function snapshotChapter(chapter: Chapter, store: BlockStore): SnapshotChapter {
  const tree: Root = chapter.tree();
  imageResolver = (url) => imageHash(chapter.path, url);
  const sections: SnapshotSection[] = [];
  let current: SnapshotSection = { id: '', explicitId: false, title: '', depth: 0, blocks: [] };
  const titleId = chapter.titleHeadingId;
  const push = (block: Block) => {
    const hash = blockHash(block);
    if (!store.has(hash)) store.set(hash, block);
    current.blocks.push(hash);
  };
  for (const node of tree.children) {
    if (node.type === 'yaml') continue;
    if (node.type === 'heading') {
      const data = headingIdOf(node as Heading);
      const id = data?.id ?? '';
      if (id === titleId && sections.length === 0 && current.blocks.length === 0) continue;
      if (current.id !== '' || current.blocks.length > 0) sections.push(current);
      current = { id, explicitId: data?.explicit ?? false, title: normalizeSpace(toString(node)), depth: node.depth, blocks: [] };
      continue;
    }
    const block = normalizeBlock(node);
    if (block) push(block);
  }
  if (current.id !== '' || current.blocks.length > 0 || sections.length === 0) sections.push(current);
  imageResolver = undefined;
  return { key: chapterKey(chapter), explicitId: chapter.id !== undefined, relPath: chapter.relPath, slug: chapter.slug, title: chapter.title, sections };
}

let imageResolver: ((url: string) => string | undefined) | undefined;
let usedLocalFiles = false;
const imageHashes = new Map<string, string | undefined>();

function imageHash(chapterPath: string, url: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:|^\/\/|^#/i.test(url)) return undefined;
  let rel: string;
  try {
    rel = decodeURIComponent(url.split(/[?#]/)[0]);
  } catch {
    return undefined;
  }
  const file = path.resolve(path.dirname(chapterPath), rel);
  usedLocalFiles = true;
  if (imageHashes.has(file)) return imageHashes.get(file);
  let hash: string | undefined;
  try {
    hash = sha256(readFileSync(file)).slice(0, 16);
  } catch {
    hash = undefined;
  }
  imageHashes.set(file, hash);
  return hash;
}

export function normalizeSpace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A top-level mdast node as a normalized block (undefined for nodes that carry no content). */
export function normalizeBlock(node: RootContent): Block | undefined {
  switch (node.type) {
    case 'paragraph':
      return { kind: 'paragraph', text: inline(node.children) };
    case 'code': {
      const meta = parseFenceMeta(node.meta);
      const id = meta.attributes.find((a) => a.name === 'id')?.value;
      const x = node.value
        .split('\n')
        .map((line) => line.replace(/\s+$/, ''))
        .join('\n')
        .replace(/^\n+|\n+$/g, '');
      return { kind: 'code', text: x, ...(node.lang ? { lang: node.lang.toLowerCase() } : {}), ...(id ? { sample: id } : {}) };
    }
    case 'list':
      return { kind: 'list', text: listText(node) };
    case 'table':
      return { kind: 'table', text: tableText(node) };
    case 'blockquote':
      return {
        kind: 'blockquote',
        text: node.children
          .map((c) => blockText(c as RootContent))
          .filter(Boolean)
          .join('\n'),
      };
    case 'html': {
      const x = normalizeSpace(node.value);
      if (!x) return undefined;
      // Files the HTML shows (<img src>, <source src>, <video poster>) count by their bytes too.
      const files = [...x.matchAll(/\b(?:src|poster)\s*=\s*["']([^"']+)["']/gi)].map((m) => imageResolver?.(m[1])).filter(Boolean);
      return { kind: 'html', text: files.length ? `${x} {sha256:${files.join(',')}}` : x };
    }
    case 'thematicBreak':
      return { kind: 'break', text: '---' };
    case 'definition':
      return { kind: 'definition', text: `[${node.label ?? node.identifier}]: ${node.url}` };
    case 'footnoteDefinition':
      return { kind: 'footnote', text: `[^${node.label ?? node.identifier}]: ${node.children.map((c) => blockText(c as RootContent)).join('\n')}` };
    case 'heading':
      return { kind: 'paragraph', text: inline(node.children) };
    default: {
      const text = normalizeSpace(toString(node as Nodes));
      return text ? { kind: 'other', text: text } : undefined;
    }
  }
}

/**
 * A code span as CommonMark writes it: fenced by a backtick run longer than any inside, padded when the code
 * starts or ends with a backtick. Plain code keeps its single backticks (and so its stored hash).
 */
export function codeSpan(code: string): string {
  const longest = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = /^`|`$/.test(code) ? ' ' : '';
  return `${fence}${pad}${code}${pad}${fence}`;
}

function blockText(node: RootContent): string {
  return normalizeBlock(node)?.text ?? '';
}

function listText(list: List): string {
  const start = list.start ?? 1;
  return list.children
    .map((item, i) => {
      const marker = list.ordered ? `${start + i}.` : '-';
      const check = item.checked === true ? '[x] ' : item.checked === false ? '[ ] ' : '';
      const body = item.children
        .map((c) => blockText(c as RootContent))
        .join('\n')
        .replace(/\n/g, '\n  ');
      return `${marker} ${check}${body}`;
    })
    .join('\n');
}

function tableText(table: Table): string {
  return table.children.map((row) => `| ${row.children.map((cell) => inline(cell.children)).join(' | ')} |`).join('\n');
}

/** Inline content with Markdown-like marks, so changing a link target or emphasis is a change but reflowing is not. */
function inline(nodes: PhrasingContent[]): string {
  return normalizeSpace(nodes.map(inlineNode).join(''));
}

function inlineNode(node: PhrasingContent): string {
  switch (node.type) {
    case 'text':
      return node.value;
    case 'emphasis':
      return `_${inline(node.children)}_`;
    case 'strong':
      return `**${inline(node.children)}**`;
    case 'delete':
      return `~~${inline(node.children)}~~`;
    case 'inlineCode':
      return codeSpan(node.value);
    case 'break':
      return ' ';
    case 'link':
      return `[${inline(node.children)}](${node.url})`;
    case 'image': {
      // A local image's bytes are part of the content: replacing a figure is a change even under the same name.
      const hash = imageResolver?.(node.url);
      return `![${node.alt ?? ''}](${node.url})${hash ? `{sha256:${hash}}` : ''}`;
    }
    case 'linkReference':
      return `[${inline(node.children)}][${node.identifier}]`;
    case 'imageReference':
      return `![${node.alt ?? ''}][${node.identifier}]`;
    case 'footnoteReference':
      return `[^${node.identifier}]`;
    case 'html':
      return node.value;
    default:
      return toString(node as Nodes);
  }
}
