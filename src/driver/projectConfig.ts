import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BookConfig, BookConfigInput } from '../book/configSchema.js';
import { loadConfig, missingBookError, validateConfig } from '../book/loadConfig.js';
import { EvergreenError } from '../diagnostics/diagnostic.js';
import type { FormatRegistry, OutputFormatDefinition } from './formatRegistry.js';

/** A config as an `evergreen.config.js` writes it: book.yaml's keys, and format definitions among `formats`. */
export type ProjectConfigInput = Omit<BookConfigInput, 'formats'> & {
  /** Format names, or format definitions (registered for this project, and built). */
  formats?: (string | OutputFormatDefinition)[];
};

/**
 * Typed helper for `evergreen.config.js` (like vite's `defineConfig`): returns its argument, so an editor
 * checks the config against Evergreen's declarations. A function (sync or async) is called once per load.
 */
export function defineConfig<T extends ProjectConfigInput | (() => ProjectConfigInput | Promise<ProjectConfigInput>)>(config: T): T {
  return config;
}

/** Config files a project may have, in the order they are looked for. */
const scriptConfigNames = ['evergreen.config.js', 'evergreen.config.mjs'];

export interface LoadedProjectConfig {
  /** The file the config came from. */
  path: string;
  config: BookConfig;
}

/** The config file of a project: `evergreen.config.js|mjs` at the root, else `manuscript/book.yaml`. */
export function findConfigFile(root: string): string {
  const yamlPath = path.join(root, 'manuscript', 'book.yaml');
  const scripts = scriptConfigNames.map((n) => path.join(root, n)).filter((f) => existsSync(f));
  const typescript = path.join(root, 'evergreen.config.ts');
  if (scripts.length === 0 && existsSync(typescript)) {
    throw configError(
      typescript,
      'evergreen.config.ts cannot be loaded: Node.js 20 does not import TypeScript files',
      'Rename it to evergreen.config.mjs and keep the types with `// @ts-check` and `/** @type {import("evergreen-book").ProjectConfigInput} */`, or use defineConfig from "evergreen-book" in a .mjs file.',
      'config/typescript-config',
    );
  }
  if (scripts.length > 1) throw configError(scripts[1], `Both ${path.basename(scripts[0])} and ${path.basename(scripts[1])} exist`, 'Keep one config file.', 'config/ambiguous');
  if (scripts.length === 1 && existsSync(yamlPath)) {
    throw configError(
      scripts[0],
      `Both ${path.basename(scripts[0])} and manuscript/book.yaml exist; Evergreen would not know which one to read`,
      'Keep one: move the settings of book.yaml into the config file, or delete the config file.',
      'config/ambiguous',
    );
  }
  return scripts[0] ?? yamlPath;
}

/**
 * Reads the project's config and registers the formats it defines. book.yaml problems are positioned at the
 * key; a JavaScript config's problems name the key path.
 */
export async function loadProjectConfig(root: string, formats: FormatRegistry): Promise<LoadedProjectConfig> {
  const file = findConfigFile(root);
  if (file.endsWith('.yaml')) {
    if (!existsSync(file)) throw missingBookError(file);
    return { path: file, config: await loadConfig(file, { knownFormats: formats.names() }) };
  }
  const input = await importConfig(file);
  const raw = { ...input } as Record<string, unknown>;
  if (Array.isArray(input.formats)) {
    raw.formats = input.formats.map((entry, index) => {
      if (typeof entry === 'string') return entry;
      registerDefinition(formats, entry, file, index);
      return entry.name;
    });
  }
  return { path: file, config: validateConfig(raw, file, { knownFormats: formats.names() }) };
}

async function importConfig(file: string): Promise<ProjectConfigInput> {
  // The modification time in the URL makes `evergreen dev` read an edited config instead of Node's cached module.
  const url = `${pathToFileURL(file).href}?mtime=${(await stat(file)).mtimeMs}`;
  let exported: unknown;
  try {
    exported = ((await import(url)) as { default?: unknown }).default;
  } catch (error) {
    throw configError(
      file,
      `${path.basename(file)} could not be loaded: ${(error as Error).message.split('\n')[0]}`,
      'Fix the error in the config file (it is an ES module: `export default defineConfig({...})`).',
      'config/script-error',
    );
  }
  if (typeof exported === 'function') exported = await (exported as () => unknown)();
  if (exported === null || typeof exported !== 'object' || Array.isArray(exported)) {
    throw configError(
      file,
      `${path.basename(file)} must export a config object as its default export`,
      'Write `export default defineConfig({ title: "My Book" })` (defineConfig comes from "evergreen-book").',
      'config/shape',
    );
  }
  return exported as ProjectConfigInput;
}

function registerDefinition(formats: FormatRegistry, entry: unknown, file: string, index: number): void {
  const definition = entry as Partial<OutputFormatDefinition> | null;
  if (!definition || typeof definition.name !== 'string' || typeof definition.createRenderer !== 'function' || typeof definition.description !== 'string') {
    throw configError(
      file,
      `formats[${index}] is neither a format name nor a format definition`,
      'A format definition has `name`, `description` and `createRenderer()` (see OutputFormatDefinition in the API).',
      'config/invalid-format',
    );
  }
  try {
    formats.register(definition as OutputFormatDefinition);
  } catch (error) {
    throw configError(file, `formats[${index}]: ${(error as Error).message}`, 'Give the format its own name and artifact kind.', 'config/invalid-format');
  }
}

function configError(file: string, message: string, hint: string, ruleId: string): EvergreenError {
  return new EvergreenError(message, [{ severity: 'error', file, message, hint, ruleId }]);
}
