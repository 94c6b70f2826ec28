import type { OutputFormatDefinition } from '../outputFormat.js';

export const htmlFormat: OutputFormatDefinition = {
  name: 'html',
  description: 'the multi-page HTML book in <out>/html/',
  // Loaded on use, so that listing formats (`--help`) does not load the highlighter.
  createRenderer: async (options) => (await import('./htmlRenderer.js')).htmlRenderer({ extraHead: options.extraHead }),
  publish: {
    kind: 'html-zip',
    label: 'HTML book (zip)',
    mediaType: 'application/zip',
    output: () => ({ path: 'html', packaging: 'zip' }),
    fileSuffix: '-html.zip',
    browsable: true,
    downloadByDefault: false,
  },
};
