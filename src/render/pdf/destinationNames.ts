import { PDFArray, PDFDict, type PDFDocument, PDFName, type PDFObject } from 'pdf-lib';
import { sha256 } from '../../util/hash.js';

/**
 * PDF 1.7 (Annex C) limits a name to 127 bytes, and poppler warns about every longer one. Chromium names a
 * link target's destination after the element's id, and a heading's id is its slug: a heading of more than
 * 127 characters gives an over-long name. Those names are shortened, consistently in the destinations
 * dictionary and in every link to them, keeping a readable start and a hash of the whole.
 */

const maxNameBytes = 127;

/** Renames the over-long destination names; returns how many there were. */
export function shortenDestinationNames(doc: PDFDocument): number {
  const dests = doc.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict);
  if (!dests) return 0;
  const renamed = new Map<PDFName, PDFName>();
  for (const [name, dest] of dests.entries()) {
    if (encodedLength(name) <= maxNameBytes) continue;
    const short = shortName(name.decodeText());
    renamed.set(name, short);
    dests.delete(name);
    dests.set(short, dest);
  }
  if (renamed.size === 0) return 0;
  const rename = (value: PDFObject | undefined) => (value instanceof PDFName ? renamed.get(value) : undefined);
  for (const page of doc.getPages()) {
    const annots = page.node.lookupMaybe(PDFName.of('Annots'), PDFArray);
    for (let i = 0; i < (annots?.size() ?? 0); i++) {
      const annot = annots!.lookupMaybe(i, PDFDict);
      if (!annot) continue;
      const dest = rename(annot.get(PDFName.of('Dest')));
      if (dest) annot.set(PDFName.of('Dest'), dest);
      const action = annot.lookupMaybe(PDFName.of('A'), PDFDict);
      const target = rename(action?.get(PDFName.of('D')));
      if (action && target) action.set(PDFName.of('D'), target);
    }
  }
  return renamed.size;
}

/** The name a destination has in the published PDF (the element's id, shortened when over-long). */
export function publishedDestinationName(id: string): string {
  const name = PDFName.of(id);
  return encodedLength(name) <= maxNameBytes ? id : shortName(id).decodeText();
}

/** Bytes the name takes in the file, without its slash (non-ASCII and delimiters are written as #xx). */
function encodedLength(name: PDFName): number {
  return name.asString().length - 1;
}

function shortName(name: string): PDFName {
  const suffix = `-${sha256(name).slice(0, 16)}`;
  let prefix = name.slice(0, maxNameBytes - suffix.length);
  while (prefix && encodedLength(PDFName.of(prefix + suffix)) > maxNameBytes) prefix = prefix.slice(0, -1);
  return PDFName.of(prefix + suffix);
}
