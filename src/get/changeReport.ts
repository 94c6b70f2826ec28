import { changedParts, wordsPart } from '../release/changeSentence.js';
import { sha256Bytes } from '../util/hash.js';
import semver from 'semver';
import { z } from 'zod';
import type { Manifest, ManifestVersion } from './manifest.js';
import type { SiteSource } from './siteSource.js';

/**
 * What a reader is told after an update: the change summary the site publishes for the pair
 * (reader's version → new version, `evergreen-changes/1`), the release notes of every version in
 * between, and the link to the site's "what changed since X" page.
 */
/** What chapters and sections both report: how they changed and what they were called. */
const changedItem = {
  status: z.string(),
  id: z.string(),
  title: z.string(),
  oldTitle: z.string().optional(),
  renamed: z.boolean().optional(),
  moved: z.boolean().optional(),
};

const sectionSchema = z.object({
  ...changedItem,
  wordsAdded: z.number().default(0),
  wordsRemoved: z.number().default(0),
  samplesChanged: z.number().default(0),
});

const changesSchema = z.object({
  format: z.string().regex(/^evergreen-changes\/1(\.\d+)?$/),
  from: z.string(),
  to: z.string(),
  bump: z.string().optional(),
  summary: z.record(z.string(), z.number()),
  chapters: z.array(
    z.object({
      ...changedItem,
      sections: z.array(sectionSchema).default([]),
    }),
  ),
});

export type ChangeSummary = z.infer<typeof changesSchema>;

export interface ChangeReport {
  from: string;
  to: string;
  summary?: ChangeSummary;
  /** Why the summary is missing, when it is. */
  summaryProblem?: string;
  /** Release notes of the versions after `from`, up to and including `to`, oldest first. */
  notes: { version: string; date: string; notes: string; yanked?: string }[];
  /** The "what changed since X" page, when the site has one. */
  page?: string;
}

export async function changeReport(source: SiteSource, manifest: Manifest, from: string, to: ManifestVersion): Promise<ChangeReport> {
  const notes = manifest.versions
    .filter((v) => semver.gt(v.version, from) && semver.lte(v.version, to.version))
    .sort((a, b) => semver.compare(a.version, b.version))
    .map((v) => ({ version: v.version, date: v.date, notes: v.notes, ...(v.yanked ? { yanked: v.yanked.reason } : {}) }));
  const entry = to.changesSince[from];
  const report: ChangeReport = { from, to: to.version, notes, ...(entry?.page ? { page: source.link(entry.page) } : {}) };
  if (!entry) return { ...report, summaryProblem: `the site has no change summary from ${from} to ${to.version}` };
  try {
    const bytes = await source.readBytes(entry.summary, 16 * 1024 * 1024);
    if (bytes === undefined) return { ...report, summaryProblem: `${entry.summary} is missing from the site` };
    // The manifest (signed) lists the summary's sha256: a summary that does not match is not shown.
    // Sites built before that was added have none; their summary is shown as information only.
    if (entry.sha256 && sha256Bytes(bytes) !== entry.sha256) {
      return { ...report, summaryProblem: `${entry.summary} does not match its sha256 in the manifest; not shown` };
    }
    const parsed = changesSchema.safeParse(JSON.parse(bytes.toString('utf8')));
    if (!parsed.success) return { ...report, summaryProblem: `${entry.summary} is not a change summary` };
    return { ...report, summary: parsed.data };
  } catch (error) {
    return { ...report, summaryProblem: `${entry.summary} could not be read: ${(error as Error).message}` };
  }
}

export interface Paint {
  green: (s: string) => string;
  red: (s: string) => string;
  yellow: (s: string) => string;
  bold: (s: string) => string;
  dim: (s: string) => string;
}

const plain: Paint = { green: (s) => s, red: (s) => s, yellow: (s) => s, bold: (s) => s, dim: (s) => s };

/** The terminal text: changed chapters with their changed sections, the totals, the notes and the link. */
export function formatChangeReport(report: ChangeReport, paint: Paint = plain): string {
  const lines = [paint.bold(`What changed from ${report.from} to ${report.to}`)];
  const s = report.summary;
  if (!s) lines.push(paint.dim(`  (no change summary: ${report.summaryProblem})`));
  else {
    if (s.chapters.length === 0) lines.push('  No changes to the text.');
    for (const c of s.chapters) {
      if (c.status === 'added') lines.push(paint.green(`  + ${c.title}  (new chapter)`));
      else if (c.status === 'removed') lines.push(paint.red(`  - ${c.title}  (removed)`));
      else {
        const notes = [c.renamed && c.oldTitle && `renamed from “${c.oldTitle}”`, c.moved && 'moved'].filter(Boolean);
        lines.push(paint.yellow(`  ~ ${c.title}${notes.length ? `  (${notes.join(', ')})` : ''}`));
        for (const sec of c.sections) lines.push(`      ${sectionLine(sec, paint)}`);
      }
    }
    lines.push(`  ${totals(s.summary)}`);
  }
  if (report.notes.length) {
    lines.push('', paint.bold('Release notes'));
    for (const n of report.notes) {
      lines.push(`  ${paint.bold(n.version)} (${n.date})${n.yanked ? paint.red(` withdrawn: ${n.yanked}`) : ''}`);
      const body = n.notes.trim() ? n.notes.trim().split('\n') : ['No release notes.'];
      for (const line of body) lines.push(line ? `    ${line}` : '');
    }
  }
  if (report.page) lines.push('', `In full: ${report.page}`);
  return `${lines.join('\n')}\n`;
}

function sectionLine(s: ChangeSummary['chapters'][number]['sections'][number], paint: Paint): string {
  const title = s.title || 'Opening text';
  if (s.status === 'added') return paint.green(`+ ${title}  (new section)`);
  if (s.status === 'removed') return paint.red(`- ${title}  (removed)`);
  const notes = [
    s.renamed && s.oldTitle && `renamed from “${s.oldTitle}”`,
    s.moved && 'moved',
    (s.wordsAdded || s.wordsRemoved) && `+${s.wordsAdded}/-${s.wordsRemoved} words`,
    s.samplesChanged && paint.bold(`code changed (${s.samplesChanged})`),
  ].filter(Boolean);
  return `~ ${title}${notes.length ? `  (${notes.join(', ')})` : ''}`;
}

function totals(summary: Record<string, number>): string {
  return `${changedParts(summary) || 'nothing changed'}; ${wordsPart(summary)}`;
}
