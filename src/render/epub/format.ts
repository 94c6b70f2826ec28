import type { OutputFormatDefinition } from '../outputFormat.js';

export const epubFormat: OutputFormatDefinition = {
  name: 'epub',
  description: 'the EPUB 3 for e-readers as <out>/<slug>.epub (print page numbers need Chromium)',
  createRenderer: async () => (await import('./index.js')).epubRenderer(),
  usesPrintPageMap: true,
  publish: {
    kind: 'epub',
    label: 'EPUB',
    mediaType: 'application/epub+zip',
    output: (config) => ({ path: `${config.slug}.epub`, packaging: 'file' }),
    fileSuffix: '.epub',
    downloadByDefault: true,
  },
};
