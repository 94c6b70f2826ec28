import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { createDeclarationSharingRegistry } from '../../../src/samples/languages/typescript/declarationRegistry.js';

/** A language service over one in-memory sample file, as the sample checker makes one per options group. */
function service(registry: ts.DocumentRegistry, options: ts.CompilerOptions, code: string): ts.LanguageService {
  const file = '/book/sample.ts';
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => [file],
    getScriptVersion: () => '1',
    getScriptSnapshot: (name) => {
      if (name === file) return ts.ScriptSnapshot.fromString(code);
      const text = ts.sys.readFile(name);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => '/book',
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (name) => name === file || ts.sys.fileExists(name),
    readFile: (name) => (name === file ? code : ts.sys.readFile(name)),
  };
  return ts.createLanguageService(host, registry);
}

const libFile = (program: ts.Program) => program.getSourceFiles().find((f) => f.fileName.endsWith('/lib.es5.d.ts'))!;
const errors = (s: ts.LanguageService) => s.getSemanticDiagnostics('/book/sample.ts').map((d) => d.code);

describe('the declaration-sharing document registry', () => {
  const base: ts.CompilerOptions = { strict: true, lib: ['lib.es2023.d.ts'], types: [], skipLibCheck: true };
  const code = 'const big = 10n;\nexport const words: string[] = ["a"].map((w) => w.toUpperCase());\n';

  it('parses a lib file once for programs of different targets and module kinds', () => {
    const registry = createDeclarationSharingRegistry(ts);
    const modern = service(registry, { ...base, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext }, code);
    const old = service(registry, { ...base, target: ts.ScriptTarget.ES5, module: ts.ModuleKind.CommonJS }, code);
    expect(libFile(old.getProgram()!)).toBe(libFile(modern.getProgram()!));
    // TypeScript's own registry parses it again for the other target: what this registry saves.
    const plain = ts.createDocumentRegistry();
    const a = service(plain, { ...base, target: ts.ScriptTarget.ES2022 }, code);
    const b = service(plain, { ...base, target: ts.ScriptTarget.ES5 }, code);
    expect(libFile(a.getProgram()!)).not.toBe(libFile(b.getProgram()!));
  });

  it('keeps each sample file parsed and checked for its own target', () => {
    const registry = createDeclarationSharingRegistry(ts);
    const modern = service(registry, { ...base, target: ts.ScriptTarget.ES2022 }, code);
    const old = service(registry, { ...base, target: ts.ScriptTarget.ES5 }, code);
    const sample = (s: ts.LanguageService) => s.getProgram()!.getSourceFile('/book/sample.ts')!;
    expect(sample(old)).not.toBe(sample(modern));
    expect(sample(old).languageVersion).toBe(ts.ScriptTarget.ES5);
    // TS2737: BigInt literals are not available when targeting lower than ES2020.
    expect(errors(old)).toContain(2737);
    expect(errors(modern)).toEqual([]);
    // The same verdicts as with TypeScript's own registry.
    expect(errors(old)).toEqual(errors(service(ts.createDocumentRegistry(), { ...base, target: ts.ScriptTarget.ES5 }, code)));
  });

  it('releases shared files under the key they were acquired with', () => {
    const registry = createDeclarationSharingRegistry(ts);
    const first = service(registry, { ...base, target: ts.ScriptTarget.ES2022 }, code);
    const second = service(registry, { ...base, target: ts.ScriptTarget.ES5 }, code);
    const shared = libFile(first.getProgram()!);
    expect(libFile(second.getProgram()!)).toBe(shared);
    first.dispose();
    // Still held by the second service: disposing the first must not have dropped or broken it.
    expect(libFile(second.getProgram()!)).toBe(shared);
    second.dispose();
    const third = service(registry, { ...base, target: ts.ScriptTarget.ES2015 }, code);
    expect(libFile(third.getProgram()!)).not.toBe(shared);
  });
});
