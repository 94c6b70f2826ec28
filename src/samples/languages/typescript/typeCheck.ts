/**
 * Type-checks samples: all samples that share compiler options go into ONE language service (one
 * program), each sample a virtual module file, so the lib files and packages' types are parsed and
 * bound once instead of once per sample (the design that makes twoslash-per-block and literate-ts
 * 25–240 ms per sample; here it is about 3 ms).
 *
 * The compiler is the book's own `typescript` when it has one (resolve.ts), else the bundled 6.0.
 * TypeScript 7 (the native compiler) has no language service in its API, which `^?` queries need, so it
 * is not driven through this file (native.ts says what is not supported).
 */
import path from 'node:path';
import type ts from 'typescript';
import type { Book } from '../../../book/model.js';
import { judgeErrors, typeMatches, type FoundError } from '../../expectations.js';
import type { Sample, SampleProblem, TypeCheckResult } from '../../types.js';
import { applySampleFlags, type CheckerBook, emitsCommonJs, optionsKey } from './compilerOptions.js';
import { domOnlyGlobals, typeAssertionProblems } from './inspect.js';
import { identifierQuickInfo } from './quickInfo.js';
import { createDeclarationSharingRegistry } from './declarationRegistry.js';

type TS = typeof ts;

/** Where a sample's files live for the compiler: inside the book project, so its node_modules resolve. */
export function virtualPath(book: Pick<Book, 'root'>, sample: Sample, fileIndex: number): string {
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
  /** Files outside the samples and the compiler's own lib folder that the compiler read. */
  private readonly read = new Set<string>();
  /**
   * Declaration files' text, shared by every option group: each group's program asks for the lib files and
   * packages' types, and reading and decoding them once per group cost a third of a second on the Handbook.
   */
  private readonly snapshots = new Map<string, ts.IScriptSnapshot>();

  constructor(
    private readonly tsApi: TS,
    private readonly book: CheckerBook,
    private readonly baseOptions: ts.CompilerOptions,
    /** Whether a sample's identifiers get hovers (hovers.ts decides, from the book and the fence). */
    private readonly wantsHovers: (sample: Sample) => boolean,
  ) {
    this.registry = createDeclarationSharingRegistry(tsApi);
  }

  /** Files the compiler read outside the samples (packages' declarations and manifests). */
  filesRead(): string[] {
    return [...this.read].sort();
  }

  /**
   * Parses and binds the lib files and packages' types of the book's options before any sample is known
   * (the program the samples join reuses them): what a thread of its own does while the chapters are read.
   */
  warmUp(): void {
    // A program without root files has no lib files either: an empty module stands in for the samples.
    const group = this.group(this.baseOptions, '');
    const placeholder = path.join(this.book.root, '.evergreen', 'samples', 'warm-up.ts').replace(/\\/g, '/');
    group.setFiles([[placeholder, 'export {};\n']]);
    group.service.getProgram()?.getTypeChecker();
    group.removeFile(placeholder);
  }

  /**
   * Type-checks (and, for runnable samples, emits) the given samples. `onEach` gets each result as soon as it
   * is ready, and the event loop is let through every few samples, so runner processes already execute the
   * first samples while the rest are checked (type-checking uses one core, the runners the others).
   */
  async checkAll(samples: readonly Sample[], emit: (sample: Sample) => boolean, onEach?: (sample: Sample, result: TypeCheckResult) => void): Promise<Map<Sample, TypeCheckResult>> {
    const results = new Map<Sample, TypeCheckResult>();
    const entries = new Map<Sample, { group: Group; flagProblems: SampleProblem[] }>();
    for (const sample of samples) {
      const { options, unknown, invalid } = applySampleFlags(this.tsApi, this.baseOptions, sample.flags, this.book.root);
      const flagProblems = [
        ...unknown.map((name) => this.flagProblem(sample, name, `Unknown compiler flag "@${name}": not a tsconfig option nor twoslash notation`, 'samples/unknown-flag', true)),
        ...invalid.map((message) => this.flagProblem(sample, flagNamed(sample, message), message, 'samples/invalid-flag', true)),
      ];
      // A sample with script semantics (`@moduleDetection: auto`) gets a program of its own: its globals must not meet other samples'.
      const own = options.moduleDetection === this.tsApi.ModuleDetectionKind.Force ? '' : sample.name;
      const group = this.group(options, own);
      group.setFiles(sample.files.map((f, i) => [virtualPath(this.book, sample, i), f.text]));
      entries.set(sample, { group, flagProblems });
    }
    const profile = process.env.EVERGREEN_PROFILE ? performance.now() : 0;
    const groupMs = new Map<Group, number>();
    // One program per group for diagnostics and emit: every language-service call first re-syncs all
    // files with the host, which for hundreds of samples costs more than checking them.
    const programs = new Map<Group, { program: ts.Program; optionErrors: ts.Diagnostic[] }>();
    const programOf = (group: Group) => {
      let found = programs.get(group);
      if (!found) {
        const program = group.service.getProgram()!;
        // Option errors (TS5107 "target=ES5 is deprecated") belong to the flag that set the option.
        const optionErrors = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()].filter((d) => d.category === this.tsApi.DiagnosticCategory.Error);
        programs.set(group, (found = { program, optionErrors }));
      }
      return found;
    };
    // In the order given (the book's), not group by group: a chapter's results are complete as early as
    // they can be, so its page can be rendered while later chapters are checked. Each group's program sees
    // its own samples in the same order either way, so the types it shows are the same.
    let done = 0;
    for (const sample of samples) {
      const entry = entries.get(sample)!;
      const started = profile ? performance.now() : 0;
      const { program, optionErrors } = programOf(entry.group);
      const fromOptions = optionErrors.flatMap((d) => {
        const text = this.tsApi.flattenDiagnosticMessageText(d.messageText, ' ');
        const flag = flagNamed(sample, text);
        return flag ? [this.flagProblem(sample, flag, `TS${d.code}: ${text}`, `samples/TS${d.code}`, true)] : [];
      });
      const result = this.checkOne(entry.group, program, sample, [...entry.flagProblems, ...fromOptions], emit(sample));
      if (profile) groupMs.set(entry.group, (groupMs.get(entry.group) ?? 0) + performance.now() - started);
      results.set(sample, result);
      onEach?.(sample, result);
      if (++done % 8 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    if (profile)
      for (const [group, ms] of groupMs)
        process.stderr.write(
          `  group of ${[...entries.values()].filter((e) => e.group === group).length}: ${Math.round(ms)} ms ${optionsKey(group.service.getProgram()!.getCompilerOptions())}\n`,
        );
    if (profile)
      process.stderr.write(
        `type-check ${samples.length} samples in ${new Set([...entries.values()].map((e) => e.group)).size} group(s): ${Math.round(performance.now() - profile)} ms\n`,
      );
    return results;
  }

  private group(options: ts.CompilerOptions, own: string): Group {
    const key = optionsKey(options) + own;
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = new Group(this.tsApi, options, this.book.root, this.registry, this.read, this.snapshots)));
    return group;
  }

  private flagProblem(sample: Sample, name: string, message: string, ruleId: string, error = false): SampleProblem {
    const severity = error ? undefined : ('warning' as const);
    for (let f = 0; f < sample.files.length; f++) {
      const lines = sample.files[f]!.text.split('\n');
      const pattern = name ? new RegExp(`^\\s*//\\s*@${name}\\b`, 'i') : /^\s*\/\/\s*@\w/;
      const line = lines.findIndex((l, i) => i >= sample.files[f]!.preludeLineCount && pattern.test(l));
      if (line >= 0) return { file: f, line, column: Math.max(lines[line]!.indexOf('@'), 0), message, ruleId, severity };
    }
    return { file: 0, line: 0, column: 0, message, ruleId, severity };
  }

  private checkOne(group: Group, program: ts.Program, sample: Sample, problems: SampleProblem[], emit: boolean): TypeCheckResult {
    const ts = this.tsApi;
    const sourceOf = (index: number) => program.getSourceFile(virtualPath(this.book, sample, index));
    const found: FoundError[] = [];
    sample.files.forEach((file, index) => {
      const source = sourceOf(index);
      if (!source) return;
      for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
        if (d.category !== ts.DiagnosticCategory.Error || d.start === undefined) continue;
        const pos = source.getLineAndCharacterOfPosition(d.start);
        // Problems inside the code a `continue` sample builds on are reported on that earlier sample.
        if (file.origins[pos.line] === undefined) continue;
        found.push({ file: index, line: pos.line, column: pos.character, code: d.code, text: ts.flattenDiagnosticMessageText(d.messageText, '\n'), length: d.length ?? 1 });
      }
    });
    const verdict = judgeErrors(sample, found, ts.version);
    problems.push(...verdict.problems);
    const queryTypes = sample.queries.map((query) => {
      const source = sourceOf(query.file);
      if (!source) return '';
      const lineCount = source.getLineStarts().length;
      const position = source.getPositionOfLineAndCharacter(Math.min(query.targetLine, lineCount - 1), 0) + query.targetColumn;
      const info = group.service.getQuickInfoAtPosition(source.fileName, position);
      const text = info ? ts.displayPartsToString(info.displayParts) : '';
      if (query.expected !== undefined && !typeMatches(text, query.expected)) {
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
    for (const query of sample.completions) {
      const source = sourceOf(query.file);
      if (!source) continue;
      const lineStart = source.getPositionOfLineAndCharacter(Math.min(query.targetLine, source.getLineStarts().length - 1), 0);
      const prefix = /[\w$]*$/.exec(source.text.slice(lineStart, lineStart + query.targetColumn))?.[0] ?? '';
      const entries = group.service.getCompletionsAtPosition(source.fileName, lineStart + query.targetColumn, {})?.entries ?? [];
      if (!entries.some((e) => e.name.startsWith(prefix))) {
        problems.push({
          file: query.file,
          line: query.line,
          column: query.targetColumn,
          message: `^| the compiler offers no completions${prefix ? ` for "${prefix}"` : ''} here`,
          ruleId: 'samples/completion-query',
        });
      }
    }
    if (sample.typeAssertions.length > 0) problems.push(...typeAssertionProblems(ts, program, sample, sourceOf));
    const expected = found.filter((d) => verdict.consumed.has(d)).map((d) => ({ file: d.file, line: d.line, column: d.column, message: d.text, ruleId: `TS${d.code}` }));
    const result: TypeCheckResult = { types: { problems, queryTypes, expected } };
    if (this.wantsHovers(sample)) {
      result.types.hovers = sample.files.flatMap((file, index) => {
        const source = /\.json$/.test(file.name) ? undefined : sourceOf(index);
        return source ? identifierQuickInfo(ts, group.service, source, sample, index) : [];
      });
    }
    if (emit) this.emit(program, sample, sourceOf, result);
    return result;
  }

  /** Compiles a runnable sample for the runner, and finds out whether it can run in Node at all. */
  private emit(program: ts.Program, sample: Sample, sourceOf: (index: number) => ts.SourceFile | undefined, result: TypeCheckResult): void {
    const ts = this.tsApi;
    const options = program.getCompilerOptions();
    const files: Record<string, string> = {};
    let commonJs = false;
    sample.files.forEach((file, index) => {
      const source = sourceOf(index);
      // JSON and JavaScript files (`// @filename: data.json`, allowJs) run as written unless emitted.
      files[file.name] = /\.json$/.test(file.name) ? withoutNotation(file.text) : /\.([cm]?js|jsx)$/.test(file.name) ? file.text : '';
      if (!source || /\.json$/.test(file.name)) return;
      if (emitsCommonJs(ts, options, source)) commonJs = true;
      program.emit(source, (name, text) => {
        if (/\.([cm]?js|jsx)$/.test(name)) files[file.name] = text;
      });
    });
    const format = commonJs ? 'commonjs' : 'esm';
    const last = sample.files[sample.files.length - 1]!;
    // An included file runs in place: the project files it imports are compiled along with it.
    result.emitted = last.realPath ? { files: this.emitLocalImports(program, last.realPath), entry: last.realPath, format } : { files, entry: last.name, format };
    result.types.format = format;
    result.compilerOptions = options as Record<string, unknown>;
    const dom = sample.files.flatMap((_, i) => {
      const source = sourceOf(i);
      return source ? domOnlyGlobals(ts, program, source) : [];
    });
    if (dom.length > 0) result.cannotRun = result.types.cannotRun = `it uses the DOM (${[...new Set(dom)].slice(0, 3).join(', ')}), which Node does not have`;
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
        if (resolved && !resolved.isExternalLibraryImport && /\.(m?ts|tsx)$/.test(resolved.resolvedFileName) && !resolved.resolvedFileName.endsWith('.d.ts'))
          queue.push(resolved.resolvedFileName);
      }
    }
    return files;
  }
}

