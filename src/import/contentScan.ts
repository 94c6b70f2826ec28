import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ImportedChapter, ImportNote, ImportSource } from './model.js';

/** A construct of the other tool's Markdown that Evergreen does not read as that tool does. */
interface Construct {
  pattern: RegExp;
  /** Also (or only) inside fenced code: mdBook's includes and Quarto's cells are written there. */
  where: 'text' | 'code' | 'anywhere';
  what: (match: RegExpExecArray) => string;
  advice: string;
  /** Read by Evergreen as the tool means it (as an alert): reported as mapped, with how often it occurs. */
  mapped?: boolean;
}

const constructs: Record<ImportSource, Construct[]> = {
  mdbook: [
    {
      pattern: /(?<!\\)\{\{\s*#include\s+[^}]+\}\}/,
      where: 'anywhere',
      what: () => '{{#include}}',
      advice: 'expanded as mdBook expands it (dialect: mdbook), line ranges and ANCHOR markers too',
      mapped: true,
    },
    {
      pattern: /(?<!\\)\{\{\s*#(playground|playpen)\s+[^}]+\}\}/,
      where: 'anywhere',
      what: (m) => `{{#${m[1]}}}`,
      advice: 'the file shown as a ```rust block, as mdBook does (dialect: mdbook); there is no Run button',
      mapped: true,
    },
    {
      pattern: /(?<!\\)\{\{\s*#rustdoc_include\s+[^}]+\}\}/,
      where: 'anywhere',
      what: () => '{{#rustdoc_include}}',
      advice: "read as {{#include}}: the selected lines are shown and the rest of the file is left out (rustdoc's hidden `# ` lines are not made; Evergreen does not run Rust)",
    },
    {
      pattern: /(?<!\\)\{\{\s*#title\s+[^}]+\}\}/,
      where: 'anywhere',
      what: () => '{{#title}}',
      advice: "removed, as mdBook removes it, but the page's <title> stays the chapter's title (give another with title: in book.yaml)",
    },
    {
      pattern: /(?<!\\)\{\{\s*#(?!(?:include|rustdoc_include|playground|playpen|title)\s)(\w+)\s+[^}]+\}\}/,
      where: 'anywhere',
      what: (m) => `{{#${m[1]}}}`,
      advice: 'a helper of an mdBook preprocessor Evergreen does not have: it shows as written',
    },
  ],
  gitbook: [
    {
      pattern: /\{%\s*(hint|tabs|tab|code|embed|include|content-ref|swagger|file)\b/,
      where: 'text',
      what: (m) => `{% ${m[1]} %}`,
      advice: 'GitBook blocks show as text; write hints as `> [!NOTE]` alerts',
    },
    { pattern: /\{\{\s*(book|page|config)\.[\w.]+\s*\}\}/, where: 'text', what: (m) => `{{ ${m[1]}.… }} variables`, advice: 'GitBook variables show as text' },
  ],
  leanpub: [
    {
      pattern: /^([ABDEIQTWX])> /,
      where: 'text',
      what: (m) => `Markua aside ${m[1]}>`,
      advice: 'shown as an alert (W> warning, T> tip, E> caution, the others note)',
      mapped: true,
    },
    {
      pattern: /^\{\s*(?:#[A-Za-z][\w:.-]*|id\s*[:=][^}]*)\}\s*$/,
      where: 'text',
      what: () => 'Markua {id: …}',
      advice: 'the id of the heading that follows (anywhere else: a warning, and it shows as text)',
      mapped: true,
    },
    { pattern: /^\{pagebreak\}\s*$/, where: 'text', what: () => 'Markua {pagebreak}', advice: 'a new page in the PDF and the EPUB; nothing on screen', mapped: true },
    {
      pattern: /^\{(class|title|caption|width|format)\s*[:=][^}]*\}\s*$/,
      where: 'text',
      what: (m) => `Markua attribute list {${m[1]}: …}`,
      advice: 'shows as text; Evergreen takes ids only (for classes on a heading write `## Heading {.name}`)',
    },
    {
      pattern: /^\{(frontmatter|mainmatter|backmatter|sample[^}]*|blurb[^}]*)\}\s*$/,
      where: 'text',
      what: (m) => `Markua directive {${m[1].split(/[:\s]/)[0]}}`,
      advice: 'Evergreen has no such directive; it shows as text',
    },
  ],
  quarto: [
    {
      pattern: /^:{3,}\s*\{\s*\.callout-(note|tip|warning|caution|important)\b/,
      where: 'text',
      what: (m) => `callout-${m[1]} divs`,
      advice: `shown as alerts of the same kind`,
      mapped: true,
    },
    { pattern: /^:{3,}\s*\{(?!\s*\.callout)/, where: 'text', what: () => 'fenced divs (::: {…})', advice: 'their ::: lines show as text' },
    {
      pattern: /^\s*(`{3,}|~{3,})\s*\{(python|r|julia|ojs|bash|sql|mermaid|dot)\b/,
      where: 'anywhere',
      what: (m) => `{${m[2]}} code cells`,
      advice: 'shown as code, not run: Evergreen runs TypeScript samples only',
    },
    {
      pattern: /^#{1,6}\s.*\{[^}]*(?<![#\w])\.[\w-]+[^}]*\}\s*$/,
      where: 'text',
      what: () => 'heading attributes such as {.unnumbered}',
      advice: "read as pandoc reads them: {#id} sets the anchor, .unnumbered on a chapter's title leaves the chapter unnumbered, .unlisted keeps a section out of the contents",
      mapped: true,
    },
    { pattern: /\{\{<\s*([\w-]+)/, where: 'anywhere', what: (m) => `{{< ${m[1]} >}} shortcodes`, advice: 'shortcodes show as text' },
    { pattern: /(^|[\s(])@(fig|tbl|sec|eq|lst)-[\w-]+/, where: 'text', what: (m) => `@${m[2]}- cross-references`, advice: 'they show as text; link to a heading id instead' },
  ],
};

/**
 * Finds, in the imported chapters, what Evergreen does not read as the other tool does, and reports each
 * kind once: where it first occurs and how many times it occurs, so the author knows what to look at.
 */
export async function scanChapters(manuscriptDir: string, chapters: ImportedChapter[], source: ImportSource): Promise<{ mapped: string[]; unmapped: ImportNote[] }> {
  const found = new Map<string, { note: ImportNote; count: number; advice: string; mapped: boolean }>();
  for (const chapter of chapters) {
    const file = path.join(manuscriptDir, chapter.file);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue; // A missing chapter is reported by the import itself.
    }
    let fence: string | undefined;
    text.split(/\r?\n/).forEach((line, i) => {
      const opening = /^\s*(`{3,}|~{3,})/.exec(line);
      const isFenceLine = opening !== null;
      const inCode = fence !== undefined && !isFenceLine;
      for (const construct of constructs[source]) {
        if (construct.where === 'text' && (inCode || isFenceLine)) continue;
        if (construct.where === 'code' && !inCode) continue;
        const match = construct.pattern.exec(line);
        if (!match) continue;
        const what = construct.what(match);
        const seen = found.get(what);
        if (seen) seen.count++;
        else found.set(what, { note: { file, line: i + 1, column: match.index + 1, message: '' }, count: 1, advice: construct.advice, mapped: construct.mapped === true });
      }
      if (opening) {
        if (fence === undefined) fence = opening[1];
        else if (opening[1][0] === fence[0] && opening[1].length >= fence.length && line.trim() === opening[1]) fence = undefined;
      }
    });
  }
  const all = [...found.entries()];
  return {
    mapped: all.filter(([, f]) => f.mapped).map(([what, { count, advice }]) => `${what}: ${count} place${count === 1 ? '' : 's'}, ${advice}`),
    unmapped: all
      .filter(([, f]) => !f.mapped)
      .map(([what, { note, count, advice }]) => ({ ...note, message: `${what}: ${count} place${count === 1 ? '' : 's'} (the first here); ${advice}` })),
  };
}
