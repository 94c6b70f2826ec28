import leven from 'leven';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { CrossRefKind } from '../parse/crossRefSyntax.js';
import type { Book, Chapter } from './model.js';

/** What a cross-reference points to, numbered per chapter ("Figure 3.2": chapter 3, second figure). */
export interface CrossRefTarget {
  kind: CrossRefKind;
  /** The id as the author wrote it: the element's id in the output. */
  id: string;
  chapter: Chapter;
  /** "3.2"; for a section, empty. */
  number: string;
  /** What a reference shows: "Figure 3.2", or a section's heading text. */
  text: string;
}

export const kindNames: Record<CrossRefKind, string> = { fig: 'Figure', tbl: 'Table', lst: 'Listing', eq: 'Equation', sec: 'Section' };

const tables = new WeakMap<readonly Chapter[], Map<string, CrossRefTarget>>();

/** Every label in the book by key (`fig:cat` for both `fig:cat` and `fig-cat`). The first of duplicates wins. */
export function crossRefTable(book: Pick<Book, 'chapters'>): Map<string, CrossRefTarget> {
  let table = tables.get(book.chapters);
  if (table) return table;
  table = new Map();
  for (const chapter of book.chapters) {
    const counters = new Map<string, number>();
    for (const label of chapter.analysis.features?.labels ?? []) {
      const n = (counters.get(label.kind) ?? 0) + 1;
      counters.set(label.kind, n);
      // An unnumbered chapter's figures are numbered within it alone ("Figure 2"), as pandoc-crossref does.
      const number = chapter.number === undefined ? `${n}` : `${chapter.number}.${n}`;
      if (!table.has(label.key)) table.set(label.key, { kind: label.kind, id: label.id, chapter, number, text: `${kindNames[label.kind]} ${number}` });
    }
    for (const heading of chapter.analysis.headings) {
      const match = /^sec[:-](.+)$/.exec(heading.id);
      if (!match || !heading.explicitId || table.has(`sec:${match[1]}`)) continue;
      const isTitle = heading.id === chapter.analysis.titleHeadingId;
      table.set(`sec:${match[1]}`, {
        kind: 'sec',
        id: heading.id,
        chapter,
        number: '',
        text: isTitle ? (chapter.number === undefined ? chapter.title : `Chapter ${chapter.number}`) : heading.text,
      });
    }
  }
  tables.set(book.chapters, table);
  return table;
}

/** Duplicate labels and references to labels that do not exist, each at the place it is written. */
export function checkCrossRefs(book: Pick<Book, 'chapters'>): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const table = crossRefTable(book);
  const firstSeen = new Map<string, { chapter: Chapter; line: number }>();
  for (const chapter of book.chapters) {
    for (const label of chapter.analysis.features?.labels ?? []) {
      const first = firstSeen.get(label.key);
      if (!first) {
        firstSeen.set(label.key, { chapter, line: label.line });
        continue;
      }
      problems.push({
        severity: 'error',
        file: chapter.path,
        line: label.line,
        column: label.column,
        message: `Duplicate label "${label.id}": it is already used on line ${first.line} of ${first.chapter.relPath}`,
        hint: 'Give each figure, table, listing and equation its own id; references must say which one they mean.',
        ruleId: 'crossref/duplicate-id',
      });
    }
  }
  for (const chapter of book.chapters) {
    for (const use of chapter.analysis.features?.uses ?? []) {
      if (table.has(use.key)) continue;
      problems.push({
        severity: 'error',
        file: chapter.path,
        line: use.line,
        column: use.column,
        message: `Unknown cross-reference ${use.written}: no ${kindNames[use.kind].toLowerCase()} has the id "${use.key}"`,
        hint: suggestion(use.key, use.kind, table),
        ruleId: 'crossref/unknown-id',
      });
    }
  }
  return problems;
}

function suggestion(key: string, kind: CrossRefKind, table: Map<string, CrossRefTarget>): string {
  const name = key.slice(key.indexOf(':') + 1);
  const candidates = [...table.entries()].map(([k, target]) => ({ key: k, target, distance: leven(name, k.slice(k.indexOf(':') + 1)) }));
  const sameName = candidates.find((c) => c.distance === 0);
  if (sameName) return `Did you mean @${sameName.target.id}? "${name}" is a ${kindNames[sameName.target.kind].toLowerCase()}, not a ${kindNames[kind].toLowerCase()}.`;
  const close = candidates.filter((c) => c.target.kind === kind && c.distance <= Math.max(2, Math.floor(name.length / 3))).sort((a, b) => a.distance - b.distance)[0];
  if (close) return `Did you mean @${close.target.id}?`;
  const known = candidates.filter((c) => c.target.kind === kind).map((c) => `@${c.target.id}`);
  return known.length
    ? `Known ${kindNames[kind].toLowerCase()} ids: ${known.slice(0, 8).join(', ')}.`
    : kind === 'sec'
      ? 'Give the heading an id such as `## Title {#sec:title}`.'
      : `Label the ${kindNames[kind].toLowerCase()} with {#${kind}:${name}}.`;
}
