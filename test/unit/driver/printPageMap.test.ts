import { describe, expect, it } from 'vitest';
import { FormatRegistry, type OutputFormatDefinition } from '../../../src/driver/formatRegistry.js';

const renderer = (name: string) => ({ name, render: async () => ({ outputs: [] }) });

/** A print format that can also only measure its pages, and a format that uses the page map (like PDF and EPUB). */
function formats(log: string[]): OutputFormatDefinition[] {
  return [
    { name: 'html', description: 'h', createRenderer: () => renderer('html') },
    {
      name: 'print',
      description: 'p',
      createRenderer: (options) => {
        log.push(`print pageMap=${options.printPageMap}`);
        return renderer('print');
      },
      createPrintPageMapRenderer: () => renderer('measure'),
    },
    { name: 'reflow', description: 'r', usesPrintPageMap: true, createRenderer: () => renderer('reflow') },
  ];
}

describe('the format registry and the print page map', () => {
  it('asks the print format for the page map only when a format of the build uses it', async () => {
    const log: string[] = [];
    const registry = new FormatRegistry(formats(log));
    expect((await registry.renderers(['html', 'print', 'reflow'])).map((r) => r.name)).toEqual(['html', 'print', 'reflow']);
    expect((await registry.renderers(['print'])).map((r) => r.name)).toEqual(['print']);
    expect(log).toEqual(['print pageMap=true', 'print pageMap=false']);
  });

  it('measures the print layout before the format that needs it when the print format is not built', async () => {
    const registry = new FormatRegistry(formats([]));
    expect((await registry.renderers(['html', 'reflow'])).map((r) => r.name)).toEqual(['html', 'measure', 'reflow']);
    expect((await registry.renderers(['html'])).map((r) => r.name)).toEqual(['html']);
  });

  it('ships EPUB as a published format, built after the PDF whose pages it carries', () => {
    const registry = new FormatRegistry();
    expect(registry.names()).toEqual(['html', 'pdf', 'epub']);
    expect(registry.get('epub')?.publish).toMatchObject({ kind: 'epub', label: 'EPUB', mediaType: 'application/epub+zip', fileSuffix: '.epub', downloadByDefault: true });
  });
});
