import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, type PDFRef } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { finishPdf } from '../../../src/render/pdf/finishPdf.js';
import { decodeTitle, outlineItems } from '../../../src/render/pdf/outline.js';
import { planPass } from '../../../src/render/pdf/layoutPasses.js';
import { cssString, lengthToMm, pageCss, pageGeometry } from '../../../src/render/pdf/pageStyle.js';

const layout = (pages: Record<string, number>, pageCount = 40) => ({ pageCount, pages: new Map(Object.entries(pages)) });

describe('planPass', () => {
  it('numbers TOC entries from the first main-matter page', () => {
    const plan = planPass(layout({ a: 3, 'a--intro': 4, b: 9 }), ['a', 'b'], ['a', 'a--intro', 'b'], false);
    expect(plan).toEqual({ blanksBefore: [], numbers: { a: '1', 'a--intro': '2', b: '7' }, frontPages: 3 });
  });

  it('inserts blank pages so that every chapter opens on a right-hand page, shifting what follows', () => {
    // Front matter is 3 pages (odd): a blank makes main matter start on page index 4 (a right-hand page).
    // a: 3 → 4 (right). b: 6 → 7 (left, index odd) → blank → 8. c: 10 → 12 (right).
    const plan = planPass(layout({ a: 3, b: 6, 'b--x': 7, c: 10 }), ['a', 'b', 'c'], ['a', 'b', 'b--x', 'c'], true);
    expect(plan.blanksBefore).toEqual(['a', 'b']);
    expect(plan.frontPages).toBe(4);
    expect(plan.numbers).toEqual({ a: '1', b: '5', 'b--x': '6', c: '9' });
  });

  it('fails loudly when a chapter has no destination', () => {
    expect(() => planPass(layout({}), ['a'], ['a'], false)).toThrow(/no destination for "a"/);
  });
});

describe('page geometry', () => {
  it('reads named sizes, custom sizes and margins', () => {
    expect(pageGeometry({ size: 'A4', recto: false })).toMatchObject({ size: 'A4', widthMm: 210, heightMm: 297, margins: { inner: '25mm' } });
    const trade = pageGeometry({ size: '6in 9in', recto: false, margins: { inner: '0.8in' } });
    expect(trade.widthMm).toBeCloseTo(152.4);
    expect(trade.margins).toEqual({ top: '16mm', bottom: '18mm', inner: '0.8in', outer: '15mm' });
    expect(pageGeometry({ size: 'letter', recto: false, margins: '1in' }).margins).toEqual({ top: '1in', bottom: '1in', inner: '1in', outer: '1in' });
    expect(lengthToMm('72pt')).toBeCloseTo(25.4);
  });

  it('mirrors margins and gives each chapter a named page with its title as running head', () => {
    const css = pageCss(pageGeometry({ size: 'A5', recto: false }), 'My "Book"', [{ pageName: 'chapter-1', title: 'Back\\slash' }]);
    expect(css).toContain('@page { size: A5; margin: 16mm 15mm 18mm 19mm; }');
    expect(css).toContain('@page :left { margin-left: 15mm; margin-right: 19mm; }');
    expect(css).toContain('.chapter[data-page="chapter-1"] { page: chapter-1; }');
    expect(css).toContain('@page chapter-1:left { @top-left { content: "My \\"Book\\""; } }');
    expect(css).toContain('@page chapter-1:right { @top-right { content: "Back\\\\slash"; } }');
    expect(cssString('a\nb')).toBe('"a b"');
  });
});

