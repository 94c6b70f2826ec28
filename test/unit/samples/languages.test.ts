import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { messageMatches, typeMatches } from '../../../src/samples/expectations.js';
import { languageOfFence, sampleLanguageRegistry } from '../../../src/samples/languages/registry.js';

const languagesDir = path.join(import.meta.dirname, '..', '..', '..', 'src', 'samples', 'languages');

describe('the sample-language seam', () => {
  it('gives every fence to exactly one language', () => {
    const fences = sampleLanguageRegistry.flatMap((l) => [...l.fences]);
    expect(new Set(fences).size).toBe(fences.length);
    expect(languageOfFence('TS')?.id).toBe('typescript');
    expect(languageOfFence('tsx')?.id).toBe('tsx');
    expect(languageOfFence('javascript')?.id).toBe('javascript');
    expect(languageOfFence('output')).toBeUndefined();
  });

  it('adds JavaScript and TSX without the TypeScript implementation knowing them', () => {
    for (const file of readdirSync(path.join(languagesDir, 'typescript'))) {
      const text = readFileSync(path.join(languagesDir, 'typescript', file), 'utf8');
      expect(text, file).not.toMatch(/javascript\/|tsx\/|checkJs|jsx-runtime/);
    }
    const javascript = readFileSync(path.join(languagesDir, 'javascript', 'language.ts'), 'utf8');
    expect([...javascript.matchAll(/from '([^']+)'/g)].map((m) => m[1])).toEqual(['../typescript/language.js']);
  });
});

describe('expectation text matching', () => {
  it('matches literate-ts error messages by part, with ... elisions in order', () => {
    expect(messageMatches("Type 'string' is not assignable to type 'number'.", "not assignable to type 'number'")).toBe(true);
    expect(messageMatches("Type 'string' is not assignable to type 'number'.", "Type 'string' ... 'number'")).toBe(true);
    expect(messageMatches("Type 'string' is not assignable to type 'number'.", "'number' ... Type 'string'")).toBe(false);
  });

  it('matches types ignoring whitespace, with a ... elision', () => {
    expect(typeMatches('{ x: number; y: number; }', '{ x: number;  y: number }')).toBe(true);
    expect(typeMatches('{ x: number; y: number; label: string; }', '{ x: number; ... }')).toBe(true);
    expect(typeMatches('string[]', 'number[]')).toBe(false);
  });

  it('matches a union whatever the order of its members, which depends on what else was checked', () => {
    expect(typeMatches('"auto" | Options', 'Options | "auto"')).toBe(true);
    expect(typeMatches('{ a: "x" | "y"; } | null', 'null | { a: "x" | "y" }')).toBe(true);
    expect(typeMatches('"a|b" | number', 'number | "a|b"')).toBe(true);
    expect(typeMatches('Map<string, A | B> | C', 'C | Map<string, A | B>')).toBe(true);
    // Only the order: a member more, fewer or another one is still a mismatch.
    expect(typeMatches('"auto" | Options', 'Options | "auto" | null')).toBe(false);
    expect(typeMatches('"auto" | Options', 'Options | "manual"')).toBe(false);
  });
});
