import type ts from 'typescript';
import type { Book } from '../../../book/model.js';
import type { Diagnostic } from '../../../diagnostics/diagnostic.js';
import type { Sample, TypeCheckResult } from '../../types.js';
import type { CompilerChoice, CompilerIdentity, LanguageChecker, SampleLanguage } from '../language.js';
import { bookCompilerOptions } from './compilerOptions.js';
import { isNativeCompiler, UnsupportedCompilerError } from './native.js';
import { loadTypeScriptPackage, resolveTypeScriptPackage } from './resolve.js';
import { wantsHovers } from '../../hovers.js';
import { takeWarmTypeCheck } from './typeCheckThread.js';

type TS = typeof ts;

/**
 * A language compiled by the TypeScript compiler: TypeScript itself, and languages built on it that add
 * compiler options or inspect results from their own folders, without changing this one.
 */
export interface TypeScriptFamilySpec {
  id: string;
  fences: readonly string[];
  defaultFileName(fence: string): string;
  displayLang(fence: string): string;
  /** tsconfig-style options applied over the book's (`{ allowJs: true }`). */
  compilerOptions?: Record<string, unknown>;
  /** Adjusts a result after the type-check (a runtime the language needs is missing: type-checked only). */
  afterCheck?(context: { ts: TS; book: Book; options: ts.CompilerOptions; sample: Sample; result: TypeCheckResult }): void;
}

export function typescriptFamily(spec: TypeScriptFamilySpec): SampleLanguage {
  const identity = (book: Book, choice: CompilerChoice): CompilerIdentity => {
    const pkg = resolveTypeScriptPackage(book.root, choice.version);
    return { name: 'TypeScript', version: pkg.version, source: pkg.source };
  };
  return {
    id: spec.id,
    fences: spec.fences,
    defaultFileName: spec.defaultFileName,
    displayLang: spec.displayLang,
    compiler: identity,
    async createChecker(book: Book, choice: CompilerChoice): Promise<LanguageChecker> {
      const pkg = resolveTypeScriptPackage(book.root, choice.version);
      if (isNativeCompiler(pkg)) throw new UnsupportedCompilerError(pkg);
      const compiler = { name: 'TypeScript', version: pkg.version, source: pkg.source };
      // The thread started while the chapters were read (typeCheckThread.ts) checks plain TypeScript samples.
      const thread = spec.id === 'typescript' && !spec.compilerOptions && !spec.afterCheck ? takeWarmTypeCheck(book.root, pkg) : undefined;
      // A thread that could not start costs only its head start: the samples are checked here instead.
      const threadDiagnostics = thread ? await thread.started().catch(() => thread.close().then(() => undefined)) : undefined;
      if (thread && threadDiagnostics) {
        return {
          compiler,
          diagnostics: threadDiagnostics,
          offThread: true,
          filesRead: () => thread.filesRead(),
          checkAll: (samples, emit, onEach) => thread.checkAll(samples, emit, (s) => wantsHovers(book, s), onEach),
          close: () => thread.close(),
        };
      }
      const tsApi = loadTypeScriptPackage(pkg);
      const { SampleTypeChecker } = await import('./typeCheck.js');
      const diagnostics: Diagnostic[] = [];
      const configFiles: string[] = [];
      const options = bookCompilerOptions(tsApi, book, diagnostics, spec.compilerOptions, configFiles);
      const checker = new SampleTypeChecker(tsApi, book, options, (s) => wantsHovers(book, s));
      return {
        compiler,
        diagnostics,
        filesRead: () => [...new Set([...configFiles, ...checker.filesRead()])].sort(),
        checkAll: (samples, emit, onEach) =>
          checker.checkAll(samples, emit, (sample, result) => {
            spec.afterCheck?.({ ts: tsApi, book, options: (result.compilerOptions as ts.CompilerOptions | undefined) ?? options, sample, result });
            onEach?.(sample, result);
          }),
      };
    },
  };
}

export const typescriptLanguage: SampleLanguage = typescriptFamily({
  id: 'typescript',
  fences: ['ts', 'typescript', 'mts', 'cts'],
  defaultFileName: (fence) => (fence === 'mts' ? 'index.mts' : fence === 'cts' ? 'index.cts' : 'index.ts'),
  displayLang: () => 'ts',
});
