import { javascriptLanguage } from './javascript/language.js';
import type { SampleLanguage } from './language.js';
import { tsxLanguage } from './tsx/language.js';
import { typescriptLanguage } from './typescript/language.js';

/** Every sample language, in the order their checkers run. Adding a language is one line here. */
export const sampleLanguageRegistry: readonly SampleLanguage[] = [typescriptLanguage, tsxLanguage, javascriptLanguage];

const byFence = new Map(sampleLanguageRegistry.flatMap((language) => language.fences.map((fence) => [fence, language] as const)));

/** The language owning a fence (`ts`, `tsx`, `js`…), or undefined for a block that is not a sample. */
export function languageOfFence(fence: string): SampleLanguage | undefined {
  return byFence.get(fence.toLowerCase());
}

export function languageById(id: string): SampleLanguage {
  const found = sampleLanguageRegistry.find((language) => language.id === id);
  if (!found) throw new Error(`No sample language "${id}"`);
  return found;
}

/** Fence languages that are samples. */
export const sampleFences: ReadonlySet<string> = new Set(byFence.keys());
