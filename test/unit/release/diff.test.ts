import { describe, expect, it } from 'vitest';
import { loadBook } from '../../../src/book/loadBook.js';
import { diffSnapshots, dice, inlineDiff, matchItems, movedByOrder, shingles } from '../../../src/release/diff.js';
import { type BlockStore, snapshotBook, type Snapshot } from '../../../src/release/snapshot.js';
import { writeBook } from '../../helpers/cli.js';

/** Snapshots a book given as { 'file.md': text } (in that order), sharing one block store. */
async function snap(chapters: Record<string, string>, store: BlockStore = new Map()): Promise<{ snapshot: Snapshot; store: BlockStore }> {
  const files: Record<string, string> = {
    'manuscript/book.yaml': `title: T\nslug: t\nformats: [html]\nchapters:\n${Object.keys(chapters)
      .map((c) => `  - ${c}`)
      .join('\n')}\n`,
  };
  for (const [name, text] of Object.entries(chapters)) files[`manuscript/${name}`] = text;
  const book = await loadBook(writeBook(files), { noCache: true });
  return snapshotBook(book, store);
}

async function diff(a: Record<string, string>, b: Record<string, string>) {
  const store: BlockStore = new Map();
  const x = await snap(a, store);
  const y = await snap(b, store);
  return diffSnapshots({ label: 'a', snapshot: x.snapshot }, { label: 'b', snapshot: y.snapshot }, store);
}

const para = (n: number) => `Paragraph ${n} talks about topic number ${n} with enough distinct words to be recognised, item ${n * 7}.`;

describe('snapshot normalisation', () => {
  it('ignores reflowing and whitespace in prose and in code, but not a real code edit', async () => {
    const d = await diff(
      { 'a.md': '# A\n\nOne two three\nfour five.\n\n- item  one\n- item two\n\n```ts\nconst a = 1;\n```\n' },
      { 'a.md': '# A\n\nOne   two\nthree four five.\n\n-   item one\n-   item two\n\n```ts\nconst a = 1;   \n\n```\n' },
    );
    expect(d.chapters).toEqual([]);
    expect(d.bump).toBe('none');
    const reindented = await diff({ 'a.md': '# A\n\n```ts\nif (a) {\n  b();\n}\n```\n' }, { 'a.md': '# A\n\n```ts\nif (a) {\nb();\n}\n```\n' });
    expect(reindented.chapters).toEqual([]);
    const edited = await diff({ 'a.md': '# A\n\n```ts\nif (a) {\n  b();\n}\n```\n' }, { 'a.md': '# A\n\n```ts\nif (a) {\n  c();\n}\n```\n' });
    expect(edited.summary.samplesChanged).toBe(1);
  });

  it('a fence that only gains a language ("```" → "```ts") is a small correction, not a changed sample (TypeScript Deep Dive, 2019 → 2020)', async () => {
    const d = await diff({ 'a.md': '# A\n\n## S\n\n```\nlet a = 1;\n```\n' }, { 'a.md': '# A\n\n## S\n\n```ts\nlet a = 1;\n```\n' });
    expect(d.summary).toMatchObject({ samplesChanged: 0, examplesChanged: 0, sectionsCorrected: 1, sectionsChanged: 0 });
    expect(d.chapters[0].sections[0].blocks[0]).toMatchObject({ op: 'modified', langChanged: true, block: { lang: 'ts' } });
    expect(d.bump).toBe('patch');
  });

  it('treats a changed link target as a change', async () => {
    const d = await diff({ 'a.md': '# A\n\nSee [the docs](https://a.example).\n' }, { 'a.md': '# A\n\nSee [the docs](https://b.example).\n' });
    expect(d.summary.sectionsChanged).toBe(1);
  });

  it('deduplicates blocks across snapshots in the store', async () => {
    const store: BlockStore = new Map();
    await snap({ 'a.md': `# A\n\n${para(1)}\n\n${para(2)}\n` }, store);
    const size = store.size;
    await snap({ 'a.md': `# A\n\n${para(1)}\n\n${para(2)}\n\n${para(3)}\n` }, store);
    expect(store.size).toBe(size + 1);
  });
});

