/**
 * The one sentence that summarises a diff, shared by `evergreen diff`, `release`, the reader site, the feed
 * and `evergreen get` (which reads the counts from a published change summary), so all of them say the same.
 */
export type ChangeCounts = Partial<
  Record<
    | 'chaptersAdded'
    | 'chaptersRemoved'
    | 'chaptersRenamed'
    | 'chaptersMoved'
    | 'sectionsAdded'
    | 'sectionsRemoved'
    | 'sectionsChanged'
    | 'sectionsMoved'
    | 'sectionsRenamed'
    | 'sectionsLevelChanged'
    | 'sectionsCorrected'
    | 'samplesChanged'
    | 'outputsChanged'
    | 'examplesChanged'
    | 'wordsAdded'
    | 'wordsRemoved'
    | 'rereadMinutes',
    number
  >
>;

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

const structural: [keyof ChangeCounts, string, string][] = [
  ['chaptersAdded', 'chapter', 'added'],
  ['chaptersRemoved', 'chapter', 'removed'],
  ['chaptersRenamed', 'chapter', 'renamed'],
  ['chaptersMoved', 'chapter', 'moved'],
  ['sectionsAdded', 'section', 'added'],
  ['sectionsRemoved', 'section', 'removed'],
  ['sectionsChanged', 'section', 'changed'],
  ['sectionsMoved', 'section', 'moved'],
  ['sectionsRenamed', 'section', 'renamed'],
  ['sectionsLevelChanged', 'heading level', 'changed'],
  ['samplesChanged', 'code sample', 'changed'],
  ['outputsChanged', 'sample output', 'changed (same code)'],
  ['examplesChanged', 'code example', 'changed'],
  ['sectionsCorrected', 'small correction', ''],
];

/** "2 chapters added, 3 sections changed", or '' when nothing structural changed. */
export function changedParts(counts: ChangeCounts): string {
  return structural
    .filter(([key]) => (counts[key] ?? 0) > 0)
    .map(([key, noun, verb]) => `${plural(counts[key]!, noun)}${verb ? ` ${verb}` : ''}`)
    .join(', ');
}

/** "N words added, M removed; about X min of re-reading". */
export function wordsPart(counts: ChangeCounts): string {
  return `${counts.wordsAdded ?? 0} words added, ${counts.wordsRemoved ?? 0} removed; about ${counts.rereadMinutes ?? 0} min of re-reading`;
}

/** The whole sentence: what changed, then the words and the re-reading time; "No changes to the text." when nothing did. */
export function changeSentence(counts: ChangeCounts): string {
  const parts = changedParts(counts);
  if (!parts && !counts.wordsAdded && !counts.wordsRemoved) return 'No changes to the text.';
  return `${parts || 'Wording changed'}; ${wordsPart(counts)}.`;
}

/** How a renamed section is described; a chapter's opening text that gained a heading (or lost it) is said so. */
export function sectionRenamedNote(s: { title: string; oldTitle?: string }): string {
  if (!s.oldTitle) return 'heading added to the opening text';
  if (!s.title) return `heading “${s.oldTitle}” removed, now the opening text`;
  return `renamed from “${s.oldTitle}”`;
}
