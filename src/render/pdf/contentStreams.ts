import { deflateSync, inflateSync } from 'node:zlib';
import { decodePDFRawStream, PDFName, type PDFContext, type PDFRawStream } from 'pdf-lib';

/**
 * Page content streams read and rewritten with Node's zlib rather than pdf-lib's JavaScript inflate and
 * deflate (pako): rewriting the Handbook's 141 pages cost 1.2 s of CPU with pako, most of the PDF's last step.
 */

/** The stream's bytes as latin1 text (content-stream operators are bytes, not UTF-8). */
export function streamText(stream: PDFRawStream): string {
  const filter = stream.dict.get(PDFName.of('Filter'));
  // What Chromium writes: one Flate filter without parameters. Anything else goes through pdf-lib's decoders.
  if (filter === PDFName.of('FlateDecode') && !stream.dict.has(PDFName.of('DecodeParms'))) {
    return inflateSync(stream.getContents()).toString('latin1');
  }
  return Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1');
}

/** A Flate-compressed stream of the given latin1 text. */
export function flateStream(context: PDFContext, text: string): PDFRawStream {
  return context.stream(deflateSync(Buffer.from(text, 'latin1')), { Filter: 'FlateDecode' });
}
