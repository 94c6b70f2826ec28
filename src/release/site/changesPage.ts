import type { ElementContent } from 'hast';
import { h } from 'hastscript';
import { changeSentence } from '../changeSentence.js';
import type { BlockChange, BookDiff, ChapterDiff, InlinePart, SectionDiff } from '../diff.js';
import type { PublishedRelease } from '../history/index.js';
import { inlineMarksHtml } from '../inlineMarks.js';
import { type Child, raw } from './hast.js';
import { notesHtml } from './notes.js';

/** "What changed since X": the release notes in between, then every changed chapter and section with its changes marked. */
export function changesContent(diff: BookDiff, from: PublishedRelease, latest: PublishedRelease, between: PublishedRelease[]): Child {
  const notes = [...between]
    .reverse()
    .map((r) =>
      h('section', { className: ['notes-entry'] }, [
        h('h3', [r.version, ' ', h('span', { className: ['muted'] }, r.date), r.yanked ? [' ', h('span', { className: ['badge', 'yanked'] }, 'withdrawn')] : null]),
        raw(notesHtml(r.notes)),
      ]),
    );
  const chapters = diff.chapters.map((c) => chapterChanges(c, from, latest));
  return [
    h('h1', `What changed since ${from.version}`),
    h(
      'p',
      { className: ['changes-lede'] },
      `From version ${from.version} (${from.date}) to version ${latest.version} (${latest.date}), compared directly. ${changeSentence(diff.summary)}`,
    ),
    h('p', { className: ['changes-legend'] }, [h('ins', 'inserted text'), ' · ', h('del', 'deleted text'), ' · changed sections link to the new version.']),
    h('section', { className: ['release-notes'], ariaLabelledBy: 'notes-heading' }, [h('h2', { id: 'notes-heading' }, `Release notes since ${from.version}`), ...notes]),
    h('section', { ariaLabelledBy: 'changed-heading' }, [
      h('h2', { id: 'changed-heading' }, 'Changed chapters'),
      ...(chapters.length ? chapters : [h('p', 'No changes to the text.')]),
    ]),
  ];
}

/** The fragment id of a chapter's (or a section's) entry on a changes page; "updated in" markers link to it. */
export function anchorFor(chapterKey: string, sectionId?: string): string {
  return `c-${chapterKey.replace(/[^A-Za-z0-9_-]+/g, '-')}${sectionId !== undefined ? `--${sectionId.replace(/[^A-Za-z0-9_-]+/g, '-') || 'intro'}` : ''}`;
}

const badge = (text: string, kind?: string) => h('span', { className: kind ? ['badge', kind] : ['badge'] }, text);

function chapterChanges(c: ChapterDiff, from: PublishedRelease, latest: PublishedRelease): ElementContent {
  const base = c.status === 'removed' ? `v/${from.version}/` : `v/${latest.version}/`;
  const badges = [
    c.status === 'added' ? badge('new chapter', 'added') : null,
    c.status === 'removed' ? badge('removed', 'removed') : null,
    c.renamed ? badge(`renamed from “${c.oldTitle ?? ''}”`) : null,
    c.moved ? badge('moved') : null,
  ].flatMap((b) => (b ? [' ', b] : []));
  const sections = c.status === 'removed' ? [] : c.sections.map((s) => sectionChanges(c, s, base));
  return h('section', { className: ['change-chapter', `change-${c.status}`], id: anchorFor(c.key) }, [
    h('h3', [h('a', { href: `${base}${c.slug}.html` }, c.title), ...badges]),
    ...sections,
  ]);
}

function sectionChanges(c: ChapterDiff, s: SectionDiff, base: string): ElementContent {
  const title = s.title || (s.id === '' ? 'Opening text' : s.id);
  const href = `${base}${c.slug}.html${s.id ? `#${s.id}` : ''}`;
  const badges = [
    s.status === 'added' ? badge('new section', 'added') : null,
    s.status === 'removed' ? badge('removed', 'removed') : null,
    s.renamed ? badge(`renamed from “${s.oldTitle ?? ''}”`) : null,
    s.moved ? badge(`moved${s.movedFrom ? ` from “${s.movedFrom.chapterTitle}”` : ''}`) : null,
    s.samplesChanged ? badge('code changed', 'code') : null,
  ].flatMap((b) => (b ? [' ', b] : []));
  const heading = s.status === 'removed' ? h('h4', [title, ...badges]) : h('h4', [h('a', { href }, title), ...badges]);
  const body = s.contentChanged && c.status !== 'added' ? blocksHtml(s.blocks) : c.status === 'added' ? null : h('p', { className: ['muted'] }, 'Text unchanged.');
  return h('article', { className: ['change-section', `change-${s.status}`], id: anchorFor(c.key, s.id) }, [heading, body]);
}

/** Changed blocks with one unchanged block of context on each side; longer unchanged runs are elided. */
function blocksHtml(blocks: BlockChange[]): ElementContent {
  const changed = blocks.map((b) => b.op !== 'same');
  const out: ElementContent[] = [];
  let elided = false;
  blocks.forEach((b, i) => {
    const near = changed[i] || changed[i - 1] || changed[i + 1];
    if (!near) {
      if (!elided) out.push(h('p', { className: ['elided'], ariaLabel: 'unchanged text' }, '…'));
      elided = true;
      return;
    }
    elided = false;
    out.push(...blockHtml(b));
  });
  return h('div', { className: ['change-blocks'] }, out);
}

function blockHtml(b: BlockChange): ElementContent[] {
  const isCode = b.block.kind === 'code';
  const text = (x: string): ElementContent => (isCode ? { type: 'text', value: x } : raw(inlineMarksHtml(x)));
  const wrap = (inner: ElementContent[], cls: string) =>
    isCode ? h('pre', { className: ['change-block', ...cls.split(' ')] }, [h('code', inner)]) : h('div', { className: ['change-block', ...cls.split(' ')] }, inner);
  switch (b.op) {
    case 'same':
      return [wrap([text(b.block.text)], 'same')];
    case 'added':
      return [wrap([h('ins', [text(b.block.text)])], 'added')];
    case 'removed':
      return [wrap([h('del', [text(b.block.text)])], 'removed')];
    case 'moved':
      return [wrap([text(b.block.text)], 'moved'), h('p', { className: ['moved-note'] }, '(moved here)')];
    case 'modified':
      return [wrap(partsHtml(b.parts, isCode), `modified${b.replaced ? ' replaced' : ''}`)];
  }
}

function partsHtml(parts: InlinePart[], code: boolean): ElementContent[] {
  return parts.map((p) => {
    const content: ElementContent = code ? { type: 'text', value: `${p.text}\n` } : raw(inlineMarksHtml(p.text));
    return p.op === 'ins' ? h('ins', [content]) : p.op === 'del' ? h('del', [content]) : content;
  });
}
