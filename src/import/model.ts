import type { Diagnostic } from '../diagnostics/diagnostic.js';

/** The tools `evergreen init --from` reads. */
export const importSources = ['mdbook', 'gitbook', 'leanpub', 'quarto'] as const;
export type ImportSource = (typeof importSources)[number];

/** A place in the other tool's files (absolute path; line and column from 1). */
export interface SourcePlace {
  file: string;
  line?: number;
  column?: number;
}

/** One chapter of the imported outline, in reading order. */
export interface ImportedChapter {
  /** Path relative to the manuscript folder, with forward slashes. */
  file: string;
  /** The title the outline gives (undefined: the chapter's own front matter or heading decides). */
  title?: string;
  part?: string;
  /** False for a chapter the tool shows without a number (mdBook's prefix and suffix chapters). */
  numbered?: boolean;
  /** Where the outline lists it, for errors about the file. */
  listedAt: SourcePlace;
}

/** Something of the other tool's that Evergreen does not take over, with where it is. */
export interface ImportNote extends SourcePlace {
  message: string;
}

/** What an importer read: the book.yaml to write, what it took over and what it could not. */
export interface ImportedBook {
  source: ImportSource;
  title: string;
  subtitle?: string;
  authors: string[];
  language?: string;
  description?: string;
  /** The Markdown dialect book.yaml names (`dialect:`), so Evergreen reads the chapters as the tool does. */
  dialect?: 'mdbook';
  /** The chapters folder, relative to the project ('.' for the project folder itself). */
  manuscript: string;
  chapters: ImportedChapter[];
  /** What was taken over, one line each ("title, authors from book.toml"). */
  mapped: string[];
  /** What was not, each where it is. */
  unmapped: ImportNote[];
}

/** Every importer: reads the book in `root` (absolute), or throws an EvergreenError with positioned diagnostics. */
export type Importer = (root: string, options: { title?: string }) => Promise<ImportedBook>;

export function importError(place: SourcePlace, message: string, hint: string, ruleId: string): Diagnostic {
  return { severity: 'error', ...place, message, hint, ruleId: `import/${ruleId}` };
}
