import { outputChangeNote, sectionOutputNote } from '../outputCause.js';
import type { ElementContent } from 'hast';
import { h } from 'hastscript';
import { changeSentence, plural, sectionRenamedNote } from '../changeSentence.js';
import type { BlockChange, BookDiff, ChapterDiff, SectionDiff } from '../diff.js';
import type { PublishedRelease } from '../history/index.js';
import { correctionsLine, rereadDetails, rereadPlan } from '../reread.js';
import { codeBlockChildren, partsOf, proseBlockHtml } from './diffHtml.js';
import { type Child, raw, serialize } from './hast.js';
import { notesHtml } from './notes.js';

/** "What changed since X": the release notes in between, then every changed chapter and section with its changes marked. */
export function changesContent(diff: BookDiff, from: PublishedRelease, latest: PublishedRelease, between: PublishedRelease[], redline?: string): Child {
  const notes = [...between]
    .reverse()
    .map((r) =>
      h('section', { className: ['notes-entry'] }, [
        h('h3', [r.version, ' ', h('span', { className: ['muted'] }, r.date), r.yanked ? [' ', h('span', { className: ['badge', 'yanked'] }, 'withdrawn')] : null]),
        raw(notesHtml(r.notes)),
      ]),
    );
  const chapters = diff.chapters.map((c) => chapterChanges(c, from, latest));
  // A long page gets its own table of contents: a reader of a big update jumps to the chapter they care about.
  const toc = diff.chapters.length > 1 && serialize(chapters).length > tocThreshold ? changesToc(diff) : null;
  return [
    h('h1', `What changed since ${from.version}`),
    h(
      'p',
      { className: ['changes-lede'] },
      `From version ${from.version} (${from.date}) to version ${latest.version} (${latest.date}), compared directly. ${changeSentence(diff.summary)}`,
    ),
    redline ? h('p', { className: ['changes-print'] }, [h('a', { href: redline }, `Print these changes: redline PDF (${from.version} → ${latest.version})`)]) : null,
    rereadSection(diff, latest),
    toc,
    h('p', { className: ['changes-legend'] }, [h('ins', 'inserted text'), ' · ', h('del', 'deleted text'), ' · changed sections link to the new version.']),
    h('section', { className: ['release-notes'], ariaLabelledBy: 'notes-heading' }, [h('h2', { id: 'notes-heading' }, `Release notes since ${from.version}`), ...notes]),
    h('section', { ariaLabelledBy: 'changed-heading' }, [
      h('h2', { id: 'changed-heading' }, 'Changed chapters'),
      ...(chapters.length ? chapters : [h('p', 'No changes to the text.')]),
    ]),
  ];
}

/** Pages past this many bytes of changes get a table of contents of their own. */
export const tocThreshold = 100_000;

function changesToc(diff: BookDiff): ElementContent {
  return h('nav', { className: ['changes-toc'], ariaLabelledBy: 'changes-toc-heading' }, [
    h('h2', { id: 'changes-toc-heading' }, 'On this page'),
    h(
      'ol',
      diff.chapters.map((c) =>
        h('li', [
          h('a', { href: `#${anchorFor(c.key)}` }, c.title),
          ' ',
          h('span', { className: ['muted'] }, c.status === 'changed' ? plural(c.sections.length, 'section') : c.status),
        ]),
      ),
    ),
  ]);
}