describe('finishPdf', () => {
  async function pdfWithOutline(titles: string[]): Promise<Uint8Array> {
    const doc = await PDFDocument.create();
    const page = doc.addPage();
    const refs = titles.map(() => doc.context.nextRef());
    const outlines = doc.context.nextRef();
    titles.forEach((title, i) => {
      doc.context.assign(
        refs[i],
        doc.context.obj({
          Title: PDFHexString.fromText(title),
          Parent: outlines,
          Dest: [page.ref, 'XYZ', null, null, null],
          ...(i > 0 ? { Prev: refs[i - 1] } : {}),
          ...(i < titles.length - 1 ? { Next: refs[i + 1] } : {}),
        }),
      );
    });
    doc.context.assign(outlines, doc.context.obj({ Type: 'Outlines', First: refs[0], Last: refs.at(-1)!, Count: titles.length }));
    doc.catalog.set(PDFName.of('Outlines'), outlines);
    return doc.save();
  }

  it('restores the spaces Chromium drops where a heading wrapped, and sets metadata and page labels', async () => {
    const pdf = await pdfWithOutline(['Contents', 'A very long heading thatwraps', 'Other']);
    const { bytes, outlineFixed } = await finishPdf(pdf, {
      headings: ['Contents', 'A very long heading that wraps', 'Not in outline', 'Other'].map((text) => ({ text })),
      frontPages: 3,
      metadata: { title: 'T', authors: ['A', 'B'], subject: 'S', keywords: ['k1', 'k2'], language: 'en', creator: 'Evergreen test', date: '2026-01-02' },
    });
    expect(outlineFixed).toBe(1);
    const doc = await PDFDocument.load(bytes, { updateMetadata: false });
    expect(outlineItems(doc).map(decodeTitle)).toEqual(['Contents', 'A very long heading that wraps', 'Other']);
    expect(doc.getAuthor()).toBe('A, B');
    expect(doc.getKeywords()).toBe('k1 k2');
    expect(doc.getCreationDate()?.toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(String(doc.catalog.get(PDFName.of('PageLabels')))).toMatch(/\/Nums \[ 0 <<\s*\/S \/r\s*>> 3 <<\s*\/S \/D\s*>> \]/);
  });
  const metadata = { title: 'T', authors: [], language: 'en', creator: 'Evergreen test', date: '2026-01-02' };

  /** The outline as Chromium writes it for a book with a part: every h1 a top-level bookmark, sections inside. */
  async function chromiumLikeOutline(): Promise<Uint8Array> {
    const doc = await PDFDocument.create();
    const page = doc.addPage();
    const outlines = doc.context.nextRef();
    const item = (title: string, parent: PDFRef, children: PDFRef[] = []) => {
      const ref = doc.context.nextRef();
      const dict = doc.context.obj({ Title: PDFHexString.fromText(title), Parent: parent, Dest: [page.ref, 'XYZ', null, null, null] }) as PDFDict;
      doc.context.assign(ref, dict);
      return { ref, dict, children };
    };
    const link = (parent: PDFDict, nodes: { ref: PDFRef; dict: PDFDict }[]) => {
      nodes.forEach((n, i) => {
        if (i > 0) n.dict.set(PDFName.of('Prev'), nodes[i - 1].ref);
        if (i < nodes.length - 1) n.dict.set(PDFName.of('Next'), nodes[i + 1].ref);
      });
      parent.set(PDFName.of('First'), nodes[0].ref);
      parent.set(PDFName.of('Last'), nodes.at(-1)!.ref);
    };
    const intro = item('Introduction', outlines);
    const part = item('Working with Types', outlines);
    const narrowing = item('Narrowing', outlines);
    const guards = item('Type guards', narrowing.ref);
    link(narrowing.dict, [guards]);
    const generics = item('Generics', outlines);
    const index = item('Index', outlines);
    const root = doc.context.obj({ Type: 'Outlines', Count: 6 }) as PDFDict;
    link(root, [intro, part, narrowing, generics, index]);
    doc.context.assign(outlines, root);
    doc.catalog.set(PDFName.of('Outlines'), outlines);
    return doc.save();
  }

  it("nests a part's chapters under the part's bookmark: one top-level bookmark per part or unparted chapter", async () => {
    const { bytes } = await finishPdf(await chromiumLikeOutline(), {
      headings: [
        { text: 'Introduction' },
        { text: 'Working with Types', role: 'part' },
        { text: 'Narrowing', role: 'part-chapter' },
        { text: 'Type guards' },
        { text: 'Generics', role: 'part-chapter' },
        { text: 'Index' },
      ],
      frontPages: 0,
      metadata,
    });
    const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const pdf = await getDocument({ data: bytes.slice(), verbosity: 0 }).promise;
    type Item = { title: string; items: Item[] };
    const shape = (items: Item[]): unknown[] => items.map((i) => (i.items.length ? { [i.title]: shape(i.items) } : i.title));
    expect(shape((await pdf.getOutline()) as Item[])).toEqual(['Introduction', { 'Working with Types': [{ Narrowing: ['Type guards'] }, 'Generics'] }, 'Index']);
    await pdf.destroy();
    // The links are consistent: every Count is what is visible beneath it, Parent points up, Last is last.
    const doc = await PDFDocument.load(bytes, { updateMetadata: false });
    const outlines = doc.catalog.lookup(PDFName.of('Outlines'), PDFDict);
    expect(outlines.get(PDFName.of('Count'))?.toString()).toBe('6');
    const part = outlineItems(doc).find((i) => decodeTitle(i) === 'Working with Types')!;
    expect(part.get(PDFName.of('Count'))?.toString()).toBe('3');
    expect(decodeTitle(part.lookup(PDFName.of('Last'), PDFDict))).toBe('Generics');
    const generics = outlineItems(doc).find((i) => decodeTitle(i) === 'Generics')!;
    expect(generics.lookup(PDFName.of('Parent'))).toBe(part);
    expect(generics.get(PDFName.of('Next'))).toBeUndefined();
  });

  it("shortens destination names longer than PDF's 127 bytes, in the destinations and in the links to them", async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage();
    const long = `ch--${'a-heading-that-goes-on-'.repeat(8)}end`;
    const other = `ch--${'a-heading-that-goes-on-'.repeat(8)}other`;
    const dests = doc.context.obj({ [long]: [page.ref, 'XYZ', null, 700, null], [other]: [page.ref, 'XYZ', null, 500, null], short: [page.ref, 'XYZ', null, 300, null] });
    doc.catalog.set(PDFName.of('Dests'), doc.context.register(dests));
    const annot = (dest: string) => doc.context.register(doc.context.obj({ Type: 'Annot', Subtype: 'Link', Rect: [0, 0, 10, 10], Dest: PDFName.of(dest) }));
    page.node.set(PDFName.of('Annots'), doc.context.obj([annot(long), annot(other), annot('short')]));
    const { bytes } = await finishPdf(await doc.save(), { headings: [], frontPages: 0, metadata });
    const done = await PDFDocument.load(bytes, { updateMetadata: false });
    const names = done.catalog
      .lookup(PDFName.of('Dests'), PDFDict)
      .keys()
      .map((k) => k.decodeText());
    expect(names).toHaveLength(3);
    expect(names).toContain('short');
    for (const name of names) expect(name.length).toBeLessThanOrEqual(127);
    expect(names.filter((n) => n.startsWith('ch--a-heading'))).toHaveLength(2);
    const links = done.getPages()[0].node.lookup(PDFName.of('Annots'), PDFArray);
    const targets = [0, 1, 2].map((i) => (links.lookup(i, PDFDict).get(PDFName.of('Dest')) as PDFName).decodeText());
    expect(new Set(targets)).toEqual(new Set(names));
  });
});
