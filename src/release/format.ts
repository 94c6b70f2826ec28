import { sectionOutputNote } from './outputCause.js';
import type { BookDiff, BlockChange, ChapterDiff, SectionDiff } from './diff.js';
import { changedParts, plural, sectionRenamedNote, wordsPart } from './changeSentence.js';
import { correctionsLine, rereadDetails, rereadPlan } from './reread.js';

export interface FormatOptions {
  color?: { green: (s: string) => string; red: (s: string) => string; yellow: (s: string) => string; bold: (s: string) => string; dim: (s: string) => string };
  /** Also print the word-level changes of each changed block. */
  detail?: boolean;
}

const plain = { green: (s: string) => s, red: (s: string) => s, yellow: (s: string) => s, bold: (s: string) => s, dim: (s: string) => s };

/** The terminal form of a diff: changed chapters by title with their changed sections; unchanged ones are left out. */
export function formatDiff(diff: BookDiff, options: FormatOptions = {}): string {
  const c = options.color ?? plain;
  const lines: string[] = [c.bold(`Changes from ${diff.from} to ${diff.to}`), ''];
  lines.push(...rereadLines(diff, c));
  if (diff.chapters.length === 0) lines.push('  No changes to the text.');
  else lines.push(c.bold('Changed chapters'));
  for (const chapter of diff.chapters) {
    lines.push(`  ${chapterLine(chapter, c)}`);
    if (chapter.status === 'changed') {
      const corrected = chapter.sections.filter((s) => s.correction);
      for (const section of chapter.sections) {
        if (section.correction && !options.detail) continue;
        lines.push(`      ${sectionLine(section, c)}`);
        if (options.detail) for (const b of section.blocks) for (const l of blockLines(b, c)) lines.push(`          ${l}`);
      }
      if (corrected.length && !options.detail)
        lines.push(c.dim(`      · ${plural(corrected.length, 'small correction')}: ${corrected.map((s) => s.title || 'Opening text').join(', ')}`));
    }
  }
  const s = diff.summary;
  lines.push('');
  lines.push(`${c.bold('Summary:')} ${changedParts(s) || 'nothing changed'}`);
  lines.push(`         ${wordsPart(s)} (${s.wordsToReread} words at 230 wpm)`);
  if (s.replacedBlocks) lines.push(c.yellow(`         ${plural(s.replacedBlocks, 'block')} too costly to compare word by word: shown as replaced`));
  lines.push(`${c.bold('Suggested bump:')} ${diff.bump} (${diff.bumpReasons.join('; ')})`);
  return `${lines.join('\n')}\n`;
}

/** The ranked "what to re-read" list, first thing a reader sees. */
function rereadLines(diff: BookDiff, c: Required<FormatOptions>['color']): string[] {
  const plan = rereadPlan(diff);
  if (plan.items.length === 0 && plan.corrections.length === 0) return [];
  const lines = [c.bold(`What to re-read${plan.items.length ? ` (about ${diff.summary.rereadMinutes} min)` : ''}`)];
  plan.items.forEach((item, i) => {
    const title = `${item.chapterTitle} › ${item.sectionTitle || 'Opening text'}`;
    lines.push(`  ${String(i + 1).padStart(2)}. ${title}  (${rereadDetails(item)})  ${c.dim(`${item.slug}.html${item.sectionId ? `#${item.sectionId}` : ''}`)}`);
  });
  if (plan.corrections.length) lines.push(c.dim(`      ${correctionsLine(plan.corrections.length)}`));
  lines.push('');
  return lines;
}

function chapterLine(ch: ChapterDiff, c: Required<FormatOptions>['color']): string {
  if (ch.status === 'added') return c.green(`+ ${ch.title}  (new chapter, ${plural(ch.sections.length, 'section')})`);
  if (ch.status === 'removed') return c.red(`- ${ch.title}  (removed)`);
  const notes = [
    ch.renamed && `renamed from “${ch.oldTitle}”`,
    ch.moved && 'moved',
    ch.matchedBy === 'content' && ch.similarity !== undefined && `${Math.round(ch.similarity * 100)} % of the text kept`,
  ].filter(Boolean);
  return c.yellow(`~ ${ch.title}${notes.length ? `  (${notes.join(', ')})` : ''}`);
}

function sectionLine(s: SectionDiff, c: Required<FormatOptions>['color']): string {
  const title = s.title || 'Opening text';
  if (s.status === 'added') return c.green(`+ ${title}  (new section, ${s.wordsAdded} words)`);
  if (s.status === 'removed') return c.red(`- ${title}  (removed, ${s.wordsRemoved} words)`);
  const notes = [
    s.renamed && sectionRenamedNote(s),
    s.moved && (s.movedFrom ? `moved from “${s.movedFrom.chapterTitle}”` : 'moved'),
    s.levelChanged && `heading level ${s.oldDepth} → ${s.depth}`,
    s.correction && 'small correction',
    s.contentChanged && !s.correction && `+${s.wordsAdded}/-${s.wordsRemoved} words`,
    s.samplesChanged && c.bold(`code changed (${s.samplesChanged})`),
    s.outputsChanged && c.bold(sectionOutputNote(s.blocks) ?? `output changed, same code (${s.outputsChanged})`),
    s.examplesChanged && `example changed (${s.examplesChanged})`,
  ].filter(Boolean);
  return `${s.contentChanged ? '~' : '↕'} ${title}  (${notes.join(', ')})`;
}

function clip(text: string, max = 240): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

function blockLines(b: BlockChange, c: Required<FormatOptions>['color']): string[] {
  switch (b.op) {
    case 'same':
      return [];
    case 'added':
      return [c.green(`+ ${clip(b.block.text)}`)];
    case 'removed':
      return [c.red(`- ${clip(b.block.text)}`)];
    case 'moved':
      return [c.dim(`↕ ${clip(b.block.text, 80)} (${b.fromQuote ? 'code moved out of a quote' : 'moved here'})`)];
    case 'modified':
      if (b.langChanged) return [c.dim(`~ code block marked \`${b.block.lang ?? 'no language'}\` (was \`${b.old.lang ?? 'no language'}\`), text unchanged`)];
      if (b.block.kind === 'code') {
        return b.parts.filter((p) => p.op !== 'same').flatMap((p) => p.text.split('\n').map((l) => (p.op === 'ins' ? c.green(`+ ${l}`) : c.red(`- ${l}`))));
      }
      return [`~ ${clip(b.parts.map((p) => (p.op === 'ins' ? c.green(`{+${p.text}+}`) : p.op === 'del' ? c.red(`[-${p.text}-]`) : p.text)).join(''), 400)}`];
  }
}
