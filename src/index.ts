/**
 * Evergreen's library: the `evergreen` command is a thin layer over exactly these exports.
 *
 * Open a project once (the config, the format registry, the book model, caches and worker threads), then
 * hand it to any command:
 *
 * ```js
 * import { openProject, build, check } from 'evergreen-book';
 * const project = await openProject({ root: 'my-book' });
 * try {
 *   const checked = await check(project);
 *   const built = await build(project, { formats: ['html'] });
 * } finally {
 *   await project.close();
 * }
 * ```
 *
 * Pipeline: book (config, model) → parse → samples → render → driver → release → dev; get/ is the readers' side.
 */

// Projects and configuration
export { openProject, Project, type OpenProjectOptions } from './api/project.js';
export { defineConfig, type ProjectConfigInput } from './driver/projectConfig.js';
export { bookConfigSchema, type BookConfig, type BookConfigInput } from './book/configSchema.js';
export type { Book, Chapter, ChapterAnalysis, HeadingInfo, TocEntry } from './book/model.js';
export type { CodePresentation, CodePresenter } from './book/codePresentation.js';

// Output formats
export { FormatRegistry, builtinFormats, type OutputFormatDefinition, type ArtifactPublication, type FormatRendererOptions } from './driver/formatRegistry.js';
export type { Renderer, RenderContext, RenderResult, BookVersion } from './render/renderer.js';
export { htmlFormat } from './render/html/format.js';
export { pdfFormat } from './render/pdf/format.js';

// Commands
export { build, type BuildOptions } from './api/build.js';
export type { BuildResult } from './driver/build.js';
export {
  check,
  type CheckOptions,
  formatCheckResult,
  formatTimings,
  reporterNames,
  type ReporterName,
  mergeCheckReports,
  parseShard,
  writeTimings,
  timingsFileName,
  type Shard,
} from './api/check.js';
export type { CheckResult, CheckTimings, SampleResult, SampleStatus } from './samples/types.js';
export { release, diffVersions, yank, refreshSite, refreshManifest, rotateKey, verifyArtifacts, fetchArtifacts, exportArtifacts } from './api/release.js';
export type { ArtifactEntry, FetchResult } from './release/artifacts.js';
export { ReleaseRefused } from './release/errors.js';
export { formatDiff } from './release/format.js';
export { changeSentence } from './release/changeSentence.js';
export type { ReleaseOptions, ReleaseResult } from './release/release.js';
export type { BookDiff } from './release/diff.js';
export type { SiteOptions, SiteResult } from './release/site/index.js';
export { startDevServer, getBook, pdfRenderer, redlinePdf, redlinePages } from './api/lazy.js';
export type { DevServer, DevServerOptions, DevReporter, RebuildReport } from './dev/devServer.js';
export type { GetOptions, GetResult } from './get/getBook.js';
export { GetError } from './get/errors.js';
export { formatChangeReport, type ChangeReport } from './get/changeReport.js';
export { PortInUseError } from './dev/httpServer.js';
export { initBook } from './init/initBook.js';
export { importBook, type ImportOptions, type ImportResult } from './import/importBook.js';
export { importSources, type ImportSource } from './import/model.js';

// Author problems
export { type Diagnostic, DiagnosticBag, EvergreenError, formatLocation } from './diagnostics/diagnostic.js';
export { formatDiagnostics } from './diagnostics/report.js';
