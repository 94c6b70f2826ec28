import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Book, Chapter } from './model.js';

/** One entry of the book's index, with its sub-entries ("Types" › "generic"). */
export interface IndexEntry {
  term: string;
  occurrences: { chapter: Chapter; anchor: string; section?: { id: string; text: string } }[];
  see: string[];
  seeAlso: string[];
  subentries: IndexEntry[];
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

const built = new WeakMap<readonly Chapter[], IndexEntry[]>();

/** The index from every chapter's marks, sorted as readers look things up (case and accents ignored). */
export function buildIndex(book: Pick<Book, 'chapters'>): IndexEntry[] {
  const cached = built.get(book.chapters);
  if (cached) return cached;
  const top: IndexEntry[] = [];
  for (const chapter of book.chapters) {
    for (const mark of chapter.analysis.features?.index ?? []) {
      if (mark.entry.length === 0) continue;
      let level = top;
      let entry: IndexEntry | undefined;
      for (const term of mark.entry) {
        entry = level.find((e) => collator.compare(e.term, term) === 0);
        if (!entry) {
          entry = { term, occurrences: [], see: [], seeAlso: [], subentries: [] };
          level.push(entry);
        }
        level = entry.subentries;
      }
      if (mark.see) addOnce(entry!.see, mark.see);
      if (mark.seeAlso) addOnce(entry!.seeAlso, mark.seeAlso);
      // A "see" mark only points elsewhere; it is not a place in the text.
      if (!mark.see) entry!.occurrences.push({ chapter, anchor: mark.anchor, section: mark.section });
    }
  }
  const sort = (entries: IndexEntry[]) => {
    entries.sort((a, b) => collator.compare(a.term, b.term));
    for (const e of entries) sort(e.subentries);
  };
  sort(top);
  built.set(book.chapters, top);
  return top;
}

function addOnce(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

/** The letter an entry is filed under: symbols and digits together under "Symbols". */
export function indexGroup(term: string): string {
  const first = term.normalize('NFD').charAt(0).toUpperCase();
  return /\p{L}/u.test(first) ? first : 'Symbols';
}

/** An index mark that names no term is a warning; a "see" to an entry the index does not have, too. */
export function checkIndex(book: Pick<Book, 'chapters'>): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const index = buildIndex(book);
  const known = (term: string) => {
    let level = index;
    for (const part of term.split('!').map((p) => p.trim())) {
      const found = level.find((e) => collator.compare(e.term, part) === 0);
      if (!found) return false;
      level = found.subentries;
    }
    return true;
  };
  for (const chapter of book.chapters) {
    for (const mark of chapter.analysis.features?.index ?? []) {
      const at = { file: chapter.path, line: mark.line, column: mark.column };
      if (mark.entry.length === 0) {
        problems.push({
          severity: 'warning',
          ...at,
          message: 'This index mark names no term: it marks nothing and is left out of the index',
          hint: 'Put the term inside the span (<span class="index">generics</span>) or name it with data-term="…".',
          ruleId: 'index/empty-term',
        });
      }
      for (const target of [mark.see, mark.seeAlso]) {
        if (target && !known(target)) {
          problems.push({
            severity: 'warning',
            ...at,
            message: `The index entry "${target}" this mark refers readers to does not exist`,
            hint: 'Mark the term somewhere in the book, or correct the spelling (sub-entries are written "Main!sub").',
            ruleId: 'index/unknown-see',
          });
        }
      }
    }
  }
  return problems;
}
