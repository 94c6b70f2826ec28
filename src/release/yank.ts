import path from 'node:path';
import { buildDate } from '../driver/build.js';
import type { Project } from '../driver/project.js';
import { openBookHistory, type YankRecord, yankRelease } from './history/index.js';
import { finishInterruptedRelease } from './finishInterrupted.js';
import { refreshSite, type SiteResult } from './site/index.js';

/** `evergreen yank`: marks a published version as withdrawn (it stays listed, with the reason), then regenerates the reader site. */
export async function yank(
  project: Project,
  version: string,
  reason: string,
  options: { date?: string; notice?: (message: string) => void } = {},
): Promise<{ record: YankRecord; site: SiteResult }> {
  const finished = await finishInterruptedRelease(project);
  if (finished) options.notice?.(finished);
  const history = await openBookHistory(project.book, { cleanup: true });
  const record = await yankRelease(history, version, reason, options.date ?? buildDate());
  const site = await refreshSite({ book: project.book, formats: project.formats, outDir: path.join(project.root, 'dist'), cacheDir: project.cacheDir });
  return { record, site };
}
