import { checkProject } from '../driver/checkProject.js';
import type { Project } from '../driver/project.js';
import type { CheckOptions as StageCheckOptions, CheckResult } from '../samples/types.js';

export type CheckOptions = Omit<StageCheckOptions, 'book'>;

/** `evergreen check`: type-checks and runs the project's samples; every failure is a diagnostic at its chapter's file:line. */
export function check(project: Project, options: CheckOptions = {}): Promise<CheckResult> {
  return checkProject(project, options);
}

export { formatCheckResult, formatTimings, reporterNames, type ReporterName } from '../samples/reporters.js';
export { mergeCheckReports } from '../samples/mergeReports.js';
export { parseShard, writeTimings, timingsFileName, type Shard } from '../samples/shard.js';
