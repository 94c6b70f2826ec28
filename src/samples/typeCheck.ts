/**
 * Type-checks samples: all samples that share compiler options go into ONE language service (one
 * program), each sample a virtual module file, so the lib files and packages' types are parsed and
 * bound once instead of once per sample (the design that makes twoslash-per-block and literate-ts
 * 25–240 ms per sample; here it is about 3 ms).
 *
 * Why TypeScript 6.0 (the `typescript` package), not `typescript@7`: 7 is the native Go compiler and much
 * faster, but its JS API is new and unstable (no language service QuickInfo, which `^?` queries need,
 * and no emit through the API yet). 6.0 is the last line with the full, stable JS API: QuickInfo,
 * diagnostics and emit from the same program. Swapping in 7 later means replacing this file only.
 */
import path from 'node:path';
import type ts from 'typescript';
import type { Book } from '../book/model.js';
import { applySampleFlags, optionsKey } from './compilerOptions.js';
import type { Sample, SampleProblem, TypeOutcome } from './types.js';

type TS = typeof ts;

export interface EmittedSample {
  /** JavaScript of each file, by file name. */
  files: Record<string, string>;
  /** The file that is run (the last one). */
  entry: string;
}

export interface TypeCheckResult {
  types: TypeOutcome;
  emitted?: EmittedSample;
}

/** Where a sample's files live for the compiler: inside the book project, so its node_modules resolve. */
export function virtualPath(book: Book, sample: Sample, fileIndex: number): string {
  const file = sample.files[fileIndex]!;
  if (file.realPath) return file.realPath;
  const folder = `${sample.chapter.slug}-${sample.index}`;
  return path.join(book.root, '.evergreen', 'samples', folder, file.name).replace(/\\/g, '/');
}

/**
 * Keeps language services alive between calls (one per options group), so `evergreen dev` re-checks an
 * edited sample incrementally: only the changed file is re-parsed and re-checked.
 */
export class SampleTypeChecker {
  private readonly registry: ts.DocumentRegistry;
  private readonly groups = new Map<string, Group>();

  constructor(
    private readonly tsApi: TS,
    private readonly book: Book,
    private readonly baseOptions: ts.CompilerOptions,
  ) {
    this.registry = tsApi.createDocumentRegistry();
  }

  /**
   * Type-checks (and, for runnable samples, emits) the given samples. `onEach` gets each result as soon as it
   * is ready, and the event loop is let through every few samples, so runner processes already execute the
   * first samples while the rest are checked (type-checking uses one core, the runners the others).
   */
  async checkAll(samples: readonly Sample[], emit: (sample: Sample) => boolean, onEach?: (sample: Sample, result: TypeCheckResult) => void): Promise<Map<Sample, TypeCheckResult>> {
    const results = new Map<Sample, TypeCheckResult>();
    const byGroup = new Map<Group, { sample: Sample; flagProblems: SampleProblem[] }[]>();
    for (const sample of samples) {
      const { options, unknown, invalid } = applySampleFlags(this.tsApi, this.baseOptions, sample.flags, this.book.root);
      const flagProblems = [
        ...unknown.map((name) => this.flagProblem(sample, name, `Unknown compiler flag "@${name}"`, 'samples/unknown-flag')),
        ...invalid.map((message) => this.flagProblem(sample, '', message, 'samples/invalid-flag')),
      ];
      const group = this.group(options);
      group.setFiles(sample.files.map((f, i) => [virtualPath(this.book, sample, i), f.text]));
      const list = byGroup.get(group) ?? [];
      list.push({ sample, flagProblems });
      byGroup.set(group, list);
    }
    const profile = process.env.EVERGREEN_PROFILE ? performance.now() : 0;
    let done = 0;
    for (const [group, list] of byGroup) {
      // One program per group for diagnostics and emit: every language-service call first re-syncs all
      // files with the host, which for hundreds of samples costs more than checking them.
      const program = group.service.getProgram()!;
      for (const { sample, flagProblems } of list) {
        const result = this.checkOne(group, program, sample, flagProblems, emit(sample));
        results.set(sample, result);
        onEach?.(sample, result);
        if (++done % 8 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    }
    if (profile) process.stderr.write(`type-check ${samples.length} samples in ${byGroup.size} group(s): ${Math.round(performance.now() - profile)} ms\n`);
    return results;
  }

  private group(options: ts.CompilerOptions): Group {
    const key = optionsKey(options);
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = new Group(this.tsApi, options, this.book.root, this.registry)));
    return group;
  }

