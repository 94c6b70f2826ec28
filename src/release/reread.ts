import { outputOnlyChanges, sectionOutputNote } from './outputCause.js';
import { rereadWords, wordsPerMinute } from './diffCounts.js';
import type { BookDiff, SectionDiff } from './diffModel.js';

/**
 * "What to re-read": the changed sections a reader of the old version should read again, largest reading
 * impact first. Impact is the words of new and rewritten blocks, plus a weight for each changed sample (the
 * reader typed it in and must run it again) and each changed output. Typo-level corrections are collapsed
 * into one line; sections only moved, renamed or re-levelled need no re-reading and are left to the list below.
 */
export interface RereadItem {
  chapterKey: string;
  chapterTitle: string;
  /** Page of the new version (`<slug>.html`) and the section's id ('' for the opening text). */
  slug: string;
  sectionId: string;
  sectionTitle: string;
  isNew: boolean;
  wordsAdded: number;
  wordsRemoved: number;
  samplesChanged: number;
  outputsChanged: number;
  /** Why the outputs changed ("output changed: TypeScript 6.0.2 prints …"), when the releases tell. */
  outputNote?: string;
  /** Words to read again (whole new or changed blocks), and the minutes they take at 230 words per minute. */
  rereadWords: number;
  minutes: number;
  impact: number;
}

export interface RereadPlan {
  items: RereadItem[];
  corrections: { chapterKey: string; chapterTitle: string; slug: string; sectionId: string; sectionTitle: string }[];
  /** Sections removed (nothing to re-read, but a reader should know). */
  removed: number;
}

/** A changed sample costs a reader about as much as a long paragraph: re-type, re-run, compare. */
const sampleWeight = 80;
const outputWeight = 40;

export function rereadPlan(diff: BookDiff): RereadPlan {
  const items: RereadItem[] = [];
  const corrections: RereadPlan['corrections'] = [];
  let removed = 0;
  let order = 0;
  const orderOf = new Map<RereadItem, number>();
  for (const c of diff.chapters) {
    if (c.status === 'removed') {
      removed += c.sections.length;
      continue;
    }
    for (const s of c.sections) {
      const where = { chapterKey: c.key, chapterTitle: c.title, slug: c.slug, sectionId: s.id, sectionTitle: s.title };
      if (s.status === 'removed') removed++;
      else if (s.correction) corrections.push(where);
      else if (s.contentChanged) {
        const item = itemOf(where, s);
        if (item.impact > 0) {
          items.push(item);
          orderOf.set(item, order++);
        }
      }
    }
  }
  items.sort((a, b) => b.impact - a.impact || orderOf.get(a)! - orderOf.get(b)!);
  return { items, corrections, removed };
}

function itemOf(
  where: Omit<RereadItem, 'isNew' | 'wordsAdded' | 'wordsRemoved' | 'samplesChanged' | 'outputsChanged' | 'outputNote' | 'rereadWords' | 'minutes' | 'impact'>,
  s: SectionDiff,
): RereadItem {
  const words = rereadWords(s.blocks);
  return {
    ...where,
    isNew: s.status === 'added',
    wordsAdded: s.wordsAdded,
    wordsRemoved: s.wordsRemoved,
    samplesChanged: s.samplesChanged,
    outputsChanged: s.outputsChanged,
    ...(outputOnlyChanges(s.blocks).some((b) => b.outputCause) ? { outputNote: sectionOutputNote(s.blocks) } : {}),
    rereadWords: words,
    minutes: words / wordsPerMinute,
    impact: words + sampleWeight * s.samplesChanged + outputWeight * s.outputsChanged + Math.min(s.wordsRemoved, words) / 2,
  };
}

/** "New section, +71/-1 words, 1 code sample changed, about 1 min". */
export function rereadDetails(item: RereadItem): string {
  const parts = [
    item.isNew ? `new section, ${item.wordsAdded} words` : `+${item.wordsAdded}/-${item.wordsRemoved} words`,
    item.samplesChanged ? `${item.samplesChanged} code sample${item.samplesChanged === 1 ? '' : 's'} changed` : '',
    item.outputsChanged ? (item.outputNote ?? `${item.outputsChanged} output${item.outputsChanged === 1 ? '' : 's'} changed (same code)`) : '',
    readingTime(item.minutes),
  ];
  return parts.filter(Boolean).join(', ');
}

/** "under 1 min", "about 3 min". */
export function readingTime(minutes: number): string {
  return minutes < 0.5 ? 'under 1 min' : `about ${Math.max(1, Math.round(minutes))} min`;
}

export function correctionsLine(n: number): string {
  return `${n} small correction${n === 1 ? '' : 's'} (punctuation, a word or two)`;
}
