import { deflateSync } from 'node:zlib';
import { PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { flateStream, streamText } from '../../../src/render/pdf/contentStreams.js';

// Content-stream operators are bytes: a latin1 round trip must keep every byte value, not only ASCII.
const operators = `BT\n/F1 12 Tf\n1 0 0 -1 72 40 Tm\n<00AD> Tj\nET\n${String.fromCharCode(0xe9, 0xff, 0x80)}`;

describe('page content streams', () => {
  it('writes a Flate stream that pdf-lib and zlib read back byte for byte', async () => {
    const doc = await PDFDocument.create();
    const stream = flateStream(doc.context, operators);
    expect(stream.dict.get(PDFName.of('Filter'))).toBe(PDFName.of('FlateDecode'));
    expect(streamText(stream)).toBe(operators);
    // Saved and loaded again, as finishPdf's output is.
    const ref = doc.context.register(stream);
    const reloaded = await PDFDocument.load(await doc.save({ useObjectStreams: true }));
    const loaded = reloaded.context.lookup(ref);
    expect(loaded).toBeInstanceOf(PDFRawStream);
    expect(streamText(loaded as PDFRawStream)).toBe(operators);
  });

  it('reads streams with other filters, or none, through pdf-lib', async () => {
    const doc = await PDFDocument.create();
    const plain = doc.context.stream(Buffer.from(operators, 'latin1'));
    expect(streamText(plain)).toBe(operators);
    const hex = doc.context.stream(Buffer.from(`${Buffer.from(operators, 'latin1').toString('hex')}>`, 'latin1'), { Filter: 'ASCIIHexDecode' });
    expect(streamText(hex)).toBe(operators);
    const chained = doc.context.stream(deflateSync(Buffer.from(`${Buffer.from(operators, 'latin1').toString('hex')}>`, 'latin1')), { Filter: ['FlateDecode', 'ASCIIHexDecode'] });
    expect(streamText(chained)).toBe(operators);
  });
});
