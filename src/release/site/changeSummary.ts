import type { BookDiff } from '../diff.js';

export const changesFormat = 'evergreen-changes/1';

/** The machine-readable change summary of one pair of versions (a public format: see the user guide). */
export function changeSummary(diff: BookDiff) {
  return {
    format: changesFormat,
    from: diff.from,
    to: diff.to,
    bump: diff.bump,
    summary: diff.summary,
    chapters: diff.chapters.map((c) => ({
      status: c.status,
      id: c.key,
      title: c.title,
      ...(c.oldTitle ? { oldTitle: c.oldTitle } : {}),
      page: `${c.slug}.html`,
      renamed: c.renamed,
      moved: c.moved,
      ...(c.matchedBy === 'content' ? { matchedBy: c.matchedBy } : {}),
      ...(c.similarity !== undefined ? { similarity: c.similarity } : {}),
      sections: c.sections.map((s) => ({
        status: s.status,
        id: s.id,
        title: s.title,
        ...(s.oldTitle ? { oldTitle: s.oldTitle } : {}),
        renamed: s.renamed,
        moved: s.moved,
        ...(s.movedFrom ? { movedFrom: s.movedFrom.chapterKey } : {}),
        ...(s.levelChanged ? { depth: s.depth, oldDepth: s.oldDepth } : {}),
        ...(s.correction ? { correction: true } : {}),
        wordsAdded: s.wordsAdded,
        wordsRemoved: s.wordsRemoved,
        samplesChanged: s.samplesChanged,
        ...(s.outputsChanged ? { outputsChanged: s.outputsChanged } : {}),
        ...(s.examplesChanged ? { examplesChanged: s.examplesChanged } : {}),
      })),
    })),
  };
}
