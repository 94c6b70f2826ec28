import { existsSync } from 'node:fs';
import path from 'node:path';
import type ts from 'typescript';
import type { Diagnostic } from '../../../diagnostics/diagnostic.js';
import { packageRoot } from '../../../util/version.js';
import { presentationOnlyFlags } from '../../directives.js';
import type { Book } from '../../../book/model.js';

type TS = typeof ts;

/**
 * What of the book the type-check reads: its folders and compiler options. Small and plain, so a thread of
 * its own can be given it (typeCheckThread.ts) without the chapters' trees.
 */
export type CheckerBook = Pick<Book, 'root' | 'manuscriptDir' | 'configPath'> & { config: Pick<Book['config'], 'compilerOptions'> };

/**
 * The book's compiler options: defaults that suit runnable ESM samples, then `manuscript/tsconfig.json`
 * (or `compilerOptions:` in book.yaml), then the few settings the checker needs (emit, one module per
 * sample). Returned as JSON so the options are part of cache keys and group samples that share them.
 */
export function bookCompilerOptions(
  tsApi: TS,
  book: CheckerBook,
  diagnostics: Diagnostic[],
  overrides: Record<string, unknown> = {},
  configFiles: string[] = [],
): ts.CompilerOptions {
  const defaults: ts.CompilerOptions = {
    target: tsApi.ScriptTarget.ES2022,
    // The DOM's declarations as twoslash and the TypeScript playground have them: a sample about
    // `document` type-checks, and is then reported as type-checked only (Node has no DOM to run it in).
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    module: tsApi.ModuleKind.ESNext,
    moduleResolution: tsApi.ModuleResolutionKind.Bundler,
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    resolveJsonModule: true,
  };
  // Samples use Node built-ins; a book without @types/node gets the copy Evergreen itself was built with.
  const ownTypes = path.join(book.root, 'node_modules', '@types', 'node');
  const bundledTypes = path.join(packageRoot, 'node_modules', '@types');
  if (existsSync(ownTypes)) defaults.types = ['node'];
  else if (existsSync(path.join(bundledTypes, 'node'))) {
    defaults.types = ['node'];
    defaults.typeRoots = [path.join(book.root, 'node_modules', '@types'), bundledTypes];
  }
  let fromBook: ts.CompilerOptions = {};
  const tsconfigPath = path.join(book.manuscriptDir, 'tsconfig.json');
  if (existsSync(tsconfigPath)) {
    const read = tsApi.readConfigFile(tsconfigPath, tsApi.sys.readFile);
    const sourceFile = tsApi.readJsonConfigFile(tsconfigPath, tsApi.sys.readFile);
    const parsed = tsApi.parseJsonSourceFileConfigFileContent(sourceFile, tsApi.sys, book.manuscriptDir, undefined, tsconfigPath);
    fromBook = parsed.options;
    // Every file of the `extends` chain: editing one must re-check the book.
    configFiles.push(tsconfigPath, ...((sourceFile as { extendedSourceFiles?: string[] }).extendedSourceFiles ?? []));
    // 18003: "no inputs were found": the samples are the inputs.
    for (const error of [read.error, ...parsed.errors]) if (error && error.code !== 18003) diagnostics.push(toDiagnostic(tsApi, error, tsconfigPath));
  } else if (book.config.compilerOptions) {
    const converted = tsApi.convertCompilerOptionsFromJson(book.config.compilerOptions, book.root, 'book.yaml');
    fromBook = converted.options;
    for (const error of converted.errors) diagnostics.push(toDiagnostic(tsApi, error, book.configPath));
  }
  let extra: ts.CompilerOptions = {};
  if (Object.keys(overrides).length > 0) extra = tsApi.convertCompilerOptionsFromJson(overrides, book.root).options;
  return enforce(tsApi, { ...defaults, ...fromBook, ...extra });
}

/** Module kinds by name, including those newer than some supported compilers (Node18, Node20). */
function moduleKinds(tsApi: TS): Record<string, number | undefined> {
  return tsApi.ModuleKind as unknown as Record<string, number | undefined>;
}

