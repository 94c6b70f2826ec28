import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { applySampleFlags, optionsKey } from '../../../src/samples/languages/typescript/compilerOptions.js';

describe('applySampleFlags', () => {
  const base: ts.CompilerOptions = { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext };

  it('applies twoslash-style flags by their tsconfig names, case-insensitively', () => {
    const { options, unknown, invalid } = applySampleFlags(ts, base, { strict: false, TARGET: 'es2015', lib: 'es2015, dom', showEmit: true }, '/book');
    expect(options.strict).toBe(false);
    expect(options.target).toBe(ts.ScriptTarget.ES2015);
    expect(options.lib).toEqual(['lib.es2015.d.ts', 'lib.dom.d.ts']);
    // Each sample stays its own module whatever the flags say.
    expect(options.moduleDetection).toBe(ts.ModuleDetectionKind.Force);
    expect(unknown).toEqual([]);
    expect(invalid).toEqual([]);
  });

  it('reports unknown flags and invalid values', () => {
    const { unknown, invalid } = applySampleFlags(ts, base, { stirct: true, target: 'es1999' }, '/book');
    expect(unknown).toEqual(['stirct']);
    expect(invalid[0]).toContain('target');
  });

  it('groups identical options under one key', () => {
    expect(optionsKey({ strict: true, target: 1 })).toBe(optionsKey({ target: 1, strict: true }));
  });
});
