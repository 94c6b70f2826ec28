// Sample checking benchmark (part of `npm run bench`): a generated book with 300 runnable samples with
// output blocks, some multi-file and some with expected errors. Cold and warm checks are whole CLI runs;
// the edited-sample figure is in-process with a warm CheckSession, as `evergreen dev` uses it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export async function run({ report, fmt, median, cli, runs, generateBook }) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'evergreen-bench-samples-'));
  const { manuscript, chapters } = generateBook(root, { chapters: 30, words: 30_000, codeBlocks: 0, samples: 300 });
  const cold = [];
  for (let i = 0; i < runs; i++) {
    rmSync(path.join(root, '.evergreen'), { recursive: true, force: true });
    cold.push(cli(['check', '--root', root]));
  }
  report(
    'check 300 samples, cold (whole CLI run)',
    fmt(median(cold.map((r) => r.wallMs))),
    `CPU ${fmt(median(cold.map((r) => r.cpuMs)))} · peak RSS ${Math.round(Math.max(...cold.map((r) => r.maxRssKb)) / 1024)} MB · target < 5 s`,
  );
  const warm = [];
  for (let i = 0; i < runs; i++) warm.push(cli(['check', '--root', root]));
  report('check 300 samples, warm/cached (whole CLI run)', fmt(median(warm.map((r) => r.wallMs))), `CPU ${fmt(median(warm.map((r) => r.cpuMs)))} · target < 0.5 s`);

  const { CheckSession } = await import('../lib/samples/index.js');
  const { openProject } = await import('../lib/index.js');
  const session = new CheckSession();
  const project = await openProject({ root, workers: false });
  try {
    await session.check({ book: project.book });
    const file = path.join(manuscript, chapters[4]);
    const original = readFileSync(file, 'utf8');
    const times = [];
    for (let i = 0; i < Math.max(5, runs); i++) {
      // Change what one sample prints, and its output block with it, so the sample still passes.
      const edited = original.replace(
        /console\.log\(`total: \$\{(total\d+)\}`\);\n```\n\n```output\ntotal: (\d+)\n/,
        (_m, name, total) => `console.log(\`total: \${${name}} (${i})\`);\n\`\`\`\n\n\`\`\`output\ntotal: ${total} (${i})\n`,
      );
      if (edited === original) throw new Error('bench: no sample to edit');
      writeFileSync(file, edited);
      const started = performance.now();
      const result = await session.check({ book: await project.reload(new Set([file])), files: [file] });
      times.push(performance.now() - started);
      if (result.failed > 0) throw new Error(`bench: edited sample failed: ${result.diagnostics[0]?.message}`);
    }
    writeFileSync(file, original);
    report('re-check after editing one sample (warm session)', fmt(median(times)), 'target < 1 s');
  } finally {
    session.close();
    await project.close();
    rmSync(root, { recursive: true, force: true });
  }
}
