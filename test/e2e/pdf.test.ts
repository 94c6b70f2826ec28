import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PDFDocument, PDFName } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The print PDF, checked with real tools (poppler and pdfjs) on one build of a small fixture book that has
 * everything the issue lists: parts, footnotes, long code lines, a table, a figure, links. One build is
 * shared by every assertion: a build costs seconds.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(repoRoot, 'bin', 'evergreen.js');
const fixture = path.join(repoRoot, 'test', 'fixtures', 'pdf', 'book');
const mm = 72 / 25.4;

function copyFixture(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evergreen-pdf-'));
  cpSync(fixture, dir, { recursive: true });
  return dir;
}

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', SOURCE_DATE_EPOCH: '1795651200', ...env },
    timeout: 120_000,
  });
}

const pageText = (pdf: string, page: number) => execFileSync('pdftotext', ['-layout', '-f', String(page), '-l', String(page), pdf, '-'], { encoding: 'utf8' });

type PdfjsDocument = Awaited<ReturnType<typeof import('pdfjs-dist/legacy/build/pdf.mjs')['getDocument']>['promise']>;

describe('evergreen build --format pdf', () => {
  let root: string;
  let pdf: string;
  let pages: string[];
  let doc: PdfjsDocument;
  let labels: string[];
  let stderr: string;

  beforeAll(async () => {
    root = copyFixture();
    const result = run(['build', '--root', root, '--format', 'html,pdf']);
    stderr = result.stderr;
    expect(result.status, result.stderr).toBe(0);
    pdf = path.join(root, 'dist', 'typed-foundations.pdf');
    const count = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))![1]);
    pages = Array.from({ length: count }, (_, i) => pageText(pdf, i + 1));
    const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
    doc = await getDocument({ data: new Uint8Array(readFileSync(pdf)), verbosity: 0 }).promise;
    labels = (await doc.getPageLabels()) ?? [];
  });
  afterAll(async () => {
    await doc?.destroy();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  /** 0-based index of the page on which chapter `n` opens (its "CHAPTER n" label). */
  const chapterStart = (n: number) => pages.findIndex((text) => new RegExp(`^\\s*CHAPTER\\s+${n}\\s*$`, 'm').test(text));

  const partPage = (i: number) => /^\s*P\s*A\s*R\s*T\s+1\s*$/m.test(pages[i]);

  it('writes the PDF next to the HTML book, with a plausible page count', () => {
    expect(stderr).toMatch(/Built 4 chapters/);
    expect(existsSync(path.join(root, 'dist', 'html', 'index.html'))).toBe(true);
    expect(pages.length).toBeGreaterThanOrEqual(12);
    expect(pages.length).toBeLessThanOrEqual(24);
  });

  it('opens with a title page and a colophon that identify the text', () => {
    expect(pages[0]).toContain('Typed Foundations');
    expect(pages[0]).toContain('Writing Reliable TypeScript');
    expect(pages[0]).toMatch(/Ada Example\s+Grace Sample/);
    expect(pages[0]).toMatch(/Version unreleased/);
    expect(pages[0]).toContain('2026-11-26');
    expect(pages[1]).toMatch(/Content hash\s+[0-9a-f]{12}\b/);
    expect(pages[1]).toContain('© 2026 Ada Example');
  });

  it('numbers the front matter in roman numerals and the chapters from 1', () => {
    const first = chapterStart(1);
    expect(first).toBeGreaterThan(2);
    expect(labels.slice(0, first)).toEqual(['i', 'ii', 'iii', 'iv', 'v', 'vi'].slice(0, first));
    expect(labels[first]).toBe('1');
    expect(pages[2]).toMatch(/^\s*iii\s*$/m); // the contents page shows its number
    // Every main-matter page that has text shows its own number at the foot.
    for (let i = first; i < pages.length; i++) {
      // Blank pages before right-hand chapter openings and part title pages carry no number.
      if (pages[i].trim() === '' || partPage(i)) continue;
      const lines = pages[i].trimEnd().split('\n');
      expect(lines.at(-1)!.trim(), `page ${i + 1}`).toBe(String(i - first + 1));
    }
  });

  it('gives each TOC entry the page on which that chapter really starts, with a dot leader', () => {
    const toc = pages[2];
    const titles = ['Getting Started with Typed Code', 'Code on Paper', 'Narrowing Union Types', 'Tables and Figures'];
    titles.forEach((title, i) => {
      const match = new RegExp(`${i + 1}\\s+${title}\\s+(\\d+)\\s*$`, 'm').exec(toc);
      expect(match, title).not.toBeNull();
      const start = chapterStart(i + 1);
      expect(pages[start]).toContain(title);
      expect(labels[start]).toBe(match![1]);
    });
    // Sections are listed too, with the page they are on.
    const section = /Type guards\s+(\d+)\s*$/m.exec(toc)!;
    expect(pages[labels.indexOf(section[1])]).toContain('Type guards');
  });

  it('opens every chapter on a right-hand page (pdf.recto: true)', () => {
    for (let n = 1; n <= 4; n++) expect(chapterStart(n) % 2, `chapter ${n}`).toBe(0);
    const part = pages.findIndex((_, i) => partPage(i));
    expect(part).toBeGreaterThan(0);
    expect(part % 2).toBe(0);
  });

  it('prints running heads: the chapter title on right-hand pages, the book title on left-hand ones', () => {
    const start = chapterStart(3);
    const end = chapterStart(4);
    const inside = pages
      .slice(start + 1, end)
      .map((text, i) => ({ text, index: start + 1 + i }))
      .filter((p) => p.text.trim());
    expect(inside.length).toBeGreaterThanOrEqual(2);
    // Not on the opening page, whose title is right there.
    for (let n = 1; n <= 4; n++) expect(pages[chapterStart(n)].trimStart()).toMatch(new RegExp(`^CHAPTER\\s+${n}\\n`));
    for (const { text, index } of inside) {
      const head = text
        .split('\n')
        .find((l) => l.trim())!
        .trim();
      expect(head).toBe(index % 2 === 0 ? 'NARROWING UNION TYPES' : 'TYPED FOUNDATIONS');
    }
  });

  it('embeds every font, and only the fonts Evergreen ships', () => {
    const rows = execFileSync('pdffonts', [pdf], { encoding: 'utf8' }).trim().split('\n').slice(2);
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) {
      const cols = row.trim().split(/\s+/);
      expect(cols.at(-5), row).toBe('yes'); // emb
      expect(cols[0], row).toMatch(/\+(Inter|SourceSerif4|JetBrainsMono)-/);
    }
    // Each font once, though the book has Greek and Cyrillic letters in prose and code (a font split into
    // per-script files, as for the web, would be embedded once per file Chromium used).
    const names = rows.map((row) =>
      row
        .trim()
        .split(/\s+/)[0]
        .replace(/^[A-Z]{6}\+/, ''),
    );
    expect(names).toEqual([...new Set(names)]);
    expect(names).toContain('JetBrainsMono-Regular');
    expect(pages.join('\n')).toContain('const π = Math.PI;');
  });

  it('has bookmarks whose titles are exactly the headings, even where a heading wrapped', async () => {
    const outline = (await doc.getOutline()) ?? [];
    const flat: { title: string; depth: number }[] = [];
    const walk = (items: typeof outline, depth: number) => items.forEach((i) => (flat.push({ title: i.title, depth }), walk(i.items, depth + 1)));
    walk(outline, 0);
    const titles = flat.map((f) => f.title);
    expect(titles).not.toContain('Contents');
    expect(titles).toContain('Narrowing Union Types');
    expect(titles).toContain('Type guards');
    const long = 'Exhaustiveness checking: what happens when a union grows over the lifetime of a long-lived project with many contributors and releases';
    expect(titles).toContain(long);
    // That heading really wraps in the PDF (else this test proves nothing).
    const page = pages.find((t) => t.includes('Exhaustiveness checking'))!;
    expect(page).not.toContain(long);
  });

  it('wraps long code lines inside the text block instead of clipping them', async () => {
    const text = pages.join('\n');
    expect(text).toContain('END_OF_LONG_LINE');
    expect(text).toContain('TOKEN_END');
    for (let i = 1; i <= doc.numPages; i++) {
      const page = await doc.getPage(i);
      const [, , width] = page.view;
      const content = await page.getTextContent();
      for (const item of content.items) {
        if (!('str' in item) || !item.str.trim()) continue;
        const right = item.transform[4] + item.width;
        expect(right, `page ${i}: "${item.str}"`).toBeLessThanOrEqual(width - 20 * mm + 1);
        expect(item.transform[4], `page ${i}: "${item.str}"`).toBeGreaterThanOrEqual(20 * mm - 1);
      }
    }
  });

  it('prints external URLs, endnotes, and keeps links between chapters clickable', async () => {
    const start = chapterStart(1);
    const chapter1 = pages.slice(start, chapterStart(2)).join('\n');
    expect(chapter1).toMatch(/TypeScript\s+handbook\s+\(https:\/\/www\.typescriptlang\.org\/docs\/handbook\/intro\.html\)/);
    expect(chapter1).not.toContain('(https://example.com/typed-foundations)'); // the text already is the URL
    expect(chapter1).toMatch(/Notes\s+1\. TypeScript was first released in 2012/);
    const annotations = await (await doc.getPage(start + 1)).getAnnotations();
    const internal = annotations.filter((a) => a.subtype === 'Link' && a.dest);
    expect(internal.length).toBeGreaterThanOrEqual(2);
  });

  it('has one top-level bookmark per part or unparted chapter, the part holding its chapters, each chapter its sections', async () => {
    const outline = (await doc.getOutline()) ?? [];
    const top = outline.map((i) => i.title);
    expect(top).toEqual(['Getting Started with Typed Code', 'Working with Types', 'Tables and Figures']);
    const part = outline[1];
    expect(part.items.map((i) => i.title)).toEqual(['Code on Paper', 'Narrowing Union Types']);
    for (const chapter of [outline[0], ...part.items, outline[2]]) expect(chapter.items.length, chapter.title).toBeGreaterThan(0);
    // The part's bookmark opens the part's title page, each chapter's its opening page.
    const pageOf = async (item: (typeof outline)[number]) => doc.getPageIndex((Array.isArray(item.dest) ? item.dest : await doc.getDestination(item.dest!))![0]);
    const partPageIndex = await pageOf(part);
    expect(pages[partPageIndex]).toMatch(/P\s*A\s*R\s*T\s+1/);
    expect(await pageOf(part.items[0])).toBeGreaterThan(partPageIndex);
  });

  it('has a valid PDF 1.7 structure tree and an XMP metadata stream', () => {
    // poppler reports structure problems on stderr ("Syntax Error: StructElem object is wrong type (Em)").
    const struct = spawnSync('pdfinfo', ['-struct', pdf], { encoding: 'utf8' });
    expect(struct.stdout).toMatch(/^Document/);
    // Nor any warning: the 130-character heading's destination name is cut to the 127 bytes PDF 1.7 allows
    // (poppler: "name token is longer than what the specification says it can be").
    expect(struct.stderr).toBe('');
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    expect(info).toMatch(/Metadata Stream:\s+yes/);
    const xmp = execFileSync('pdfinfo', ['-meta', pdf], { encoding: 'utf8' });
    expect(xmp).toContain('<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Typed Foundations: Writing Reliable TypeScript</rdf:li>');
    expect(xmp).toContain('<rdf:li>Ada Example</rdf:li><rdf:li>Grace Sample</rdf:li>');
  });

  it('sets the document information, language and tags', async () => {
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    expect(info).toMatch(/Title:\s+Typed Foundations: Writing Reliable TypeScript/);
    expect(info).toMatch(/Author:\s+Ada Example, Grace Sample/);
    expect(info).toMatch(/Subject:\s+A fixture book/);
    expect(info).toMatch(/Keywords:\s+typescript testing print/);
    expect(info).toMatch(/Tagged:\s+yes/);
    expect(info).toMatch(/Page size:\s+594\.\d+ x 841\.\d+ pts \(A4\)/);
    const lib = await PDFDocument.load(readFileSync(pdf), { updateMetadata: false });
    expect(String(lib.catalog.get(PDFName.of('Lang')))).toContain('en');
  });
});

