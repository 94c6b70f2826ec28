import type { OutputFormatDefinition } from '../outputFormat.js';

export const pdfFormat: OutputFormatDefinition = {
  name: 'pdf',
  description: 'the print PDF as <out>/<slug>.pdf (needs Chromium)',
  // Loaded on use: puppeteer is only needed when a PDF is made.
  createRenderer: async (options) => (await import('./index.js')).pdfRenderer({ pageMap: options.printPageMap }),
  createPrintPageMapRenderer: async () => (await import('./index.js')).pdfRenderer({ measureOnly: true }),
  publish: {
    kind: 'pdf',
    label: 'PDF',
    mediaType: 'application/pdf',
    output: (config) => ({ path: `${config.slug}.pdf`, packaging: 'file' }),
    fileSuffix: '.pdf',
    downloadByDefault: true,
  },
};