/** Settings the checker depends on, whatever the author configured. */
function enforce(tsApi: TS, options: ts.CompilerOptions): ts.CompilerOptions {
  const result: ts.CompilerOptions = { ...options };
  // Each sample is its own module even without import/export, so samples never see each other's globals.
  result.moduleDetection = tsApi.ModuleDetectionKind.Force;
  for (const key of [
    'noEmit',
    'declaration',
    'declarationMap',
    'sourceMap',
    'inlineSourceMap',
    'composite',
    'incremental',
    'outDir',
    'outFile',
    'rootDir',
    'emitDeclarationOnly',
    'tsBuildInfoFile',
    'allowImportingTsExtensions',
    'noEmitOnError',
  ])
    delete result[key];
  // `noLib` samples declare their own globals (`interface Array<T>`): no lib, and no packages' types that need one.
  if (result.noLib) {
    delete result.lib;
    result.types = [];
  }
  // The runner executes ES modules and CommonJS (`// @module: commonjs`); anything else becomes ESNext.
  const runnable = [
    tsApi.ModuleKind.CommonJS,
    tsApi.ModuleKind.ES2015,
    tsApi.ModuleKind.ES2020,
    tsApi.ModuleKind.ES2022,
    tsApi.ModuleKind.ESNext,
    tsApi.ModuleKind.Preserve,
    tsApi.ModuleKind.Node16,
    tsApi.ModuleKind.NodeNext,
    moduleKinds(tsApi).Node18,
    moduleKinds(tsApi).Node20,
  ].filter((k): k is number => k !== undefined);
  if (result.module === undefined || !runnable.includes(result.module)) {
    result.module = tsApi.ModuleKind.ESNext;
    result.moduleResolution = tsApi.ModuleResolutionKind.Bundler;
  }
  return result;
}

/** Whether emitted JavaScript of this file is CommonJS (`module: commonjs`, or a CommonJS file under node16/nodenext). */
export function emitsCommonJs(tsApi: TS, options: ts.CompilerOptions, source: ts.SourceFile): boolean {
  if (options.module === tsApi.ModuleKind.CommonJS) return true;
  const nodeKinds = [tsApi.ModuleKind.Node16, tsApi.ModuleKind.NodeNext, moduleKinds(tsApi).Node18, moduleKinds(tsApi).Node20];
  return options.module !== undefined && nodeKinds.some((k) => k === options.module) && source.impliedNodeFormat === tsApi.ModuleKind.CommonJS;
}

interface OptionDeclaration {
  name: string;
  type: unknown;
}

/** Applies `// @flag: value` lines to the book options; unknown flags are reported by name. */
export function applySampleFlags(
  tsApi: TS,
  base: ts.CompilerOptions,
  flags: Record<string, unknown>,
  root: string,
): { options: ts.CompilerOptions; unknown: string[]; invalid: string[] } {
  const declarations = (tsApi as unknown as { optionDeclarations?: OptionDeclaration[] }).optionDeclarations ?? [];
  const byLowerName = new Map(declarations.map((d) => [d.name.toLowerCase(), d]));
  const json: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const [name, value] of Object.entries(flags)) {
    if (presentationOnlyFlags.has(name.toLowerCase())) continue;
    const declaration = byLowerName.get(name.toLowerCase());
    if (!declaration) {
      unknown.push(name);
      continue;
    }
    json[declaration.name] =
      declaration.type === 'list' && typeof value === 'string' ? value.split(/\s*,\s*/) : declaration.type === 'string' || declaration.type instanceof Map ? String(value) : value;
  }
  if (Object.keys(json).length === 0) return { options: base, unknown, invalid: [] };
  const converted = tsApi.convertCompilerOptionsFromJson(json, root);
  const invalid = converted.errors.map((e) => tsApi.flattenDiagnosticMessageText(e.messageText, ' '));
  const options = enforce(tsApi, { ...base, ...converted.options });
  // A sample that asks for script semantics gets them (it is then checked in a program of its own).
  if (converted.options.moduleDetection !== undefined) options.moduleDetection = converted.options.moduleDetection;
  // Before TypeScript 6, bundler resolution requires ES modules: a CommonJS sample resolves as Node does.
  if (converted.options.module === tsApi.ModuleKind.CommonJS && converted.options.moduleResolution === undefined && Number.parseInt(tsApi.version, 10) < 6) {
    options.moduleResolution = tsApi.ModuleResolutionKind.Node10;
  }
  return { options, unknown, invalid };
}

/** Stable text of options, for grouping samples and cache keys. */
export function optionsKey(options: ts.CompilerOptions): string {
  return JSON.stringify(
    Object.keys(options)
      .sort()
      .map((k) => [k, options[k]]),
  );
}

function toDiagnostic(tsApi: TS, d: ts.Diagnostic, file: string): Diagnostic {
  const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
  return {
    severity: 'error',
    file,
    line: pos ? pos.line + 1 : undefined,
    column: pos ? pos.character + 1 : undefined,
    message: tsApi.flattenDiagnosticMessageText(d.messageText, ' '),
    ruleId: `samples/TS${d.code}`,
  };
}