/** "What to re-read": the ranked list first, with words, time and links; typo-level corrections in one line. */
function rereadSection(diff: BookDiff, latest: PublishedRelease): ElementContent | null {
  const plan = rereadPlan(diff);
  if (plan.items.length === 0 && plan.corrections.length === 0) return null;
  const base = `v/${latest.version}/`;
  const items = plan.items.map((item) =>
    h('li', [
      h('a', { href: `${base}${item.slug}.html${item.sectionId ? `#${item.sectionId}` : ''}` }, [item.chapterTitle, ' › ', item.sectionTitle || 'Opening text']),
      ' ',
      h('span', { className: ['muted'] }, rereadDetails(item)),
      ' · ',
      h('a', { href: `#${anchorFor(item.chapterKey, item.sectionId)}` }, 'see the changes'),
    ]),
  );
  const corrections = plan.corrections.length
    ? h('details', { className: ['corrections'] }, [
        h('summary', correctionsLine(plan.corrections.length)),
        h(
          'ul',
          plan.corrections.map((x) => h('li', h('a', { href: `#${anchorFor(x.chapterKey, x.sectionId)}` }, [x.chapterTitle, ' › ', x.sectionTitle || 'Opening text']))),
        ),
      ])
    : null;
  return h('section', { className: ['reread'], ariaLabelledBy: 'reread-heading' }, [
    h('h2', { id: 'reread-heading' }, plan.items.length ? `What to re-read (about ${diff.summary.rereadMinutes} min)` : 'What to re-read'),
    items.length ? h('ol', { className: ['reread-list'] }, items) : h('p', 'Nothing to re-read.'),
    corrections,
  ]);
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
    s.renamed ? badge(sectionRenamedNote(s)) : null,
    s.moved ? badge(`moved${s.movedFrom ? ` from “${s.movedFrom.chapterTitle}”` : ''}`) : null,
    s.levelChanged ? badge(`heading level ${s.oldDepth} → ${s.depth}`) : null,
    s.correction ? badge('small correction') : null,
    s.samplesChanged ? badge('code changed', 'code') : null,
    s.outputsChanged ? badge(sectionOutputNote(s.blocks) ?? 'output changed, same code', 'code') : null,
  ].flatMap((b) => (b ? [' ', b] : []));
  const heading = s.status === 'removed' ? h('h4', [title, ...badges]) : h('h4', [h('a', { href }, title), ...badges]);
  const body = s.contentChanged && c.status !== 'added' ? blocksHtml(s.blocks) : c.status === 'added' ? null : h('p', { className: ['muted'] }, 'Text unchanged.');
  return h('article', { className: ['change-section', `change-${s.status}`], id: anchorFor(c.key, s.id) }, [heading, body]);
}

/** Changed blocks with one unchanged block of context on each side; longer unchanged runs are elided. */
export function blocksHtml(blocks: BlockChange[]): ElementContent {
  const changed = blocks.map((b) => b.op !== 'same');
  const out: ElementContent[] = [];
  let elided = false;
  blocks.forEach((b, i) => {
    const near = changed[i] || changed[i - 1] || changed[i + 1];
    if (!near) {
      if (!elided) out.push(h('p', { className: ['elided'] }, [h('span', { ariaHidden: 'true' }, '…'), h('span', { className: ['visually-hidden'] }, 'unchanged text left out')]));
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
  const cls = ['change-block', b.op === 'modified' && b.replaced ? 'replaced' : '', b.op === 'same' ? 'same' : b.op].filter(Boolean);
  const body = isCode ? h('pre', { className: cls }, [h('code', codeBlockChildren(b))]) : h('div', { className: cls }, proseBlockHtml(b.block.kind, partsOf(b)));
  if (b.op === 'moved') return [body, h('p', { className: ['moved-note'] }, b.fromQuote ? '(code moved out of a quote, unchanged)' : '(moved here)')];
  if (b.op === 'modified' && b.movedCode) return [body, h('p', { className: ['moved-note'] }, '(code moved into this quote, unchanged)')];
  if (b.op === 'modified' && b.langChanged)
    return [body, h('p', { className: ['moved-note'] }, `(marked as ${b.block.lang ?? 'no language'}, was ${b.old.lang ?? 'no language'}; the code is unchanged)`)];
  if (b.op === 'modified' && b.outputCause) return [body, h('p', { className: ['moved-note'] }, `(${outputChangeNote(b)})`)];
  return [body];
}
