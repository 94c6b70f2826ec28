import type { CheckOptions, CheckResult } from '../samples/types.js';
import type { Project } from './project.js';

/** `evergreen check` on a project's book model (the sample stage is loaded only when samples are checked). */
export async function checkProject(project: Project, options: Omit<CheckOptions, 'book'>): Promise<CheckResult> {
  const { check } = await import('../samples/index.js');
  return check({ noCache: project.noCache, ...options, book: project.book });
}
