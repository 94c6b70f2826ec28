/**
 * The sample-language seam. A language says which fences it owns, how a sample's files are named, how it
 * is shown, and how it is type-checked and turned into JavaScript the runner executes. The check stage
 * (extract → type-check → run → compare → cache) is the same for every language; adding one is a new
 * folder under languages/ plus one line in registry.ts.
 */
import type { Book } from '../../book/model.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Sample, TypeCheckResult } from '../types.js';

/** Which compiler version to use: the book's default one, or one entry of its version matrix. */
export interface CompilerChoice {
  /** A version such as `5.9` (resolved from the book's dependencies); undefined for the book's own. */
  version?: string;
}

/** The compiler a checker uses, named in reports and cache keys. */
export interface CompilerIdentity {
  /** e.g. `TypeScript`. */
  name: string;
  version: string;
  /** `book` (from the book project's dependencies) or `bundled` (Evergreen's own copy). */
  source: string;
}

export interface LanguageChecker {
  readonly compiler: CompilerIdentity;
  /** Problems with the book-wide configuration of this language (a tsconfig error). */
  readonly diagnostics: Diagnostic[];
  /**
   * Type-checks (and, where `emit` says so, compiles for running) the given samples; `onEach` gets each result
   * as soon as it is ready, so runs overlap the rest of the type-check.
   */
  checkAll(samples: readonly Sample[], emit: (sample: Sample) => boolean, onEach?: (sample: Sample, result: TypeCheckResult) => void): Promise<Map<Sample, TypeCheckResult>>;
  /**
   * Files outside the samples that the compiler read (tsconfig files a config `extends`, package
   * declarations and manifests): part of the cache key, so editing one re-checks the book.
   */
  filesRead(): string[];
  /** Whether it checks on a thread of its own (this thread is free meanwhile). */
  readonly offThread?: boolean;
  /** Stops what the checker started (a thread of its own); a checker in this thread has nothing to stop. */
  close?(): Promise<void>;
}

export interface SampleLanguage {
  /** Stable id, e.g. `typescript`. */
  readonly id: string;
  /** Fence languages (lowercase) whose blocks are samples of this language. */
  readonly fences: readonly string[];
  /** File name of a sample's single (or first unnamed) file. */
  defaultFileName(fence: string): string;
  /** The language a reader sees it highlighted as. */
  displayLang(fence: string): string;
  /**
   * Identifies the compiler without loading it (a warm check must not pay for loading a compiler):
   * part of the samples' cache key. Throws a MissingTypeScriptError-like error with an install command
   * when the choice is not installed.
   */
  compiler(book: Book, choice: CompilerChoice): CompilerIdentity;
  /** The type-checker for a book (loads the compiler). */
  createChecker(book: Book, choice: CompilerChoice): Promise<LanguageChecker>;
}
