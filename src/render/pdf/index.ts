import type { Renderer } from '../renderer.js';

// Placeholder until the PDF renderer lands (issue 4): the build reports PDF as not yet available.
export function pdfRenderer(): Renderer {
  return {
    name: 'pdf',
    async render(ctx) {
      ctx.diagnostics.add({
        severity: 'error',
        file: ctx.book.configPath,
        message: 'PDF output is not available in this version of Evergreen',
        hint: 'Build HTML only with `--format html`, or set `formats: [html]` in book.yaml.',
        ruleId: 'pdf/unavailable',
      });
      return { outputs: [] };
    },
  };
}
