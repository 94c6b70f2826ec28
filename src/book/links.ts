import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Book, Chapter, LinkReference } from './model.js';
import { chapterFilePattern, markdownFile } from './configSchema.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';

export type ResolvedLink =
  | { kind: 'chapter'; chapter: Chapter; anchor?: string }
  | { kind: 'asset' /** absolute path of the file */; file: string /** path relative to manuscript/ */; relPath: string; suffix: string }
  | { kind: 'external' }
  | { kind: 'broken'; message: string; hint: string; ruleId: string }
  | { kind: 'outside'; message: string };

const externalPattern = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

/**
 * Resolves a link written in a chapter against the book: another chapter (and heading), a file under
 * manuscript/ to copy, something outside the book's knowledge (external URL, absolute site path), or a
 * broken reference the author must fix.
 */
export function resolveLink(book: Pick<Book, 'chapters' | 'manuscriptDir'>, from: Chapter, url: string): ResolvedLink {
  if (url === '' || externalPattern.test(url)) return { kind: 'external' };
  if (url.startsWith('/')) {
    return { kind: 'outside', message: `"${url}" is an absolute site path; Evergreen cannot check it and leaves it as written` };
  }
  const hashIndex = url.indexOf('#');
  const beforeHash = hashIndex === -1 ? url : url.slice(0, hashIndex);
  const anchor = hashIndex === -1 ? undefined : decodeSafe(url.slice(hashIndex + 1));
  const queryIndex = beforeHash.indexOf('?');
  const rawPath = queryIndex === -1 ? beforeHash : beforeHash.slice(0, queryIndex);
  const target = rawPath === '' ? from : undefined;
  if (target) return checkAnchor(target, anchor);

  const relPath = path.posix.normalize(path.posix.join(path.posix.dirname(from.relPath), decodeSafe(rawPath)));
  if (relPath.startsWith('../')) {
    return { kind: 'outside', message: `"${url}" points outside manuscript/; it is left as written` };
  }
  const rendered = chapterRenderedAs(book, relPath);
  if (rendered && !existsSync(path.join(book.manuscriptDir, relPath))) return checkAnchor(rendered, anchor);
  // A Leanpub chapter may be a .txt file: a link to it is a chapter link only when it is a chapter.
  if (markdownFile.test(relPath) || (chapterFilePattern.test(relPath) && book.chapters.some((c) => c.relPath === relPath))) {
    const chapter = book.chapters.find((c) => c.relPath === relPath);
    if (!chapter) {
      const exists = existsSync(path.join(book.manuscriptDir, relPath));
      return {
        kind: 'broken',
        message: exists ? `Link to "${rawPath}", which is not a chapter of the book` : `Link to a missing chapter "${rawPath}"`,
        hint: exists ? 'Add the file to `chapters` in book.yaml, or link to a chapter that is in the book.' : `Check the path: it is resolved relative to ${from.relPath}.`,
        ruleId: 'link/missing-chapter',
      };
    }
    return checkAnchor(chapter, anchor);
  }
  const file = path.join(book.manuscriptDir, relPath);
  if (!existsSync(file)) {
    return {
      kind: 'broken',
      message: `"${rawPath}" does not exist`,
      hint: `Check the path: it is resolved relative to ${from.relPath} in manuscript/.`,
      ruleId: 'link/missing-file',
    };
  }
  return { kind: 'asset', file, relPath, suffix: url.slice(rawPath.length) };
}

function checkAnchor(chapter: Chapter, anchor: string | undefined): ResolvedLink {
  if (anchor === undefined || anchor === '') return { kind: 'chapter', chapter };
  if (chapter.analysis.headings.some((h) => h.id === anchor) || hasFootnoteOrHtmlId(chapter, anchor)) {
    return { kind: 'chapter', chapter, anchor };
  }
  const close = chapter.analysis.headings.map((h) => h.id).filter((id) => id.includes(anchor) || anchor.includes(id));
  return {
    kind: 'broken',
    message: `Link to a missing heading "#${anchor}" in ${chapter.relPath}`,
    hint:
      close.length > 0
        ? `Did you mean "#${close[0]}"?`
        : `Headings there: ${
            chapter.analysis.headings
              .slice(0, 8)
              .map((h) => `#${h.id}`)
              .join(', ') || 'none'
          }.`,
    ruleId: 'link/missing-anchor',
  };
}

function hasFootnoteOrHtmlId(chapter: Chapter, anchor: string): boolean {
  if (anchor.startsWith('user-content-fn')) return true;
  return chapter.source.includes(`id="${anchor}"`);
}

function decodeSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Author problems with a chapter's links and images (missing chapter, heading or file). */
export function checkLinks(book: Pick<Book, 'chapters' | 'manuscriptDir'>, chapter: Chapter): Diagnostic[] {
  const problems: Diagnostic[] = [];
  for (const link of chapter.analysis.links) {
    const resolved = resolveLink(book, chapter, link.url);
    if (resolved.kind === 'broken') {
      problems.push(at(chapter, link, 'error', resolved.message, resolved.hint, link.kind === 'image' ? 'link/missing-image' : resolved.ruleId));
    } else if (resolved.kind === 'outside' && link.kind !== 'html') {
      problems.push(at(chapter, link, 'warning', resolved.message, undefined, 'link/unchecked'));
    }
  }
  return problems;
}

function at(chapter: Chapter, link: LinkReference, severity: 'error' | 'warning', message: string, hint: string | undefined, ruleId: string): Diagnostic {
  return { severity, file: chapter.path, line: link.line, column: link.column, message, hint, ruleId };
}

/**
 * The chapter a link to a rendered page means, as mdBook and GitBook books write them: `intro.html` for
 * intro.md, `guide/index.html` (or `guide/`) for guide/README.md or guide/index.md.
 */
function chapterRenderedAs(book: Pick<Book, 'chapters'>, relPath: string): Chapter | undefined {
  const page = /(^|\/)$/.test(relPath) || relPath === '.' ? `${relPath === '.' ? '' : relPath}index.html` : relPath;
  if (!page.endsWith('.html')) return undefined;
  const stem = page.slice(0, -'.html'.length);
  const dir = stem.endsWith('index') ? stem.slice(0, -'index'.length) : undefined;
  const candidates = [...['md', 'markdown', 'qmd'].map((ext) => `${stem}.${ext}`), ...(dir !== undefined ? [`${dir}README.md`, `${dir}readme.md`] : [])];
  return book.chapters.find((c) => candidates.includes(c.relPath));
}