  private flagProblem(sample: Sample, name: string, message: string, ruleId: string): SampleProblem {
    for (let f = 0; f < sample.files.length; f++) {
      const lines = sample.files[f]!.text.split('\n');
      const line = lines.findIndex((l, i) => i >= sample.files[f]!.preludeLineCount && (name ? l.includes(`@${name}`) : /^\s*\/\/\s*@\w/.test(l)));
      if (line >= 0) return { file: f, line, column: Math.max(lines[line]!.indexOf('@'), 0), message, ruleId, severity: 'warning' };
    }
    return { file: 0, line: 0, column: 0, message, ruleId, severity: 'warning' };
  }

  private checkOne(group: Group, program: ts.Program, sample: Sample, problems: SampleProblem[], emit: boolean): TypeCheckResult {
    const ts = this.tsApi;
    const service = group.service;
    const found: { file: number; line: number; column: number; code: number; text: string; length: number }[] = [];
    sample.files.forEach((file, index) => {
      const fileName = virtualPath(this.book, sample, index);
      const source = program.getSourceFile(fileName);
      if (!source) return;
      for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
        if (d.category !== ts.DiagnosticCategory.Error || d.start === undefined) continue;
        const pos = source.getLineAndCharacterOfPosition(d.start);
        // Problems inside the code a `continue` sample builds on are reported on that earlier sample.
        if (file.origins[pos.line] === undefined) continue;
        found.push({ file: index, line: pos.line, column: pos.character, code: d.code, text: ts.flattenDiagnosticMessageText(d.messageText, '\n'), length: d.length ?? 1 });
      }
    });
    const consumed = new Set<(typeof found)[number]>();
    // `// ~~~ message`: an error must start inside the marked columns of the line above (and say that).
    for (const span of sample.errorSpans) {
      const onLine = found.filter((d) => d.file === span.file && d.line === span.targetLine);
      const match = onLine.find((d) => d.column < span.endColumn && d.column + d.length > span.startColumn && (!span.message || d.text.includes(span.message)));
      if (match) {
        for (const d of onLine) if (d.column < span.endColumn && d.column + d.length > span.startColumn) consumed.add(d);
      } else {
        const actual = onLine.map((d) => `TS${d.code}: ${d.text}`).join('\n');
        problems.push({
          file: span.file,
          line: span.targetLine,
          column: span.startColumn,
          message: `Expected an error here${span.message ? ` saying "${span.message}"` : ''}, but ${onLine.length ? 'the errors on this line are different' : 'there is none'}`,
          ruleId: 'samples/expected-error-missing',
          details: actual || undefined,
        });
      }
    }
    if (sample.noErrors) for (const d of found) consumed.add(d);
    if (sample.expectedErrors) {
      for (const code of new Set(sample.expectedErrors)) {
        const matching = found.filter((d) => d.code === code);
        if (matching.length === 0) {
          const at = this.directiveLine(sample, 'errors');
          problems.push({ ...at, message: `Expected error TS${code} (// @errors), but it did not occur`, ruleId: 'samples/expected-error-missing' });
        }
        for (const d of matching) consumed.add(d);
      }
    }
    for (const d of found) {
      if (consumed.has(d)) continue;
      problems.push({ file: d.file, line: d.line, column: d.column, message: `TS${d.code}: ${d.text}`, ruleId: `samples/TS${d.code}` });
    }
    const queryTypes = sample.queries.map((query) => {
      const fileName = virtualPath(this.book, sample, query.file);
      const source = program.getSourceFile(fileName);
      if (!source) return '';
      const lineCount = source.getLineStarts().length;
      const position = source.getPositionOfLineAndCharacter(Math.min(query.targetLine, lineCount - 1), 0) + query.targetColumn;
      const info = service.getQuickInfoAtPosition(fileName, position);
      const text = info ? ts.displayPartsToString(info.displayParts) : '';
      if (query.expected !== undefined && normalizeType(text) !== normalizeType(query.expected)) {
        problems.push({
          file: query.file,
          line: query.line,
          column: query.targetColumn,
          message: text ? `^? expected "${query.expected}", but the type is "${text}"` : `^? expected "${query.expected}", but there is no type at this column`,
          ruleId: 'samples/type-query',
        });
      }
      return text;
    });
    const expected = found.filter((d) => consumed.has(d)).map((d) => ({ file: d.file, line: d.line, column: d.column, message: d.text, ruleId: `TS${d.code}` }));
    const result: TypeCheckResult = { types: { problems, queryTypes, expected } };
    if (emit) {
      const files: Record<string, string> = {};
      sample.files.forEach((file, index) => {
        const source = program.getSourceFile(virtualPath(this.book, sample, index));
        files[file.name] = '';
        if (source) program.emit(source, (name, text) => {
          if (/\.(m?js|jsx)$/.test(name)) files[file.name] = text;
        });
      });
      result.emitted = { files, entry: sample.files[sample.files.length - 1]!.name };
      const realPath = sample.files[sample.files.length - 1]!.realPath;
      if (realPath) {
        // An included file runs in place: the project files it imports are compiled along with it.
        result.emitted = { files: this.emitLocalImports(program, realPath), entry: realPath };
      }
    }
    return result;
  }

  /** The included file and every TypeScript file of the book project it imports (transitively), compiled. */
  private emitLocalImports(program: ts.Program, entry: string): Record<string, string> {
    const files: Record<string, string> = {};
    const queue = [entry];
    while (queue.length > 0) {
      const fileName = queue.pop()!;
      const source = program.getSourceFile(fileName);
      if (!source || fileName in files) continue;
      files[fileName] = '';
      program.emit(source, (name, text) => {
        if (/\.(m?js|jsx)$/.test(name)) files[fileName] = text;
      });
      for (const imported of this.tsApi.preProcessFile(source.text, true, true).importedFiles) {
        if (!imported.fileName.startsWith('.')) continue;
        const resolved = this.tsApi.resolveModuleName(imported.fileName, fileName, program.getCompilerOptions(), this.tsApi.sys).resolvedModule;
        if (resolved && !resolved.isExternalLibraryImport && /\.(m?ts|tsx)$/.test(resolved.resolvedFileName) && !resolved.resolvedFileName.endsWith('.d.ts')) queue.push(resolved.resolvedFileName);
      }
    }
    return files;
  }

  private directiveLine(sample: Sample, name: string): { file: number; line: number; column: number } {
    for (let f = 0; f < sample.files.length; f++) {
      const lines = sample.files[f]!.text.split('\n');
      const line = lines.findIndex((l, i) => i >= sample.files[f]!.preludeLineCount && new RegExp(`^\\s*//\\s*@${name}\\b`, 'i').test(l));
      if (line >= 0) return { file: f, line, column: lines[line]!.indexOf('@') };
    }
    return { file: 0, line: sample.files[0]!.preludeLineCount, column: 0 };
  }
}

