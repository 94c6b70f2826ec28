import { readFile } from 'node:fs/promises';
import leven from 'leven';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { type Diagnostic, EvergreenError } from '../diagnostics/diagnostic.js';
import { bookConfigSchema, type BookConfig } from './configSchema.js';
import { slugify } from '../util/slug.js';

export interface ConfigOptions {
  /** The output formats the project can build (the format registry's names); others in `formats:` are errors. */
  knownFormats?: readonly string[];
}

/** Reads and validates book.yaml; every problem is positioned at the offending key or value. */
export async function loadConfig(configPath: string, options: ConfigOptions = {}): Promise<BookConfig> {
  let text: string;
  try {
    text = await readFile(configPath, 'utf8');
  } catch {
    throw missingBookError(configPath);
  }
  return parseConfig(text, configPath, options);
}

/** The error for a folder that is not a book project (no manuscript/book.yaml). */
export function missingBookError(configPath: string): EvergreenError {
  return new EvergreenError(`No book.yaml found at ${configPath}`, [
    {
      severity: 'error',
      file: configPath,
      message: 'book.yaml is missing',
      hint: 'Run `evergreen init` to create a book project, or pass --root to point at one (the folder that contains manuscript/book.yaml).',
      ruleId: 'config/missing',
    },
  ]);
}

export function parseConfig(text: string, configPath: string, options: ConfigOptions = {}): BookConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const diagnostics: Diagnostic[] = [];
  for (const error of doc.errors) {
    const pos = lineCounter.linePos(error.pos[0]);
    diagnostics.push({
      severity: 'error',
      file: configPath,
      line: pos.line,
      column: pos.col,
      message: `YAML syntax error: ${error.message.split('\n')[0]}`,
      hint: 'Fix the YAML syntax (indentation, quotes, colons).',
      ruleId: 'config/yaml',
    });
  }
  if (diagnostics.length > 0) throw new EvergreenError('book.yaml is not valid YAML', diagnostics);

  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new EvergreenError('book.yaml must be a mapping', [
      {
        severity: 'error',
        file: configPath,
        line: 1,
        column: 1,
        message: 'book.yaml must be a mapping of keys to values',
        hint: 'Start with `title: "My Book"`.',
        ruleId: 'config/shape',
      },
    ]);
  }
  return validateConfig(raw, configPath, options, {
    key: (path) => keyPosition(doc, path, lineCounter),
    value: (path) => valuePosition(doc, path, lineCounter),
  });
}

/** Where a key or value is in the config file; a config written in JavaScript has no positions. */
interface ConfigPositions {
  key(path: readonly PropertyKey[]): { line?: number; column?: number };
  value(path: readonly PropertyKey[]): { line?: number; column?: number };
}

const noPositions: ConfigPositions = { key: () => ({}), value: () => ({}) };

/**
 * Validates a config object against the schema (book.yaml after parsing, or what an `evergreen.config.js`
 * exports): every problem is a diagnostic naming the file, the key path and, for YAML, the position.
 */
export function validateConfig(raw: unknown, configPath: string, options: ConfigOptions = {}, positions: ConfigPositions = noPositions): BookConfig {
  const name = configPath.split(/[\\/]/).pop() ?? configPath;
  const result = bookConfigSchema.safeParse(raw);
  if (!result.success) {
    throw new EvergreenError(
      `${name} is invalid`,
      result.error.issues.flatMap((issue) => issueToDiagnostics(issue, positions, configPath)),
    );
  }
  const formatProblems = unknownFormats(result.data.formats, options.knownFormats, positions, configPath);
  if (formatProblems.length) throw new EvergreenError(`${name} is invalid`, formatProblems);
  return { ...result.data, slug: result.data.slug ?? slugify(result.data.title) };
}

function unknownFormats(formats: readonly string[], known: readonly string[] | undefined, positions: ConfigPositions, file: string): Diagnostic[] {
  if (!known) return [];
  return formats.flatMap((format, index) => {
    if (known.includes(format)) return [];
    const suggestion = closest(format, known);
    return [
      {
        severity: 'error' as const,
        file,
        ...positions.value(['formats', index]),
        message: `Unknown format "${format}"${suggestion ? `. Did you mean "${suggestion}"?` : ''}`,
        hint: `Formats this project can build: ${known.join(', ')}. A new format is registered in evergreen.config.js (see the configuration chapter).`,
        ruleId: 'config/unknown-format',
      },
    ];
  });
}

type Issue = z.core.$ZodIssue;

