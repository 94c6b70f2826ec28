import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FontBundle } from '../theme.js';
import { linkOrCopy } from '../theme.js';

/**
 * The PDF's fonts: the same three families as the HTML book, but each style as one whole font file. The web
 * fonts (@fontsource) are split per script, each file with its unicode-range, so a browser downloads only
 * what a page uses; Chromium embeds every file it used as a font of its own, so a book with one π in a
 * code sample got JetBrains Mono twice (Latin and Greek files), and prose with Greek or Cyrillic the body
 * face twice or three times. Whole files (Google Fonts' static instances, packaged by @expo-google-fonts)
 * give each style one embedded font; Chromium still embeds only the glyphs used.
 */
const printFaces: { pkg: string; family: string; prefix: string; styles: { weight: number; italic: boolean; file: string }[] }[] = [
  {
    pkg: '@expo-google-fonts/source-serif-4',
    family: 'Source Serif 4',
    prefix: 'SourceSerif4',
    styles: [
      { weight: 400, italic: false, file: '400Regular' },
      { weight: 400, italic: true, file: '400Regular_Italic' },
      { weight: 600, italic: false, file: '600SemiBold' },
      { weight: 700, italic: false, file: '700Bold' },
      { weight: 700, italic: true, file: '700Bold_Italic' },
    ],
  },
  {
    pkg: '@expo-google-fonts/inter',
    family: 'Inter',
    prefix: 'Inter',
    styles: [
      { weight: 400, italic: false, file: '400Regular' },
      { weight: 500, italic: false, file: '500Medium' },
      { weight: 600, italic: false, file: '600SemiBold' },
      { weight: 700, italic: false, file: '700Bold' },
    ],
  },
  {
    pkg: '@expo-google-fonts/jetbrains-mono',
    family: 'JetBrains Mono',
    prefix: 'JetBrainsMono',
    styles: [
      { weight: 400, italic: false, file: '400Regular' },
      { weight: 400, italic: true, file: '400Regular_Italic' },
      { weight: 700, italic: false, file: '700Bold' },
    ],
  },
];

const require = createRequire(import.meta.url);

let bundle: FontBundle | undefined;

/** @font-face rules (urls relative to the print document: `fonts/…`) and the files they name. */
export function loadPrintFonts(): FontBundle {
  if (bundle) return bundle;
  const rules: string[] = [];
  const files: FontBundle['files'] = [];
  for (const face of printFaces) {
    const dir = path.dirname(require.resolve(`${face.pkg}/package.json`));
    for (const style of face.styles) {
      const name = `${face.prefix}_${style.file}.ttf`;
      files.push({ from: path.join(dir, style.file, name), name });
      rules.push(
        `@font-face {\n  font-family: '${face.family}';\n  font-style: ${style.italic ? 'italic' : 'normal'};\n  font-weight: ${style.weight};\n  src: url(fonts/${name}) format('truetype');\n}`,
      );
    }
  }
  bundle = { css: rules.join('\n'), files };
  return bundle;
}

export async function copyPrintFonts(targetDir: string): Promise<void> {
  await mkdir(path.join(targetDir, 'fonts'), { recursive: true });
  await Promise.all(loadPrintFonts().files.map((f) => linkOrCopy(f.from, path.join(targetDir, 'fonts', f.name))));
}
