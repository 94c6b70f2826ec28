import { ParseSpeeds, PDFArray, PDFDocument, PDFName, PDFNumber, PDFRawStream } from 'pdf-lib';
import { flateStream, streamText } from './contentStreams.js';
import { shortenDestinationNames } from './destinationNames.js';
import { fixOutline, type OutlineHeading } from './outline.js';
import { dropSoftHyphenText, roleMapStructureTypes, setXmpMetadata } from './pdfStructure.js';

/**
 * The last touches Chromium cannot make: bookmarks with the headings' real titles and parts holding their
 * chapters (outline.ts), destination names within PDF's length limit (destinationNames.ts), page labels so viewers show "iii" and "12" like the printed numbers,
 * the document information (title, authors, subject, keywords, language) also as XMP, and a structure tree
 * that is valid PDF 1.7 (pdfStructure.ts).
 */

export interface FinishOptions {
  /** Headings in document order, as the reader sees them. */
  headings: OutlineHeading[];
  /** Pages numbered in roman numerals before main-matter page 1. */
  frontPages: number;
  /** 0-based pages on which a chapter opens: their running head is removed (Chromium cannot leave it out). */
  openingPages?: number[];
  /** The top page margin in CSS px: text drawn above it is the running head. */
  topMarginPx?: number;
  metadata: {
    title: string;
    authors: string[];
    subject?: string;
    keywords?: string[];
    language: string;
    creator: string;
    /** ISO date (YYYY-MM-DD): the book version's date, so the same text gives the same PDF. */
    date: string;
  };
}

export async function finishPdf(pdf: Uint8Array, options: FinishOptions): Promise<{ bytes: Uint8Array; outlineFixed: number; headsRemoved: number }> {
  // pdf-lib yields to the event loop every few objects by default; a tagged book has hundreds of thousands.
  const doc = await PDFDocument.load(pdf, { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
  const outlineFixed = fixOutline(doc, options.headings);
  shortenDestinationNames(doc);
  setPageLabels(doc, options.frontPages);
  let headsRemoved = 0;
  if (options.openingPages && options.topMarginPx) {
    for (const index of options.openingPages) headsRemoved += removeRunningHead(doc, index, options.topMarginPx) ? 1 : 0;
  }
  const { metadata } = options;
  const date = new Date(`${metadata.date}T00:00:00Z`);
  doc.setTitle(metadata.title, { showInWindowTitleBar: true });
  if (metadata.authors.length) doc.setAuthor(metadata.authors.join(', '));
  if (metadata.subject) doc.setSubject(metadata.subject);
  if (metadata.keywords?.length) doc.setKeywords(metadata.keywords);
  doc.setLanguage(metadata.language);
  doc.setCreator(metadata.creator);
  doc.setProducer(metadata.creator);
  if (!Number.isNaN(date.getTime())) {
    doc.setCreationDate(date);
    doc.setModificationDate(date);
  }
  setXmpMetadata(doc, { ...metadata, description: metadata.subject });
  roleMapStructureTypes(doc);
  dropSoftHyphenText(doc);
  // Open with the bookmarks panel: a long book is navigated by its outline.
  doc.catalog.set(PDFName.of('PageMode'), PDFName.of('UseOutlines'));
  const bytes = await doc.save({ useObjectStreams: true, objectsPerTick: Infinity });
  return { bytes, outlineFixed, headsRemoved };
}

/** Roman numerals for the front matter, then arabic from 1: what the printed page numbers say. */
function setPageLabels(doc: PDFDocument, frontPages: number): void {
  const nums =
    frontPages > 0 ? [PDFNumber.of(0), doc.context.obj({ S: 'r' }), PDFNumber.of(frontPages), doc.context.obj({ S: 'D' })] : [PDFNumber.of(0), doc.context.obj({ S: 'D' })];
  doc.catalog.set(PDFName.of('PageLabels'), doc.context.obj({ Nums: nums }));
}

/**
 * A chapter's opening page should not repeat the chapter title in its head, but CSS in Chromium cannot
 * address "the first page of a named page". Chromium draws the margin boxes before it clips to the page
 * area, each as one text object: drop the text objects that sit in the top margin, before that clip. When
 * the page does not look like that (another Chromium), it is left as it is.
 */
function removeRunningHead(doc: PDFDocument, pageIndex: number, topMarginPx: number): boolean {
  const page = doc.getPages()[pageIndex];
  if (!page) return false;
  const contents = page.node.Contents();
  const stream = contents instanceof PDFArray ? (contents.size() === 1 ? doc.context.lookup(contents.get(0)) : undefined) : contents;
  if (!(stream instanceof PDFRawStream)) return false;
  const text = streamText(stream);
  const clip = text.indexOf(' re\nW* n');
  if (clip === -1) return false;
  let removed = false;
  const margins = text.slice(0, clip).replace(/BT\n\/F\d+ [\d.]+ Tf\n1 0 0 -1 [\d.-]+ ([\d.-]+) Tm\n[\s\S]*?\nET\n/g, (block, y: string) => {
    if (Number(y) >= topMarginPx) return block;
    removed = true;
    return '';
  });
  if (!removed) return false;
  const replaced = flateStream(doc.context, margins + text.slice(clip));
  page.node.set(PDFName.of('Contents'), doc.context.register(replaced));
  return true;
}
