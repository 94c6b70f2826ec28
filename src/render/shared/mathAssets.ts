import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Book } from '../../book/model.js';
import { linkOrCopy } from '../theme.js';

const require = createRequire(import.meta.url);

/** True when some chapter has a formula: only such books carry KaTeX's stylesheet and fonts. */
export function bookHasMath(book: Pick<Book, 'chapters'>): boolean {
  return book.chapters.some((c) => (c.analysis.features?.math.length ?? 0) > 0);
}

/** The stylesheet's name next to the pages (HTML: under assets/; PDF: in the print work folder). */
export const katexStylesheet = 'katex.css';
const fontFolder = 'katex-fonts';

let katexCss: Promise<{ css: string; fonts: string[] }> | undefined;

/** katex.min.css from the katex package, keeping WOFF2 only (Chromium and every current browser read it). */
function loadKatexCss(): Promise<{ css: string; fonts: string[] }> {
  katexCss ??= (async () => {
    const dist = path.join(path.dirname(require.resolve('katex/package.json')), 'dist');
    const fonts: string[] = [];
    const css = (await readFile(path.join(dist, 'katex.min.css'), 'utf8'))
      .replace(/,\s*url\(fonts\/[^)]+\.woff\)\s*format\("woff"\)/g, '')
      .replace(/,\s*url\(fonts\/[^)]+\.ttf\)\s*format\("truetype"\)/g, '')
      .replace(/url\(fonts\/([^)]+\.woff2)\)/g, (_m, file: string) => {
        fonts.push(path.join(dist, 'fonts', file));
        return `url(${fontFolder}/${file})`;
      });
    return { css, fonts };
  })();
  return katexCss;
}

/** Writes katex.css and its fonts into `dir`; the PDF embeds the fonts its formulas use. */
export async function writeKatexAssets(dir: string): Promise<void> {
  const { css, fonts } = await loadKatexCss();
  await mkdir(path.join(dir, fontFolder), { recursive: true });
  await Promise.all([writeFile(path.join(dir, katexStylesheet), css), ...fonts.map((f) => linkOrCopy(f, path.join(dir, fontFolder, path.basename(f))))]);
}