function normalizeType(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/;\s*}/g, ' }').trim();
}

/** One language service over the virtual files of every sample that shares these compiler options. */
class Group {
  readonly service: ts.LanguageService;
  private readonly files = new Map<string, { text: string; version: number }>();
  private readonly snapshots = new Map<string, ts.IScriptSnapshot>();
  /** Every folder that holds a virtual file, and their parents (module resolution asks about them). */
  private readonly dirs = new Set<string>();

  constructor(
    tsApi: TS,
    options: ts.CompilerOptions,
    root: string,
    registry: ts.DocumentRegistry,
  ) {
    const sys = tsApi.sys;
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => options,
      getScriptFileNames: () => [...this.files.keys()],
      getScriptVersion: (fileName) => String(this.files.get(fileName)?.version ?? 0),
      getScriptSnapshot: (fileName) => {
        const own = this.files.get(fileName);
        if (own) return tsApi.ScriptSnapshot.fromString(own.text);
        let snapshot = this.snapshots.get(fileName);
        if (!snapshot) {
          const text = sys.readFile(fileName);
          if (text === undefined) return undefined;
          this.snapshots.set(fileName, (snapshot = tsApi.ScriptSnapshot.fromString(text)));
        }
        return snapshot;
      },
      getCurrentDirectory: () => root,
      getDefaultLibFileName: (o) => tsApi.getDefaultLibFilePath(o),
      fileExists: (fileName) => this.files.has(fileName) || sys.fileExists(fileName),
      readFile: (fileName) => this.files.get(fileName)?.text ?? sys.readFile(fileName),
      directoryExists: (dir) => this.dirs.has(dir.replace(/\/$/, '')) || sys.directoryExists(dir),
      getDirectories: (dir) => sys.getDirectories(dir),
      readDirectory: (...args) => sys.readDirectory(...args),
      realpath: sys.realpath,
      useCaseSensitiveFileNames: () => sys.useCaseSensitiveFileNames,
    };
    this.service = tsApi.createLanguageService(host, registry);
  }

  setFiles(entries: [string, string][]): void {
    for (const [fileName, text] of entries) {
      const existing = this.files.get(fileName);
      if (existing?.text === text) continue;
      this.files.set(fileName, { text, version: (existing?.version ?? 0) + 1 });
      for (let dir = path.posix.dirname(fileName); !this.dirs.has(dir) && dir !== path.posix.dirname(dir); dir = path.posix.dirname(dir)) this.dirs.add(dir);
    }
  }
}