describe('structure matching', () => {
  it('matches a renamed and partly rewritten chapter without an id by content, not title', async () => {
    const body = [1, 2, 3, 4, 5].map(para).join('\n\n');
    const d = await diff({ 'a.md': `# Old title\n\n${body}\n` }, { 'b.md': `# Brand new title\n\n${body.replace('topic number 3', 'subject number 3')}\n` });
    expect(d.chapters).toHaveLength(1);
    expect(d.chapters[0]).toMatchObject({ status: 'changed', renamed: true, oldTitle: 'Old title', title: 'Brand new title' });
  });

  it('matches chapters by front matter id even when everything else changed', async () => {
    const d = await diff({ 'a.md': '---\nid: x\n---\n# One\n\nAlpha.\n' }, { 'z.md': '---\nid: x\n---\n# Two\n\nBeta gamma.\n' });
    expect(d.chapters.map((c) => [c.key, c.status, c.renamed])).toEqual([['x', 'changed', true]]);
  });

  it('reports a section moved to another chapter as moved, not removed plus added', async () => {
    const moving = `## Moving {#moving}\n\n${para(9)}\n`;
    const d = await diff(
      { 'a.md': `---\nid: a\n---\n# A\n\n${para(1)}\n\n${moving}`, 'b.md': `---\nid: b\n---\n# B\n\n${para(2)}\n` },
      { 'a.md': `---\nid: a\n---\n# A\n\n${para(1)}\n`, 'b.md': `---\nid: b\n---\n# B\n\n${para(2)}\n\n${moving}` },
    );
    expect(d.summary).toMatchObject({ sectionsRemoved: 0, sectionsAdded: 0, sectionsMoved: 1 });
    const b = d.chapters.find((c) => c.key === 'b')!;
    expect(b.sections[0]).toMatchObject({ id: 'moving', moved: true, movedFrom: { chapterKey: 'a' } });
    expect(d.bump).toBe('patch');
  });

  it('reports a paragraph moved within a section as a move with no words changed', async () => {
    const d = await diff({ 'a.md': `# A\n\n${para(1)}\n\n${para(2)}\n\n${para(3)}\n` }, { 'a.md': `# A\n\n${para(2)}\n\n${para(3)}\n\n${para(1)}\n` });
    const blocks = d.chapters[0].sections[0].blocks;
    expect(blocks.filter((b) => b.op === 'moved')).toHaveLength(1);
    expect(d.summary.wordsAdded).toBe(0);
    expect(d.summary.wordsRemoved).toBe(0);
  });
});

describe('bump suggestion', () => {
  it('patch for rewording, minor for additions, major for removals and code changes', async () => {
    const base = { 'a.md': `# A\n\n${para(1)}\n\n## S {#s}\n\n${para(2)}\n\n\`\`\`ts\nconst x = 1;\n\`\`\`\n` };
    expect((await diff(base, { 'a.md': base['a.md'].replace('talks about', 'speaks of') })).bump).toBe('patch');
    expect((await diff(base, { 'a.md': `${base['a.md']}\n## New {#new}\n\nMore.\n` })).bump).toBe('minor');
    expect((await diff(base, { 'a.md': base['a.md'].replace('const x = 1;', 'const x = 2;') })).bump).toBe('major');
    // A changed shell command or file-format example is not a changed program.
    const withExample = {
      'a.md': `${base['a.md']}
\`\`\`json
{ "a": 1 }
\`\`\`
`,
    };
    const example = await diff(withExample, { 'a.md': withExample['a.md'].replace('"a": 1', '"a": 2') });
    expect(example.bump).toBe('minor');
    expect(example.bumpReasons.join()).toContain('1 code example changed');
    const removed = await diff(base, { 'a.md': `# A\n\n${para(1)}\n` });
    expect(removed.bump).toBe('major');
    expect(removed.bumpReasons.join()).toContain('section');
  });
});

describe('bounded work', () => {
  it('falls back to "replaced" when a text diff runs out of time', () => {
    const a = { kind: 'paragraph' as const, text: 'a b c' };
    expect(inlineDiff(a, { kind: 'paragraph', text: 'a x c' }, 0)).toBeUndefined();
    expect(inlineDiff(a, { kind: 'paragraph', text: 'a x c' }, 100)).toEqual([
      { op: 'same', text: 'a ' },
      { op: 'del', text: 'b' },
      { op: 'ins', text: 'x' },
      { op: 'same', text: ' c' },
    ]);
  });

  // Its speed is a benchmark figure (npm run bench, "diff engine, worst case"); here only the verdict.
  it('reports a huge section rewritten entirely as one changed chapter', async () => {
    const words = (seed: number) => Array.from({ length: 20_000 }, (_, i) => `w${(i * seed) % 9973}`).join(' ');
    const d = await diff({ 'a.md': `# A\n\n${words(7)}\n` }, { 'a.md': `# A\n\n${words(13)}\n` });
    expect(d.chapters).toHaveLength(1);
    expect(d.bump).not.toBe('none');
  });
});