/** A JSON file of a sample without its `// @filename` line (JSON has no comments at run time). */
function withoutNotation(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\s*\/\//.test(line))
    .join('\n');
}

/** The flag of a sample that an option message names (`Option 'target=ES5' is deprecated`), or "". */
function flagNamed(sample: Sample, message: string): string {
  const lower = message.toLowerCase();
  return Object.keys(sample.flags).find((name) => lower.includes(`'${name.toLowerCase()}`) || lower.includes(`"${name.toLowerCase()}"`)) ?? '';
}

/** One language service over the virtual files of every sample that shares these compiler options. */
class Group {
  readonly service: ts.LanguageService;
  private readonly files = new Map<string, { text: string; version: number }>();
  /** Every folder that holds a virtual file, and their parents (module resolution asks about them). */
  private readonly dirs = new Set<string>();
  /**
   * Bumped whenever a file changes. Without it the service checks every file of the program for changes
   * before each call, and a hover asks once per identifier: thousands of checks of hundreds of files.
   */
  private projectVersion = 0;

  constructor(
    tsApi: TS,
    options: ts.CompilerOptions,
    root: string,
    registry: ts.DocumentRegistry,
    read: Set<string>,
    private readonly snapshots: Map<string, ts.IScriptSnapshot>,
  ) {
    const sys = tsApi.sys;
    const libDir = path.dirname(tsApi.getDefaultLibFilePath(options));
    const note = (fileName: string) => {
      // Packages can change without the lockfile changing (a local edit, `npm link`); the book's own files
      // are the samples' dependencies (include=), keyed by content per sample, not for the whole book.
      if (!fileName.startsWith(libDir) && fileName.includes('/node_modules/')) read.add(fileName);
    };
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => options,
      getProjectVersion: () => String(this.projectVersion),
      getScriptFileNames: () => [...this.files.keys()],
      getScriptVersion: (fileName) => String(this.files.get(fileName)?.version ?? 0),
      getScriptSnapshot: (fileName) => {
        const own = this.files.get(fileName);
        if (own) return tsApi.ScriptSnapshot.fromString(own.text);
        let snapshot = this.snapshots.get(fileName);
        if (!snapshot) {
          const text = sys.readFile(fileName);
          if (text === undefined) return undefined;
          note(fileName);
          this.snapshots.set(fileName, (snapshot = tsApi.ScriptSnapshot.fromString(text)));
        }
        return snapshot;
      },
      getCurrentDirectory: () => root,
      getDefaultLibFileName: (o) => tsApi.getDefaultLibFilePath(o),
      fileExists: (fileName) => this.files.has(fileName) || sys.fileExists(fileName),
      readFile: (fileName) => {
        const own = this.files.get(fileName);
        if (own) return own.text;
        const text = sys.readFile(fileName);
        if (text !== undefined) note(fileName);
        return text;
      },
      directoryExists: (dir) => this.dirs.has(dir.replace(/\/$/, '')) || sys.directoryExists(dir),
      getDirectories: (dir) => sys.getDirectories(dir),
      readDirectory: (...args) => sys.readDirectory(...args),
      realpath: sys.realpath,
      useCaseSensitiveFileNames: () => sys.useCaseSensitiveFileNames,
    };
    this.service = tsApi.createLanguageService(host, registry);
  }

  removeFile(fileName: string): void {
    if (this.files.delete(fileName)) this.projectVersion++;
  }

  setFiles(entries: [string, string][]): void {
    for (const [fileName, text] of entries) {
      const existing = this.files.get(fileName);
      if (existing?.text === text) continue;
      this.files.set(fileName, { text, version: (existing?.version ?? 0) + 1 });
      this.projectVersion++;
      for (let dir = path.posix.dirname(fileName); !this.dirs.has(dir) && dir !== path.posix.dirname(dir); dir = path.posix.dirname(dir)) this.dirs.add(dir);
    }
  }
}
