// Generates a deterministic twoslash-heavy book modelled on the TypeScript Handbook: `ts twoslash` fences
// with `^?` queries, `// @errors`, `---cut---` setup, `// @filename` multi-file samples and compiler flags,
// a few runnable samples with output blocks, CRLF chapters, front-matter titles and chapters without an H1.
// Same options, same bytes, on every machine (seeded, no Math.random).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { prng } from './generate-book.mjs';

const words = (
  'types narrow when the compiler follows control flow through a function and each branch refines what a value ' +
  'may be so that later code can rely on it without casts generics keep the relation between inputs and outputs'
).split(' ');

/** Sample shapes in the proportions the Handbook has them (most show types, many expect errors). */
const shapes = [
  // A query on a narrowed value.
  (i) =>
    `\`\`\`ts twoslash\nfunction pad${i}(padding: number | string, input: string): string {\n  if (typeof padding === "number") {\n    return " ".repeat(padding) + input;\n    //                ^?\n  }\n  return padding + input;\n  //     ^?\n}\n\`\`\`\n`,
  // An expected error.
  (i) => `\`\`\`ts twoslash\n// @errors: 2322\nlet count${i}: number = 0;\ncount${i} = "zero";\n\`\`\`\n`,
  // Setup hidden above the cut, a query below it.
  (i) =>
    `\`\`\`ts twoslash\ninterface Shape${i} {\n  kind: "circle" | "square";\n  size: number;\n}\ndeclare const shape${i}: Shape${i};\n// ---cut---\nconst area${i} = shape${i}.kind === "circle" ? Math.PI * shape${i}.size ** 2 : shape${i}.size ** 2;\n//    ^?\n\`\`\`\n`,
  // Two files.
  (i) =>
    `\`\`\`ts twoslash\n// @filename: box${i}.ts\nexport interface Box${i}<T> {\n  contents: T;\n}\nexport function box${i}<T>(contents: T): Box${i}<T> {\n  return { contents };\n}\n// @filename: main${i}.ts\nimport { box${i} } from "./box${i}";\nconst b${i} = box${i}("hello");\n//    ^?\n\`\`\`\n`,
  // A generic function with an error and a query.
  (i) =>
    `\`\`\`ts twoslash\n// @errors: 2322\nfunction firstOf${i}<T>(items: T[]): T | undefined {\n  return items[0];\n}\nconst n${i} = firstOf${i}([1, 2, 3]);\n//    ^?\nfirstOf${i}<string>([1]);\n\`\`\`\n`,
  // A compiler flag.
  (i) => `\`\`\`ts twoslash\n// @strictNullChecks: false\nfunction len${i}(s: string | undefined) {\n  return s.length;\n  //     ^?\n}\n\`\`\`\n`,
  // Mapped and conditional types.
  (i) =>
    `\`\`\`ts twoslash\ntype Flags${i}<T> = { [K in keyof T]: boolean };\ntype Features${i} = { darkMode: () => void; newUserProfile: () => void };\ntype Options${i} = Flags${i}<Features${i}>;\n//   ^?\ntype Unwrap${i}<T> = T extends Promise<infer U> ? U : T;\ntype R${i} = Unwrap${i}<Promise<string>>;\n//   ^?\n\`\`\`\n`,
  // A plain block the reader only reads (no twoslash).
  (i) => `\`\`\`ts\nconst greeting${i} = "hello";\nconsole.log(greeting${i}.toUpperCase());\n\`\`\`\n`,
  // A class with an error on a private member.
  (i) =>
    `\`\`\`ts twoslash\n// @errors: 2341\nclass Account${i} {\n  private balance = 0;\n  deposit(amount: number) {\n    this.balance += amount;\n  }\n}\nconst a${i} = new Account${i}();\na${i}.balance;\n\`\`\`\n`,
  // A twoslash sample that prints: run under the run policy, compared with its output block.
  (i) =>
    `\`\`\`ts twoslash\nconst values${i} = [${i}, ${i + 1}, ${i + 2}].map((n) => n * 2);\n//    ^?\nconsole.log(values${i}.join(", "));\n\`\`\`\n\n\`\`\`output\n${[i, i + 1, i + 2].map((n) => n * 2).join(', ')}\n\`\`\`\n`,
];

/**
 * Writes `<dir>/manuscript/` with `chapters` chapters holding `samples` code blocks in the shapes above
 * (every shape in turn), about `wordsPerSample` words of prose around each. Every third chapter has CRLF
 * line ends; chapters take their title from front matter (some have no H1 at all, as in the Handbook).
 */
export function generateTwoslashBook(dir, options = {}) {
  const { chapters = 16, samples = 480, wordsPerSample = 120, seed = 7 } = options;
  const random = prng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const sentence = () => {
    const text = Array.from({ length: 8 + Math.floor(random() * 12) }, () => pick(words)).join(' ');
    return `${text[0].toUpperCase() + text.slice(1)}.`;
  };
  const paragraph = (n) => {
    const out = [];
    for (let w = 0; w < n; ) {
      const s = sentence();
      out.push(s);
      w += s.split(' ').length;
    }
    return out.join(' ');
  };
  const manuscript = path.join(dir, 'manuscript');
  mkdirSync(manuscript, { recursive: true });
  const names = Array.from({ length: chapters }, (_, i) => `Chapter ${String(i + 1).padStart(2, '0')}.md`);
  const perChapter = Math.ceil(samples / chapters);
  let written = 0;
  const counts = { samples: 0, queries: 0, errors: 0, cuts: 0, multiFile: 0, crlf: 0 };
  names.forEach((name, c) => {
    const title = `Types, part ${c + 1}`;
    // Front matter as the Handbook has it; every other chapter also has an H1 (the rest rely on the front matter).
    const parts = [`---\ntitle: ${title}\nlayout: docs\noneline: "${sentence()}"\n---\n`];
    if (c % 2 === 0) parts.push(`# ${title}\n`);
    parts.push(`${paragraph(wordsPerSample)}\n`);
    for (let s = 0; s < perChapter && written < samples; s++, written++) {
      if (s % 6 === 0) parts.push(`## Section ${c + 1}.${s / 6 + 1}\n`);
      const block = shapes[written % shapes.length](written);
      parts.push(block, `${paragraph(wordsPerSample)}\n`);
      counts.samples++;
      counts.queries += (block.match(/\^\?/g) ?? []).length;
      if (block.includes('@errors')) counts.errors++;
      if (block.includes('---cut---')) counts.cuts++;
      if (block.includes('@filename')) counts.multiFile++;
    }
    let text = parts.join('\n');
    if (c % 3 === 1) {
      text = text.replace(/\n/g, '\r\n');
      counts.crlf++;
    }
    writeFileSync(path.join(manuscript, name), text);
  });
  const yaml = ['title: The Generated Handbook', 'authors: [Benchmark]', 'formats: [html]', 'chapters:', ...names.map((n) => `  - "${n}"`)].join('\n');
  writeFileSync(path.join(manuscript, 'book.yaml'), `${yaml}\n`);
  return { manuscript, chapters: names, counts };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node scripts/generate-twoslash-book.mjs DIR [--samples N]');
    process.exit(2);
  }
  const samplesIndex = process.argv.indexOf('--samples');
  const { counts } = generateTwoslashBook(dir, samplesIndex > 0 ? { samples: Number(process.argv[samplesIndex + 1]) } : {});
  console.log(`generated ${dir}: ${JSON.stringify(counts)}`);
}