describe('helpers', () => {
  it('dice similarity on shingles', () => {
    expect(dice(shingles('the quick brown fox jumps'), shingles('the quick brown fox jumps'))).toBe(1);
    expect(dice(shingles('the quick brown fox jumps'), shingles('completely different words here now'))).toBe(0);
  });

  it('marks only the items off the longest in-order run as moved', () => {
    // Old order 0 1 2 3, new order 1 2 3 0: item 0 moved.
    expect([
      ...movedByOrder([
        [1, 0],
        [2, 1],
        [3, 2],
        [0, 3],
      ]),
    ]).toEqual([3]);
    expect(
      movedByOrder([
        [0, 0],
        [1, 1],
      ]).size,
    ).toBe(0);
  });

  it('matchItems pairs by key first, then by similarity', () => {
    const m = matchItems(
      [
        { k: 'a', t: 'alpha beta gamma delta' },
        { k: undefined, t: 'one two three four five' },
      ],
      [
        { k: undefined, t: 'one two three four five six' },
        { k: 'a', t: 'unrelated' },
      ],
      (x) => x.k,
      (x) => shingles(x.t),
    );
    expect(m.pairs.map(([o, n]) => [o.t, n.t])).toEqual([
      ['one two three four five', 'one two three four five six'],
      ['alpha beta gamma delta', 'unrelated'],
    ]);
  });
});

describe('one count everywhere', () => {
  it('counts a changed sample once with its output, tells output changed under unchanged code apart, and every output says the same', async () => {
    const { formatDiff } = await import('../../../src/release/format.js');
    const { changeSentence } = await import('../../../src/release/changeSentence.js');
    const { changeSummary } = await import('../../../src/release/site/changeSummary.js');
    const before = [
      '# A',
      '',
      '## Edited {#edited}',
      '',
      '```ts',
      'console.log(1 + 1);',
      '```',
      '',
      '```output',
      '2',
      '```',
      '',
      '## Compiler {#compiler}',
      '',
      '```ts',
      'console.log(typeof null);',
      '```',
      '',
      '```output',
      'object',
      '```',
      '',
      '## Config {#config}',
      '',
      '```json',
      '{ "strict": true }',
      '```',
      '',
    ].join('\n');
    const after = before
      .replace('1 + 1);', '2 + 2);')
      .replace('```output\n2\n```', '```output\n4\n```')
      .replace('```output\nobject\n```', '```output\n"object"\n```')
      .replace('"strict": true', '"strict": false');
    const d = await diff({ 'a.md': before }, { 'a.md': after });
    expect(d.summary).toMatchObject({ samplesChanged: 1, outputsChanged: 1, examplesChanged: 1 });
    expect(d.chapters[0].sections.find((s) => s.id === 'compiler')).toMatchObject({ samplesChanged: 0, outputsChanged: 1 });
    const sentence = changeSentence(d.summary);
    expect(sentence).toContain('1 code sample changed');
    expect(sentence).toContain('1 sample output changed (same code)');
    expect(formatDiff(d)).toContain(sentence.split(';')[0]);
    expect(d.bumpReasons).toContain('1 code sample changed');
    expect(changeSummary(d).summary).toMatchObject({ samplesChanged: 1, outputsChanged: 1, examplesChanged: 1 });
  });
});

describe('what to re-read', () => {
  it('ranks changed sections by reading impact and collapses typo-level corrections into one line', async () => {
    const { rereadPlan } = await import('../../../src/release/reread.js');
    const { formatDiff } = await import('../../../src/release/format.js');
    const long = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');
    const before = [
      '# A',
      '',
      '## Rewritten {#rewritten}',
      '',
      `${para(1)} ${para(2)}`,
      '',
      '## Sample {#sample}',
      '',
      '```ts',
      'const total = 1 + 2;',
      '```',
      '',
      '## Typo one {#typo-one}',
      '',
      para(3),
      '',
      '## Typo two {#typo-two}',
      '',
      para(4),
      '',
    ].join('\n');
    const after = before
      .replace(`${para(1)} ${para(2)}`, `${para(1)} ${para(2)} And a new closing sentence that explains the idea differently.`)
      .replace('1 + 2', '1 + 3')
      .replace('talks about topic number 3', 'talks about topic nummber 3')
      .replace('topic number 4 with', 'topic number 4, with')
      .concat(`\n## Brand new {#brand-new}\n\n${long(150)}\n`);
    const d = await diff({ 'a.md': before }, { 'a.md': after });
    const plan = rereadPlan(d);
    expect(plan.items.map((i) => i.sectionId)).toEqual(['brand-new', 'sample', 'rewritten']);
    expect(plan.items[0]).toMatchObject({ isNew: true, rereadWords: 150 });
    expect(plan.corrections.map((x) => x.sectionId)).toEqual(['typo-one', 'typo-two']);
    expect(d.summary.sectionsCorrected).toBe(2);
    const text = formatDiff(d);
    expect(text.indexOf('What to re-read')).toBeLessThan(text.indexOf('Changed chapters'));
    expect(text).toMatch(/1\. A › Brand new .*a\.html#brand-new/);
    expect(text).toContain('2 small corrections');
  });
});
