/**
 * Evergreen's programmatic API. The `evergreen` CLI is a thin layer over these functions, so other tools
 * can embed the same pipeline: load the book → parse → samples → render → release.
 */
export { build, type BuildOptions, type BuildResult } from './driver/build.js';
export { renderersFor, outputFormats, type OutputFormat } from './driver/formats.js';
export { loadBook, type LoadBookOptions } from './book/loadBook.js';
export { loadConfig, parseConfig } from './book/loadConfig.js';
export { defineConfig, bookConfigSchema, type BookConfig, type BookConfigInput } from './book/configSchema.js';
export type { Book, Chapter, ChapterAnalysis, HeadingInfo, TocEntry } from './book/model.js';
export { parseMarkdown } from './parse/markdown.js';
export { parseFenceMeta, type FenceMeta } from './parse/fenceMeta.js';
export type { Renderer, RenderContext, RenderResult, BookVersion } from './render/renderer.js';
export { htmlRenderer } from './render/html/htmlRenderer.js';
export type { CodePresentation, CodePresenter } from './book/codePresentation.js';
export { type Diagnostic, DiagnosticBag, EvergreenError } from './diagnostics/diagnostic.js';
export { formatDiagnostics } from './diagnostics/report.js';
export { initBook } from './init/initBook.js';
export { importBook, type ImportOptions, type ImportResult } from './import/importBook.js';
export { importSources, type ImportSource } from './import/model.js';
export { check, CheckSession, createSamplePresenter, type CheckOptions, type CheckResult, type SampleResult } from './samples/index.js';
export * from './release/index.js';
