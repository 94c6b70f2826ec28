import path from 'node:path';
import type { Book } from '../book/model.js';
import { type Diagnostic, DiagnosticBag } from '../diagnostics/diagnostic.js';
import { bookDiagrams } from '../render/shared/diagrams.js';
import type { CheckOptions, CheckResult } from '../samples/types.js';
import type { Project } from './project.js';

/**
 * `evergreen check` on a project's book model (the sample stage is loaded only when samples are checked).
 * Mermaid diagrams are checked too: a syntax error fails the check as it fails the build, at its line.
 */
export async function checkProject(project: Project, options: Omit<CheckOptions, 'book'>): Promise<CheckResult> {
  const { check } = await import('../samples/index.js');
  // Drawing diagrams is mostly Chromium's work: it overlaps the samples' type-check and runs.
  const [result, problems] = await Promise.all([
    check({ noCache: project.noCache, ...options, book: project.book }),
    diagramProblems(project.book, project.cacheDir, options.files),
  ]);
  if (problems.length > 0) result.diagnostics.push(...problems);
  return result;
}

/**
 * The diagram problems of the chapters checked. Diagrams are drawn as the build draws them (and cached in
 * the same place, so the next build draws none); a diagram that cannot be drawn here is said to be unchecked.
 */
async function diagramProblems(book: Book, cacheDir: string | undefined, files: string[] | undefined): Promise<Diagnostic[]> {
  if (!book.chapters.some((c) => (c.analysis.features?.diagrams.length ?? 0) > 0)) return [];
  const bag = new DiagnosticBag();
  const { problems } = await bookDiagrams(book, bag, cacheDir);
  const selected = files?.length ? chosenChapters(book, files) : undefined;
  return problems
    .filter((d) => !selected || selected.has(d.file))
    .map((d) =>
      d.ruleId === 'diagram/no-browser'
        ? {
            ...d,
            message: 'This Mermaid diagram was not checked: no Chromium or Chrome was found to draw it',
            hint: 'Install Chromium (or set PUPPETEER_EXECUTABLE_PATH) to check diagrams.',
          }
        : d,
    );
}

/** Paths of the chapters `--files` names (as the sample check selects them; it reports names that are not chapters). */
function chosenChapters(book: Book, files: string[]): Set<string> {
  const chosen = new Set<string>();
  for (const file of files) {
    const rel = file.replace(/\\/g, '/').replace(/^(\.\/)?manuscript\//, '');
    for (const c of book.chapters) if (c.path === path.resolve(file) || c.relPath === rel || c.path === path.resolve(book.root, file)) chosen.add(c.path);
  }
  return chosen;
}