function issueToDiagnostics(issue: Issue, positions: ConfigPositions, file: string): Diagnostic[] {
  const keyPath = issue.path.map(String);
  const shown = keyPath.length > 0 ? keyPath.join('.') : '(top level)';
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const siblings = allowedKeysAt(issue.path);
      const suggestion = closest(key, siblings);
      const pos = positions.key([...issue.path, key]);
      return {
        severity: 'error' as const,
        file,
        ...pos,
        message: `Unknown key "${[...keyPath, key].join('.')}"${suggestion ? `. Did you mean "${suggestion}"?` : ''}`,
        hint: `Allowed keys here: ${siblings.join(', ')}.`,
        ruleId: 'config/unknown-key',
      };
    });
  }
  if (issue.code === 'invalid_union') {
    const branch = closestBranch(issue);
    if (branch) return branch.flatMap((inner) => issueToDiagnostics({ ...inner, path: [...issue.path, ...inner.path] } as Issue, positions, file));
  }
  const pos = positions.value(issue.path);
  let message = issue.message;
  if (issue.code === 'invalid_type' && issue.input === undefined) message = 'is required';
  else if (issue.code === 'invalid_value') message = `must be one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  else if (issue.code === 'invalid_union') message = unionMessage(issue);
  return [
    {
      severity: 'error',
      file,
      ...pos,
      message: `"${shown}" ${message.startsWith('must') || message.startsWith('is ') ? message : `is invalid: ${message}`}`,
      ruleId: 'config/invalid',
    },
  ];
}

/**
 * For a mapping that matches none of a union's shapes (a chapters entry), the problems of the shape it comes
 * closest to (fewest problems among the shapes that take a mapping), so the author reads "file is required"
 * and "did you mean file?" rather than every shape's complaint at once.
 */
function closestBranch(issue: Extract<Issue, { code: 'invalid_union' }>): Issue[] | undefined {
  const takesObject = issue.errors.filter((branch) => !branch.some((e) => e.path.length === 0 && e.code === 'invalid_type'));
  return takesObject.sort((a, b) => a.length - b.length)[0];
}

function unionMessage(issue: Extract<Issue, { code: 'invalid_union' }>): string {
  const inner = issue.errors.flat().map((e) => e.message);
  return inner.length > 0 ? `is invalid: ${[...new Set(inner)].join('; or ')}` : issue.message;
}

/** The keys the schema allows at a path, for did-you-mean suggestions. */
function allowedKeysAt(path: readonly PropertyKey[]): string[] {
  let schema: unknown = bookConfigSchema;
  for (const segment of path) {
    schema = unwrap(schema);
    const def = (schema as { def?: { shape?: Record<string, unknown>; element?: unknown; options?: unknown[] } }).def;
    if (typeof segment === 'number' && def?.element) schema = def.element;
    else if (def?.shape && typeof segment === 'string') schema = def.shape[segment];
    else return [];
  }
  schema = unwrap(schema);
  const def = (schema as { def?: { shape?: Record<string, unknown>; options?: unknown[] } }).def;
  if (def?.shape) return Object.keys(def.shape);
  // A chapters entry is a union of a path, a chapter with its title and a part: offer every shape's keys.
  const keys = new Set<string>();
  for (const option of def?.options ?? []) {
    const shape = (unwrap(option) as { def?: { shape?: Record<string, unknown> } }).def?.shape;
    for (const key of Object.keys(shape ?? {})) keys.add(key);
  }
  return [...keys];
}

function unwrap(schema: unknown): unknown {
  let current = schema as { def?: { type?: string; innerType?: unknown; in?: unknown } };
  while (current?.def && (current.def.innerType || current.def.type === 'pipe')) {
    current = (current.def.innerType ?? current.def.in) as typeof current;
  }
  return current;
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = leven(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function keyPosition(doc: Document, path: readonly PropertyKey[], lines: LineCounter): { line?: number; column?: number } {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1) as unknown[], true) : doc.contents;
  if (isMap(parent)) {
    const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === String(path[path.length - 1]));
    const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
    if (range) return toPos(range[0], lines);
  }
  return valuePosition(doc, path.slice(0, -1), lines);
}

function valuePosition(doc: Document, path: readonly PropertyKey[], lines: LineCounter): { line?: number; column?: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true);
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (range) {
      // For a missing key, point at the mapping that should contain it.
      return toPos(range[0], lines);
    }
  }
  return { line: 1, column: 1 };
}

function toPos(offset: number, lines: LineCounter): { line: number; column: number } {
  const p = lines.linePos(offset);
  return { line: p.line, column: p.col };
}
