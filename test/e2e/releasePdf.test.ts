import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { findBrowser } from '../../src/util/browser.js';
import { editsForMinor } from '../fixtures/release/edits.mjs';
import { copyFixture, runCli } from '../helpers/cli.js';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Each page's text (pdftotext -layout) and the page number printed at its foot. */
function pdfPages(file: string): { lines: string[]; printedNumber: string }[] {
  const pages = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).split('\f').slice(0, -1);
  return pages.map((page) => {
    const lines = page.split('\n');
    return {
      lines,
      printedNumber:
        lines
          .filter((l) => l.trim())
          .pop()
          ?.trim() ?? '',
    };
  });
}

/** A release's PDF in the book's artifact store (releases/ records only its sha256). */
function storedPdf(dir: string, version: string): string {
  const record = JSON.parse(readFileSync(path.join(dir, 'releases', version, 'release.json'), 'utf8'));
  return path.join(dir, '.evergreen', 'artifacts', record.artifacts.find((a: { kind: string }) => a.kind === 'pdf').sha256);
}

describe('PDF artifacts', () => {
  it.skipIf(!findBrowser())(
    'keeps the published PDF byte for byte, lists it in the manifest and the feed; the next release marks its changed sections and the redline names their pages (needs Chromium)',
    async () => {
      const dir = copyFixture('release/book');
      const r = await runCli(['release', '1.0.0', '--root', dir, '--format', 'html,pdf', '--yes', '--date', '2026-01-10']);
      expect(r.code, r.stderr).toBe(0);
      const stored = storedPdf(dir, '1.0.0');
      expect(readFileSync(stored).subarray(0, 5).toString()).toBe('%PDF-');
      const published = sha256(stored);
      const manifest = JSON.parse(readFileSync(path.join(dir, 'dist', 'site', 'manifest.json'), 'utf8'));
      const pdf = manifest.versions[0].artifacts.find((a: { kind: string }) => a.kind === 'pdf');
      expect(pdf).toMatchObject({ path: 'downloads/fixture-1.0.0.pdf', sha256: published });
      expect(sha256(path.join(dir, 'dist', 'site', pdf.path))).toBe(published);
      const feed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(readFileSync(path.join(dir, 'dist', 'site', 'feed.xml'), 'utf8'));
      const links = [feed.feed.entry.link].flat() as { '@rel': string; '@type': string; '@href': string }[];
      expect(links.find((l) => l['@type'] === 'application/pdf')?.['@href']).toBe('https://example.com/fixture/downloads/fixture-1.0.0.pdf');
      // A later build (new theme, new Chromium…) never replaces what readers downloaded.
      const b = await runCli(['build', '--root', dir, '--format', 'html,pdf']);
      expect(b.code, b.stderr).toBe(0);
      expect(sha256(stored)).toBe(published);
      expect(sha256(path.join(dir, 'dist', 'site', pdf.path))).toBe(published);
      // The next release gets a redline PDF of what changed, made from the snapshots, listed with its sha256.
      editsForMinor(dir);
      const r2 = await runCli(['release', '1.1.0', '--root', dir, '--format', 'html,pdf', '--yes', '--date', '2026-03-01']);
      expect(r2.code, r2.stderr).toBe(0);
      const site = path.join(dir, 'dist', 'site');
      const next = JSON.parse(readFileSync(path.join(site, 'manifest.json'), 'utf8'));
      const redline = next.versions[0].changesSince['1.0.0'].redline;
      expect(redline.path).toBe('changes/since-1.0.0.pdf');
      expect(sha256(path.join(site, redline.path))).toBe(redline.sha256);
      expect(existsSync(path.join(dir, 'releases', '1.1.0', 'changes'))).toBe(false);
      expect(readFileSync(path.join(site, 'changes-since-1.0.0.html'), 'utf8')).toContain('href="changes/since-1.0.0.pdf"');
      const text = execFileSync('pdftotext', ['-layout', path.join(site, redline.path), '-'], { encoding: 'utf8' });
      expect(text).toMatch(/type\s+again\s*retype\s+and\s+why/);
      expect(text).toContain('Advanced topics');

      // The new book PDF marks in its margin what this release changed, and nothing else.
      const bookPages = pdfPages(storedPdf(dir, '1.1.0'));
      const pageWith = (heading: string) => bookPages.findIndex((p) => p.lines.some((l) => l.trim() === heading));
      const lineAfter = (heading: string) => {
        const { lines } = bookPages[pageWith(heading)];
        return lines
          .slice(lines.findIndex((l) => l.trim() === heading) + 1)
          .find((l) => l.trim())
          ?.trim();
      };
      expect(lineAfter('Why versions matter')).toBe('Updated in 1.1.0');
      expect(lineAfter('Advanced topics')).toBe('New in 1.1.0');
      // Setup only moved, and the reflowed paragraph has the same words: no mark for either.
      const marks = bookPages.flatMap((p) => p.lines.filter((l) => /^(Updated|New) in /.test(l.trim())));
      expect(marks.map((l) => l.trim())).toEqual(['Updated in 1.1.0', 'New in 1.1.0']);
      expect(pdfPages(stored).some((p) => p.lines.some((l) => /(Updated|New) in \d/.test(l)))).toBe(false);

      // The redline names each changed section's page in the new book PDF: the number printed on the page
      // where pdftotext finds that section's heading.
      expect(text).toContain('Page numbers are those of fixture-1.1.0.pdf.');
      const redlineLine = (heading: string) => text.split('\n').find((l) => new RegExp(`^${heading}\\b`).test(l.trim()))!;
      for (const heading of ['Why versions matter', 'Advanced topics', 'Setup']) {
        const printed = bookPages[pageWith(heading)].printedNumber;
        expect(printed, heading).toMatch(/^\d+$/);
        expect(redlineLine(heading), heading).toMatch(new RegExp(`\\sp\\. ${printed}$`));
      }
      expect(bookPages[pageWith('Setup')].printedNumber).not.toBe(bookPages[pageWith('Why versions matter')].printedNumber);
    },
    600_000,
  );
});
