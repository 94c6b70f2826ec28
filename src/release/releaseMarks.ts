import type { ChangedSection } from '../render/renderer.js';
import type { BookDiff, ChapterDiff, SectionDiff } from './diffModel.js';

/**
 * Whether a reader should look at a section again: it is new, renamed or rewritten. Typo corrections and
 * pure moves do not count. The site's "updated in" markers and the print book's margin marks both ask this.
 */
export function changedForReaders(c: ChapterDiff, s: SectionDiff): boolean {
  if (c.status === 'removed' || s.status === 'removed') return false;
  return c.status === 'added' || s.status === 'added' || s.renamed || (s.contentChanged && !s.correction);
}

/** The sections a release changed, as the print book marks them ("Updated in 2.3.0" beside a margin bar). */
export function releaseChangeMarks(diff: BookDiff, version: string): ChangedSection[] {
  const marks: ChangedSection[] = [];
  for (const c of diff.chapters) {
    if (c.status === 'removed') continue;
    if (c.status === 'added') {
      marks.push({ chapterSlug: c.slug, headingId: '', wholeChapter: true, label: `New in ${version}` });
      continue;
    }
    for (const s of c.sections) {
      if (changedForReaders(c, s)) marks.push({ chapterSlug: c.slug, headingId: s.id, label: `${s.status === 'added' ? 'New' : 'Updated'} in ${version}` });
    }
  }
  return marks;
}
