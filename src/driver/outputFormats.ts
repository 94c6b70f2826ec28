/** The formats `evergreen build` can produce (kept apart so the CLI can validate flags without loading renderers). */
export const outputFormats = ['html', 'pdf', 'epub'] as const;
export type OutputFormat = (typeof outputFormats)[number];
