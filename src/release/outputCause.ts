import { codeRole } from './diffCounts.js';
import type { BlockChange, ChapterDiff, OutputCause } from './diffModel.js';
import type { PublishedRelease, VerificationRecord } from './history/index.js';
import type { Snapshot } from './snapshot.js';

/**
 * Why a sample's printed output changed while its code did not. Every release records the TypeScript
 * version(s) its samples were verified with (release.json's `verification.compilers`): when those differ
 * between the two versions, the new output is what the new compiler prints; when they are the same, the
 * author edited the output. When either side did not record it (an unchecked release, the manuscript), the
 * cause is left unsaid rather than guessed.
 */

export interface DiffSide {
  label: string;
  snapshot: Snapshot;
  /** The TypeScript versions the samples were verified with; undefined when not known. */
  typescript?: string[];
}

/** The TypeScript versions of a verification record (undefined when the samples were not checked). */
export function verifiedTypeScript(verification: VerificationRecord | undefined): { typescript: string[] } | Record<string, never> {
  if (verification?.samples !== 'checked') return {};
  const versions = [...new Set((verification.compilers ?? []).filter((c) => c.name.toLowerCase() === 'typescript').map((c) => c.version))];
  return versions.length ? { typescript: versions } : {};
}

/** A release as one side of a diff, with the TypeScript versions its verification recorded. */
export function releaseSide(release: PublishedRelease): DiffSide {
  return { label: release.version, snapshot: release.snapshot, ...verifiedTypeScript(release.verification) };
}

/** Output blocks that changed under an unchanged sample (the diff's `outputsChanged`), in a section's blocks. */
export function outputOnlyChanges(blocks: BlockChange[]): Extract<BlockChange, { op: 'modified' }>[] {
  return blocks.filter(
    (b, i): b is Extract<BlockChange, { op: 'modified' }> =>
      b.op === 'modified' && codeRole(b) === 'output' && blocks[i - 1]?.op === 'same' && codeRole(blocks[i - 1]) === 'sample',
  );
}

/** Marks each output-only change with its cause; says how many a TypeScript version change explains. */
export function attributeOutputChanges(chapters: ChapterDiff[], from: DiffSide, to: DiffSide): { typescript: { from: string[]; to: string[] }; byTypeScript: number } | undefined {
  if (!from.typescript || !to.typescript) return undefined;
  const same = from.typescript.length === to.typescript.length && from.typescript.every((v) => to.typescript!.includes(v));
  const cause: OutputCause = same ? { by: 'edit', typescript: to.typescript.join(', ') } : { by: 'typescript', from: from.typescript.join(', '), to: to.typescript.join(', ') };
  let byTypeScript = 0;
  for (const c of chapters) {
    for (const s of c.sections) {
      for (const b of outputOnlyChanges(s.blocks)) {
        b.outputCause = cause;
        if (cause.by === 'typescript') byTypeScript++;
      }
    }
  }
  return { typescript: { from: from.typescript, to: to.typescript }, byTypeScript };
}

/** "output changed: TypeScript 6.0.2 prints “error TS2322 …”", or how the output changed otherwise. */
export function outputChangeNote(b: Extract<BlockChange, { op: 'modified' }>): string {
  const cause = b.outputCause;
  if (!cause) return 'output changed, same code';
  if (cause.by === 'edit') return `output edited (same code, same TypeScript ${cause.typescript})`;
  const first = b.block.text.split('\n').find((l) => l.trim()) ?? '';
  const quoted = first.length > 70 ? `${first.slice(0, 69)}…` : first;
  return `output changed: TypeScript ${cause.to} prints “${quoted.trim()}” (was ${cause.from}; the code did not change)`;
}

/** A section's output-only changes in one phrase (its first change stands for the others of the same cause). */
export function sectionOutputNote(blocks: BlockChange[]): string | undefined {
  const outputs = outputOnlyChanges(blocks);
  if (outputs.length === 0) return undefined;
  const first = outputs.find((b) => b.outputCause?.by === 'typescript') ?? outputs[0];
  const more = outputs.length > 1 ? ` (${outputs.length} outputs)` : '';
  return `${outputChangeNote(first)}${more}`;
}
