// Math, numbered cross-references, the index and Mermaid diagrams on the large generated book: the same book
// with and without them, cold builds in one run, as a ratio (the target: at most 1.25×).
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTwoslashBook } from './generate-twoslash-book.mjs';
import { runWithDescendants } from './process-tree-cpu.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

const formulas = [
  (i) => `$\\sum_{k=1}^{${i}} k^2 = \\frac{${i}(${i}+1)(2\\cdot ${i}+1)}{6}$`,
  (i) => `$f_{${i}}(x) = \\int_0^x e^{-t^2}\\,dt$`,
  (i) => `$\\mathbf{v}_{${i}} \\cdot \\mathbf{w} = \\lVert v \\rVert \\lVert w \\rVert \\cos\\theta$`,
];

const diagram = (i) => `\`\`\`mermaid\nflowchart LR\n  A${i}[Source ${i}] --> B${i}{Checked?}\n  B${i} -->|yes| C${i}[Published]\n  B${i} -->|no| D${i}[Error ${i}]\n\`\`\``;

/**
 * Adds 100 formulas (half inline, half labelled display equations), a reference to each equation, 100 index
 * marks and 20 Mermaid diagrams (one in each of the first 20 chapters).
 */
export function addFeatures(manuscript, chapters) {
  const total = 100;
  let made = 0;
  chapters.forEach((name, c) => {
    const file = path.join(manuscript, name);
    const extra = c < 20 ? [diagram(c)] : [];
    for (let k = 0; made < total && k < Math.ceil(total / chapters.length); k++, made++) {
      if (made % 2 === 0) {
        extra.push(`An inline formula ${formulas[made % 3](made)} in the text of a <span class="index" data-term="formulas!inline">paragraph</span>.`);
      } else {
        extra.push(
          `$$\n\\begin{aligned} a_{${made}} &= \\sqrt{b^2 + c_{${made}}^2} \\\\ &\\le \\frac{1}{n}\\sum_i x_i \\end{aligned}\n$$ {#eq:e${made}}\n\nAs @eq:e${made} shows, the <span class="index" data-term="bounds">bound</span> holds.`,
        );
      }
    }
    if (extra.length) appendFileSync(file, `\n\n${extra.join('\n\n')}\n`);
  });
}

/** One cold HTML build in a fresh CLI process: no caches, the shared type store included. */
function coldBuild(cli, dir) {
  rmSync(path.join(dir, '.evergreen'), { recursive: true, force: true });
  return cli(['build', '--root', dir, '--format', 'html', '--no-cache']);
}

/**
 * A cold HTML build whose CPU time includes Chromium's (the browser that draws the diagrams is a child
 * process whose time the CLI's own usage leaves out): the CLI's own CPU plus its descendants'.
 */
async function coldBuildWithBrowser(dir) {
  rmSync(path.join(dir, '.evergreen'), { recursive: true, force: true });
  const run = await runWithDescendants([path.join(here, 'measure-cli.mjs'), 'build', '--root', dir, '--format', 'html', '--no-cache'], {
    ...process.env,
    NO_COLOR: '1',
    CI: '1',
  });
  if (run.status !== 0) throw new Error(`evergreen build --root ${dir} failed:\n${run.stderr}`);
  const marker = run.stderr.split('\n').find((l) => l.startsWith('__BENCH__'));
  const own = marker ? JSON.parse(marker.slice(9)).cpuMs : Number.NaN;
  return { wallMs: run.wallMs, cpuMs: own + (run.descendantsCpuMs ?? 0), browserCpuMs: run.descendantsCpuMs };
}

export async function run({ report, fmt, median, cli, runs, generateBook }) {
  const plainDir = mkdtempSync(path.join(os.tmpdir(), 'evergreen-bench-plain-'));
  const mathDir = mkdtempSync(path.join(os.tmpdir(), 'evergreen-bench-math-'));
  try {
    generateBook(plainDir, { chapters: 60, words: 200_000, codeBlocks: 1200 });
    const { manuscript, chapters } = generateBook(mathDir, { chapters: 60, words: 200_000, codeBlocks: 1200 });
    addFeatures(manuscript, chapters);
    const text = chapters.map((c) => readFileSync(path.join(manuscript, c), 'utf8')).join('\n');
    const count = (text.match(/^\$\$$/gm) ?? []).length + (text.match(/An inline formula/g) ?? []).length;
    const diagrams = (text.match(/^```mermaid$/gm) ?? []).length;
    const plain = [];
    const math = [];
    // Interleaved, so a change in the machine's load hits both books alike.
    for (let i = 0; i < runs; i++) {
      plain.push(await coldBuildWithBrowser(plainDir));
      math.push(await coldBuildWithBrowser(mathDir));
    }
    const wall = (list) => median(list.map((r) => r.wallMs));
    const cpu = (list) => median(list.map((r) => r.cpuMs));
    const browser = median(math.map((r) => r.browserCpuMs ?? Number.NaN));
    report('HTML cold build, large book', fmt(wall(plain)), `CPU ${fmt(cpu(plain))} · without formulas`);
    report(
      `HTML cold build, large book + ${count} formulas + ${diagrams} diagrams`,
      fmt(wall(math)),
      `CPU ${fmt(cpu(math))} (Chromium ${fmt(browser)}) · ${(wall(math) / wall(plain)).toFixed(2)}× (CPU ${(cpu(math) / cpu(plain)).toFixed(2)}×) · target ≤ 1.25× (half of them labelled equations, each referenced; 100 index marks)`,
    );
  } finally {
    rmSync(plainDir, { recursive: true, force: true });
    rmSync(mathDir, { recursive: true, force: true });
  }

  // Type hovers: quick info for every identifier is type-check work of its own. The twoslash book (432
  // samples) cold, with and without `hovers: false`, interleaved; the type store is per book folder.
  const hoversOn = mkdtempSync(path.join(os.tmpdir(), 'evergreen-bench-hovers-'));
  const hoversOff = mkdtempSync(path.join(os.tmpdir(), 'evergreen-bench-nohovers-'));
  try {
    const { counts } = generateTwoslashBook(hoversOn);
    const { manuscript } = generateTwoslashBook(hoversOff);
    appendFileSync(path.join(manuscript, 'book.yaml'), 'hovers: false\n');
    const cold = (dir) => coldBuild(cli, dir);
    const on = [];
    const off = [];
    for (let i = 0; i < runs; i++) {
      off.push(cold(hoversOff));
      on.push(cold(hoversOn));
    }
    const wall = (list) => median(list.map((r) => r.wallMs));
    const cpu = (list) => median(list.map((r) => r.cpuMs));
    report(`HTML cold build, twoslash book (${counts.samples} samples), hovers off`, fmt(wall(off)), `CPU ${fmt(cpu(off))}`);
    report(
      'HTML cold build, twoslash book, hovers on',
      fmt(wall(on)),
      `CPU ${fmt(cpu(on))} · ${(wall(on) / wall(off)).toFixed(2)}× (CPU ${(cpu(on) / cpu(off)).toFixed(2)}×) · target ≤ 1.25×`,
    );
  } finally {
    rmSync(hoversOn, { recursive: true, force: true });
    rmSync(hoversOff, { recursive: true, force: true });
  }
}
