import { existsSync } from 'node:fs';
import { copyFile, link, mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { packageRoot } from '../util/version.js';

/**
 * Fonts ship as npm packages (@fontsource), so every machine renders the same book, on screen and in the
 * PDF. We reuse fontsource's own @font-face rules (with their unicode ranges) and copy the WOFF2 files.
 */
const fontFaces: { pkg: string; files: string[] }[] = [
  // Whole weights (every subset, each with its unicode-range): browsers fetch only the subsets a page uses.
  { pkg: '@fontsource/source-serif-4', files: ['400', '400-italic', '600', '700', '700-italic'] },
  { pkg: '@fontsource/inter', files: ['400', '500', '600', '700'] },
  { pkg: '@fontsource/jetbrains-mono', files: ['400', '400-italic', '700'] },
];

const require = createRequire(import.meta.url);

export interface FontBundle {
  /** @font-face rules with urls relative to the stylesheet's folder (`fonts/…`). */
  css: string;
  files: { from: string; name: string }[];
}

let fontBundle: Promise<FontBundle> | undefined;

export function loadFonts(): Promise<FontBundle> {
  fontBundle ??= (async () => {
    const rules: string[] = [];
    const files: FontBundle['files'] = [];
    for (const face of fontFaces) {
      const dir = path.dirname(require.resolve(`${face.pkg}/package.json`));
      for (const name of face.files) {
        const css = await readFile(path.join(dir, `${name}.css`), 'utf8');
        rules.push(
          css
            // Keep WOFF2 only: every browser Evergreen targets (and Chromium for the PDF) reads it.
            .replace(/,\s*url\([^)]*\.woff\)\s*format\('woff'\)/g, '')
            .replace(/url\(\.\/files\/([^)]+\.woff2)\)/g, (_m, file: string) => {
              files.push({ from: path.join(dir, 'files', file), name: file });
              return `url(fonts/${file})`;
            }),
        );
      }
    }
    return { css: rules.join('\n'), files };
  })();
  return fontBundle;
}

export async function copyFonts(targetDir: string): Promise<void> {
  const { files } = await loadFonts();
  await mkdir(path.join(targetDir, 'fonts'), { recursive: true });
  await Promise.all(files.map((f) => linkOrCopy(f.from, path.join(targetDir, 'fonts', f.name))));
}

/** Hard-links a file when the file systems allow it (no bytes copied on every rebuild), else copies it. */
export async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
  }
}

/** The theme files a book may override by putting a file of the same name in its own `templates/` folder. */
export const themeFiles = ['page.html', 'book.css', 'book.js', 'print.css', 'epub.css', 'custom.css'] as const;
export type ThemeFile = (typeof themeFiles)[number];

export interface Theme {
  files: Partial<Record<ThemeFile, string>>;
  /** Where each file was read from. */
  paths: Partial<Record<ThemeFile, string>>;
  /** Absolute paths the theme was read from, so `evergreen dev` can watch them. */
  sources: string[];
}

/** Reads the theme: each file from the book's `templates/` when present, else Evergreen's default. */
export async function loadTheme(bookRoot: string): Promise<Theme> {
  const theme: Theme = { files: {}, paths: {}, sources: [] };
  for (const name of themeFiles) {
    const own = path.join(bookRoot, 'templates', name);
    const fallback = path.join(packageRoot, 'templates', 'theme', name);
    const chosen = existsSync(own) ? own : existsSync(fallback) ? fallback : undefined;
    if (!chosen) continue;
    theme.files[name] = await readFile(chosen, 'utf8');
    theme.paths[name] = chosen;
    theme.sources.push(chosen);
  }
  return theme;
}

/** The placeholders every page of the HTML book (and the release site) fills in page.html. */
export const pagePlaceholders = [
  'lang',
  'pageTitle',
  'description',
  'bookTitle',
  'evergreenVersion',
  'bookVersion',
  'versionLabel',
  'bodyClass',
  'extraHead',
  'toc',
  'content',
  'prevNext',
  'latestLink',
] as const;

const placeholderPattern = /\{\{\{(\w+)\}\}\}|\{\{(\w+)\}\}/g;

/**
 * Placeholders of a template that no page fills, each at its line and column: a typo such as
 * `{{booktitle}}` in a book's own page.html would otherwise silently become empty text.
 */
export function unknownPlaceholders(template: string, known: readonly string[]): { name: string; line: number; column: number }[] {
  const found: { name: string; line: number; column: number }[] = [];
  for (const match of template.matchAll(placeholderPattern)) {
    const name = match[1] ?? match[2]!;
    if (known.includes(name)) continue;
    const before = template.slice(0, match.index);
    found.push({ name, line: before.split('\n').length, column: match.index! - before.lastIndexOf('\n') });
  }
  return found;
}

/** `{{name}}` is replaced with escaped text, `{{{name}}}` with raw HTML. Check templates with `unknownPlaceholders` first. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(placeholderPattern, (_m, rawName: string | undefined, name: string | undefined) => (rawName ? (values[rawName] ?? '') : escapeHtml(values[name!] ?? '')));
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