describe('the bundled user guide as a PDF', () => {
  let out: string;
  let pages: string[];
  let labels: string[];
  let outline: string[];

  beforeAll(async () => {
    out = mkdtempSync(path.join(os.tmpdir(), 'evergreen-guide-pdf-'));
    const result = run(['build', '--root', repoRoot, '--out', out, '--format', 'pdf']);
    expect(result.status, result.stderr).toBe(0);
    const pdf = path.join(out, 'evergreen.pdf');
    const count = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))![1]);
    pages = Array.from({ length: count }, (_, i) => pageText(pdf, i + 1));
    const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await getDocument({ data: new Uint8Array(readFileSync(pdf)), verbosity: 0 }).promise;
    labels = (await doc.getPageLabels()) ?? [];
    outline = ((await doc.getOutline()) ?? []).map((i) => i.title);
    await doc.destroy();
  });
  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('lists every chapter in the contents with the page it starts on, and bookmarks it', () => {
    // The contents: the front-matter pages after the title page and the colophon.
    const toc = pages.filter((_, i) => i >= 2 && /^[ivxl]+$/.test(labels[i])).join('\n');
    const entries = [...toc.matchAll(/^\s*(\d+)\s{2,}(\S.*?)\s{2,}(\d+)\s*$/gm)].map((m) => ({ n: Number(m[1]), title: m[2].trim(), page: m[3] }));
    expect(entries.length).toBeGreaterThanOrEqual(8);
    for (const { n, title, page } of entries) {
      const start = pages.findIndex((text) => new RegExp(`^\\s*CHAPTER\\s+${n}\\s*$`, 'm').test(text));
      expect(start, title).toBeGreaterThan(0);
      expect(pages[start], title).toContain(title);
      expect(labels[start], title).toBe(page);
      expect(outline, title).toContain(title);
    }
    expect(outline).toContain('The PDF');
    // One top-level bookmark per chapter listed in book.yaml, plus the printed index.
    const listed =
      readFileSync(path.join(repoRoot, 'manuscript', 'book.yaml'), 'utf8')
        .split('\nchapters:')[1]
        ?.match(/^ {2}- /gm)?.length ?? 0;
    expect(outline).toHaveLength(listed + 1);
    expect(outline[outline.length - 1]).toBe('Index');
  });

  it('has a structure tree without errors (pdfinfo -struct)', () => {
    const struct = spawnSync('pdfinfo', ['-struct', path.join(out, 'evergreen.pdf')], { encoding: 'utf8' });
    expect(struct.status).toBe(0);
    expect(struct.stdout).toMatch(/^Document/);
    // Errors only: poppler also notes Chromium's attributes on task-list checkboxes (Form) as "Syntax Warning".
    expect(struct.stderr.split('\n').filter((l) => /Error/.test(l))).toEqual([]);
  });
});

describe('evergreen build without a browser', () => {
  it('still writes the HTML book, says what to install, and exits 1', () => {
    const root = copyFixture();
    try {
      const result = run(['build', '--root', root], { EVERGREEN_BROWSER: 'none', PUPPETEER_EXECUTABLE_PATH: path.join(root, 'no-such-chrome') });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/PDF was not built/);
      expect(result.stderr).toMatch(/apt-get install chromium/);
      expect(existsSync(path.join(root, 'dist', 'html', 'index.html'))).toBe(true);
      expect(existsSync(path.join(root, 'dist', 'typed-foundations.pdf'))).toBe(false);

      // A "browser" that cannot start is reported the same way.
      const broken = run(['build', '--root', root, '--format', 'html,pdf'], { EVERGREEN_BROWSER: '/bin/false' });
      expect(broken.status).toBe(1);
      expect(broken.stderr).toMatch(/PDF was not built: Chromium at \/bin\/false could not be started/);
      expect(existsSync(path.join(root, 'dist', 'html', 'index.html'))).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
