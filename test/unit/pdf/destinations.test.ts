import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { readLayout } from '../../../src/render/pdf/destinations.js';

const methods = () => ({
  fromBase64: Object.getOwnPropertyDescriptor(Uint8Array, 'fromBase64'),
  toHex: Object.getOwnPropertyDescriptor(Uint8Array.prototype, 'toHex'),
});

describe('reading where things landed in a PDF', () => {
  it("reads again and again, leaving Node's Uint8Array as it was between reads (pdfjs polyfills it)", async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    doc.addPage();
    const pdf = await doc.save();
    const before = methods();
    // The second read needs pdfjs's own polyfills back (it hashes with `toHex`).
    for (let read = 0; read < 2; read++) {
      const layout = await readLayout(pdf);
      expect(layout.pageCount).toBe(2);
      expect(methods()).toEqual(before);
    }
    // Reads that overlap each keep pdfjs's methods until the last one is done.
    const layouts = await Promise.all([readLayout(pdf), readLayout(pdf), readLayout(pdf)]);
    expect(layouts.map((l) => l.pageCount)).toEqual([2, 2, 2]);
    expect(methods()).toEqual(before);
  });
});
