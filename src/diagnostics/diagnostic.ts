import path from 'node:path';
import type { VFile } from 'vfile';

/** How serious an author-facing problem is. Errors fail the command (exit 1); warnings are printed. */
export type Severity = 'error' | 'warning' | 'info';

/** A problem in the author's book, positioned in one of their files (1-based line and column). */
export interface Diagnostic {
  severity: Severity;
  /** Absolute path of the file the problem is in. */
  file: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  message: string;
  /** What the author can do about it; printed after the message. */
  hint?: string;
  /** Stable machine-readable identifier, e.g. `link/missing-chapter`. */
  ruleId?: string;
  /** Extra lines printed below the message (e.g. a diff for sample output mismatches). */
  details?: string;
}

export interface Position {
  line: number;
  column: number;
}

/**
 * Collects diagnostics from every stage so one run reports all problems at once
 * instead of stopping at the first.
 */
export class DiagnosticBag {
  readonly items: Diagnostic[] = [];

  add(diagnostic: Diagnostic): void {
    this.items.push(diagnostic);
  }

  error(file: string, message: string, at?: Partial<Position> & { hint?: string; ruleId?: string }): void {
    this.add({ severity: 'error', file, message, line: at?.line, column: at?.column, hint: at?.hint, ruleId: at?.ruleId });
  }

  warn(file: string, message: string, at?: Partial<Position> & { hint?: string; ruleId?: string }): void {
    this.add({ severity: 'warning', file, message, line: at?.line, column: at?.column, hint: at?.hint, ruleId: at?.ruleId });
  }

  addAll(items: Iterable<Diagnostic>): void {
    for (const item of items) this.items.push(item);
  }

  /** Adopts the positioned messages unified plugins attached to a vfile. */
  addFromVFile(file: VFile): void {
    this.addAll(fromVFile(file));
  }

  get errorCount(): number {
    return this.items.filter((d) => d.severity === 'error').length;
  }

  get warningCount(): number {
    return this.items.filter((d) => d.severity === 'warning').length;
  }

  hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }

  sorted(): Diagnostic[] {
    return sortDiagnostics(this.items);
  }
}

export function sortDiagnostics(items: readonly Diagnostic[]): Diagnostic[] {
  return [...items].sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || a.message.localeCompare(b.message));
}

/** Converts vfile messages (`file.message(reason, node)`) into diagnostics. */
export function fromVFile(file: VFile): Diagnostic[] {
  return file.messages.map((message) => {
    const data = (message as { data?: { hint?: string; details?: string } }).data;
    return {
      severity: message.fatal === true ? 'error' : message.fatal === false ? 'warning' : 'info',
      file: file.path,
      line: message.place && 'start' in message.place ? message.place.start.line : (message.line ?? undefined),
      column: message.place && 'start' in message.place ? message.place.start.column : (message.column ?? undefined),
      message: message.reason,
      hint: data?.hint,
      details: data?.details,
      ruleId: message.source && message.ruleId ? `${message.source}/${message.ruleId}` : (message.ruleId ?? undefined),
    } satisfies Diagnostic;
  });
}

/** `file:line:col` relative to `cwd`, the form editors and CI annotations understand. */
export function formatLocation(d: Pick<Diagnostic, 'file' | 'line' | 'column'>, cwd = process.cwd()): string {
  const rel = path.relative(cwd, d.file) || d.file;
  const shown = rel.startsWith('..') && path.isAbsolute(d.file) ? d.file : rel;
  if (d.line === undefined) return shown;
  return `${shown}:${d.line}:${d.column ?? 1}`;
}

/**
 * Thrown for problems that stop a command before it can collect more (e.g. book.yaml is unreadable).
 * Carries diagnostics so the CLI prints them like any other.
 */
export class EvergreenError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(message: string, diagnostics: Diagnostic[] = []) {
    super(message);
    this.name = 'EvergreenError';
    this.diagnostics = diagnostics;
  }
}

/** Converts a character offset to a 1-based line/column. */
export function offsetToPosition(text: string, offset: number): Position {
  let line = 1;
  let lastBreak = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lastBreak = i;
    }
  }
  return { line, column: offset - lastBreak };
}
