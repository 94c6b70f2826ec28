// Generates a deterministic large book for benchmarks: same options, same bytes, on every machine.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A small seeded PRNG (mulberry32): benchmarks must not depend on Math.random. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const vocabulary = (
  'type system value function module compiler runtime promise stream buffer interface generic inference ' +
  'narrowing union literal object array tuple record map set iterator async await error handler test ' +
  'build release version reader chapter section example sample output library package dependency ' +
  'the a of to and in is it that for on with as by this be are from at or an which can will not'
).split(' ');

const codeSamples = {
  ts: (i) => `interface Item${i} {\n  id: number;\n  name: string;\n}\n\nexport function describe${i}(item: Item${i}): string {\n  return \`\${item.id}: \${item.name}\`;\n}\n`,
  js: (i) => `const values${i} = [1, 2, 3].map((n) => n * ${i});\nconsole.log(values${i}.join(', '));\n`,
  bash: (i) => `npm install --save-dev example-${i}\nnpx evergreen build --root ./book-${i}\n`,
  json: (i) => `{\n  "name": "example-${i}",\n  "version": "1.${i}.0",\n  "private": true\n}\n`,
  python: (i) => `def square_${i}(x: int) -> int:\n    return x * x + ${i}\n`,
  rust: (i) => `fn main() {\n    let n: u32 = ${i};\n    println!("{}", n * 2);\n}\n`,
  yaml: (i) => `title: Example ${i}\nchapters:\n  - intro.md\n`,
  css: (i) => `.box-${i} {\n  display: grid;\n  gap: ${i % 9}px;\n}\n`,
};

/**
 * Writes `<dir>/manuscript/` with `chapters` chapters of about `words` words in total, `codeBlocks`
 * fenced blocks in several languages, tables, footnotes and links across chapters, and `samples`
 * runnable TypeScript samples with output blocks (some multi-file, some with expected errors).
 */
export function generateBook(dir, options = {}) {
  const { chapters = 60, words = 200_000, codeBlocks = 1200, samples = 0, seed = 42, formats = ['html'] } = options;
  const random = prng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const manuscript = path.join(dir, 'manuscript');
  mkdirSync(manuscript, { recursive: true });
  const names = Array.from({ length: chapters }, (_, i) => `chapter-${String(i + 1).padStart(2, '0')}.md`);
  const wordsPerChapter = Math.round(words / chapters);
  const blocksPerChapter = Math.round(codeBlocks / chapters);
  const samplesPerChapter = Math.ceil(samples / chapters);
  let sampleCount = 0;
  const langs = Object.keys(codeSamples);

  const sentence = () => {
    const n = 8 + Math.floor(random() * 14);
    const text = Array.from({ length: n }, () => pick(vocabulary)).join(' ');
    return `${text[0].toUpperCase() + text.slice(1)}.`;
  };

  names.forEach((name, c) => {
    const parts = [`---\nid: ch${c + 1}\n---\n`, `# Chapter ${c + 1}: ${pick(vocabulary)} and ${pick(vocabulary)}\n`];
    let written = 0;
    let section = 0;
    let blocks = 0;
    let chapterSamples = 0;
    while (written < wordsPerChapter) {
      if (written >= (section * wordsPerChapter) / 6) {
        section++;
        parts.push(`## Section ${c + 1}.${section} {#s${section}}\n`);
      }
      const paragraph = Array.from({ length: 3 + Math.floor(random() * 4) }, sentence).join(' ');
      written += paragraph.split(' ').length;
      const target = (c + 1 + Math.floor(random() * chapters)) % chapters;
      const link = random() < 0.25 ? ` See [chapter ${target + 1}](${names[target]}#s1).` : '';
      const note = random() < 0.05 ? `[^n${written}]` : '';
      parts.push(`${paragraph}${link}${note}\n`);
      if (note) parts.push(`[^n${written}]: A footnote about ${pick(vocabulary)} ${pick(vocabulary)}.\n`);
      if (blocks < blocksPerChapter && random() < 0.5) {
        const lang = langs[blocks % langs.length];
        parts.push(`\`\`\`${lang}\n${codeSamples[lang](c * 100 + blocks)}\`\`\`\n`);
        blocks++;
      }
      if (random() < 0.04) {
        parts.push(`| Option | Type | Default |\n| ------ | ---- | ------- |\n${Array.from({ length: 4 }, (_, r) => `| opt${r} | ${pick(vocabulary)} | ${r} |`).join('\n')}\n`);
      }
      if (chapterSamples < samplesPerChapter && sampleCount < samples && random() < 0.3) {
        parts.push(runnableSample(sampleCount++));
        chapterSamples++;
      }
    }
    while (blocks < blocksPerChapter) {
      const lang = langs[blocks % langs.length];
      parts.push(`\`\`\`${lang}\n${codeSamples[lang](c * 100 + blocks)}\`\`\`\n`);
      blocks++;
    }
    while (chapterSamples < samplesPerChapter && sampleCount < samples) {
      parts.push(runnableSample(sampleCount++));
      chapterSamples++;
    }
    writeFileSync(path.join(manuscript, name), parts.join('\n'));
  });
  const yaml = [
    `title: The Generated Book`,
    `authors: [Benchmark]`,
    `formats: [${formats.join(', ')}]`,
    `samples: ${samples > 0 ? 'all' : 'none'}`,
    'chapters:',
    ...names.map((n) => `  - ${n}`),
  ].join('\n');
  writeFileSync(path.join(manuscript, 'book.yaml'), `${yaml}\n`);
  return { manuscript, chapters: names };
}

/** Every tenth sample has two files, every seventh expects a type error; the rest print their result. */
function runnableSample(i) {
  if (i % 10 === 9) {
    return `\`\`\`ts\n// @filename: math${i}.ts\nexport const twice = (n: number) => n * 2;\n// @filename: main${i}.ts\nimport { twice } from './math${i}.js';\nconsole.log(twice(${i}));\n\`\`\`\n\n\`\`\`output\n${i * 2}\n\`\`\`\n`;
  }
  if (i % 7 === 6) {
    return `\`\`\`ts\n// @errors: 2322\nconst count${i}: number = 'not a number';\nconsole.log(typeof count${i});\n\`\`\`\n`;
  }
  return `\`\`\`ts\nconst items${i}: number[] = [${i}, ${i + 1}, ${i + 2}];\nconst total${i} = items${i}.reduce((sum, n) => sum + n, 0);\nconsole.log(\`total: \${total${i}}\`);\n\`\`\`\n\n\`\`\`output\ntotal: ${3 * i + 3}\n\`\`\`\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node scripts/generate-book.mjs DIR [--samples N]');
    process.exit(2);
  }
  const samplesIndex = process.argv.indexOf('--samples');
  generateBook(dir, { samples: samplesIndex > 0 ? Number(process.argv[samplesIndex + 1]) : 0 });
  console.log(`generated ${dir}`);
}
