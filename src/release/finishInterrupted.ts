import path from 'node:path';
import type { Project } from '../driver/project.js';
import { ReleaseRefused } from './errors.js';
import { clearReleasePending, findUnfinishedRelease, unfinishedMessage } from './pending.js';
import { refreshSite } from './site/index.js';

/**
 * A release a killed process left behind is finished (or declared unpublished) before a command that reads
 * the history goes on (release, diff, yank; build finishes it with its own site step). Returns what the
 * author is told, or undefined when nothing was left unfinished.
 */
export async function finishInterruptedRelease(project: Project, progress?: (message: string) => void): Promise<string | undefined> {
  const unfinished = await findUnfinishedRelease(project.root);
  if (!unfinished) return undefined;
  if (unfinished.published) {
    progress?.(`finishing the interrupted release of ${unfinished.version}`);
    const site = await refreshSite({ book: project.book, formats: project.formats, outDir: path.join(project.root, 'dist'), cacheDir: project.cacheDir });
    if (!site.ok)
      throw new ReleaseRefused(
        `The interrupted release of ${unfinished.version} could not be finished`,
        site.diagnostics.filter((d) => d.severity === 'error'),
      );
  }
  await clearReleasePending(project.root);
  return unfinishedMessage(unfinished);
}
