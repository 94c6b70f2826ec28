import type { BookConfig } from '../../book/configSchema.js';
import { escapeXml } from './xhtmlDocument.js';

/**
 * A cover drawn from the title page's design (title, subtitle, authors on the theme's colours) when the book
 * has no `cover:` image. SVG is a core EPUB image type and stays sharp on every screen; its text is set in the
 * reader's serif and sans-serif, so no font is needed.
 */
export function generatedCover(config: BookConfig, versionLabel: string): string {
  const width = 1600;
  const height = 2560;
  const titleLines = wrap(config.title, 16);
  const titleSize = titleLines.length > 3 ? 120 : 150;
  const subtitleLines = config.subtitle ? wrap(config.subtitle, 30) : [];
  const text = (lines: string[], y: number, size: number, attrs: string) =>
    lines.map((line, i) => `<text x="140" y="${y + i * size * 1.2}" font-size="${size}" ${attrs}>${escapeXml(line)}</text>`).join('\n  ');
  const titleY = 760;
  const subtitleY = titleY + titleLines.length * titleSize * 1.2 + 80;
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="cover-title">
  <title id="cover-title">${escapeXml(config.subtitle ? `${config.title}: ${config.subtitle}` : config.title)}</title>
  <rect width="${width}" height="${height}" fill="#FBFAF7"/>
  <rect x="0" y="0" width="60" height="${height}" fill="#17633A"/>
  <rect x="140" y="560" width="420" height="16" fill="#17633A"/>
  ${text(titleLines, titleY, titleSize, 'font-family="Georgia, \'Source Serif 4\', serif" font-weight="700" fill="#1B1B1B"')}
  ${text(subtitleLines, subtitleY, 72, 'font-family="Georgia, \'Source Serif 4\', serif" font-style="italic" fill="#3D3D3D"')}
  ${text(config.authors.length ? [config.authors.join(', ')] : [], height - 420, 80, 'font-family="Helvetica, Arial, sans-serif" font-weight="600" fill="#1B1B1B"')}
  ${text([`Version ${versionLabel}`], height - 290, 52, 'font-family="Helvetica, Arial, sans-serif" fill="#5A5A5A"')}
</svg>
`;
}

/** Greedy word wrap by characters: good enough for a cover, where lines are short and few. */
function wrap(text: string, perLine: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > perLine) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}
