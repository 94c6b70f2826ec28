import { flateStream, streamText } from './contentStreams.js';
import { PDFArray, PDFDict, PDFName, PDFRawStream, PDFRef, type PDFDocument } from 'pdf-lib';

/**
 * The structure types of PDF 1.7 (ISO 32000-1, 14.8.4). Chromium tags `<em>` and `<strong>` with the PDF 2.0
 * types Em and Strong in a PDF 1.7 file, which validators (poppler's `pdfinfo -struct`, veraPDF) reject.
 */
const standardTypes = new Set(
  'Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot Span Quote Note Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP Figure Formula Form'.split(
    ' ',
  ),
);

/** What a PDF 2.0 (or any other non-standard) type means in PDF 1.7; inline types become Span, the rest Div. */
const nearestStandard: Record<string, string> = {
  Em: 'Span',
  Strong: 'Span',
  Sub: 'Span',
  Title: 'H',
  FENote: 'Note',
  Aside: 'Div',
  DocumentFragment: 'Div',
  Artifact: 'NonStruct',
};

/**
 * Role-maps every non-standard structure type used in the document to its nearest PDF 1.7 type, the way
 * the standard provides for custom types: the tags keep their names (Em stays Em for PDF 2.0 readers) and
 * the structure tree is valid PDF 1.7. Returns the types mapped.
 */
export function roleMapStructureTypes(doc: PDFDocument): string[] {
  const root = doc.catalog.lookupMaybe(PDFName.of('StructTreeRoot'), PDFDict);
  if (!root) return [];
  const used = new Set<string>();
  const typeKey = PDFName.of('S');
  const structElem = PDFName.of('StructElem');
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict)) continue;
    const type = object.get(PDFName.of('Type'));
    const s = object.get(typeKey);
    if (s instanceof PDFName && (type === structElem || (type === undefined && object.has(PDFName.of('P'))))) used.add(s.decodeText());
  }
  const existing = root.lookupMaybe(PDFName.of('RoleMap'), PDFDict);
  const roleMap = existing ?? doc.context.obj({});
  const mapped: string[] = [];
  for (const name of [...used].sort()) {
    if (standardTypes.has(name) || roleMap.has(PDFName.of(name))) continue;
    roleMap.set(PDFName.of(name), PDFName.of(nearestStandard[name] ?? 'Span'));
    mapped.push(name);
  }
  if (!existing && mapped.length > 0) root.set(PDFName.of('RoleMap'), roleMap);
  return mapped;
}

export interface XmpFields {
  title: string;
  authors: string[];
  description?: string;
  keywords?: string[];
  language: string;
  creator: string;
  /** ISO date (YYYY-MM-DD). */
  date: string;
}

/**
 * An XMP metadata stream with the same facts as the document information dictionary (title, authors,
 * subject, keywords, language, dates): PDF/UA and archive validators read metadata from XMP only.
 */
export function setXmpMetadata(doc: PDFDocument, fields: XmpFields): void {
  const esc = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
  const date = /^\d{4}-\d{2}-\d{2}$/.test(fields.date) ? `${fields.date}T00:00:00Z` : undefined;
  const lines = [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">',
    '<dc:format>application/pdf</dc:format>',
    `<dc:title><rdf:Alt><rdf:li xml:lang="x-default">${esc(fields.title)}</rdf:li></rdf:Alt></dc:title>`,
    fields.authors.length ? `<dc:creator><rdf:Seq>${fields.authors.map((a) => `<rdf:li>${esc(a)}</rdf:li>`).join('')}</rdf:Seq></dc:creator>` : '',
    fields.description ? `<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${esc(fields.description)}</rdf:li></rdf:Alt></dc:description>` : '',
    `<dc:language><rdf:Bag><rdf:li>${esc(fields.language)}</rdf:li></rdf:Bag></dc:language>`,
    fields.keywords?.length ? `<pdf:Keywords>${esc(fields.keywords.join(', '))}</pdf:Keywords>` : '',
    `<pdf:Producer>${esc(fields.creator)}</pdf:Producer>`,
    `<xmp:CreatorTool>${esc(fields.creator)}</xmp:CreatorTool>`,
    date ? `<xmp:CreateDate>${date}</xmp:CreateDate><xmp:ModifyDate>${date}</xmp:ModifyDate><xmp:MetadataDate>${date}</xmp:MetadataDate>` : '',
    '</rdf:Description>',
    '</rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="w"?>',
  ].filter(Boolean);
  // Uncompressed, as XMP packets must stay findable by tools that scan the file.
  const stream = doc.context.stream(new TextEncoder().encode(lines.join('\n')), { Type: 'Metadata', Subtype: 'XML' });
  doc.catalog.set(PDFName.of('Metadata'), doc.context.register(stream));
}

/**
 * Chromium draws every soft hyphen as an invisible glyph marked `/ActualText (U+00AD)`, so the PDF's text
 * reads "ex\u00ADam\u00ADple": search, copy and screen readers then miss the word. An empty ActualText
 * says the glyph stands for no text; where a word did break, the visible hyphen is its own glyph and stays.
 * Returns how many were changed.
 */
export function dropSoftHyphenText(doc: PDFDocument): number {
  let changed = 0;
  for (const page of doc.getPages()) {
    const contents = page.node.Contents();
    const refs = contents instanceof PDFArray ? contents.asArray() : [page.node.get(PDFName.of('Contents'))];
    for (const ref of refs) {
      if (!(ref instanceof PDFRef)) continue;
      const stream = doc.context.lookup(ref);
      if (!(stream instanceof PDFRawStream)) continue;
      const text = streamText(stream);
      if (!text.includes('/ActualText <FEFF')) continue;
      let found = 0;
      // Also inside a ligature's text (`f\u00ADf` of "dif-ferent"): drop the soft hyphen's code unit only.
      const replaced = text.replace(/\/ActualText <FEFF((?:[0-9A-Fa-f]{4})*)>/g, (whole, units: string) => {
        const kept = (units.match(/.{4}/g) ?? []).filter((u) => u.toUpperCase() !== '00AD');
        if (kept.length * 4 === units.length) return whole;
        found++;
        return kept.length ? `/ActualText <FEFF${kept.join('')}>` : '/ActualText ()';
      });
      if (found === 0) continue;
      changed += found;
      doc.context.assign(ref, flateStream(doc.context, replaced));
    }
  }
  return changed;
}
