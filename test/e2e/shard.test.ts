import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { build, openProject } from '../../src/index.js';
import { evergreen, type JsonReport, repoRoot } from './checkHelpers.js';

// `check --shard i/n` and `--merge-reports DIR`: shards split a twoslash book deterministically, every
// sample lands in exactly one shard, and the merged report says what one unsharded check says.
const chapter = (n: number, crlf: boolean) => {
  const blocks: string[] = [`---\ntitle: Part ${n}\n---\n`, 'Some prose.\n'];
  for (let i = 0; i < 6; i++) {
    const k = n * 10 + i;
    if (i % 3 === 0) blocks.push(`\`\`\`ts twoslash\nconst v${k} = [${k}].map((x) => x + 1);\n//    ^?\nconsole.log(v${k}.join(","));\n\`\`\`\n\n\`\`\`output\n${k + 1}\n\`\`\`\n`);
    else if (i % 3 === 1) blocks.push(`\`\`\`ts twoslash\n// @errors: 2322\nlet c${k}: number = 0;\nc${k} = "zero";\n\`\`\`\n`);
    else blocks.push(`\`\`\`ts twoslash\ninterface S${k} { a: number }\ndeclare const s${k}: S${k};\n// ---cut---\nconst a${k} = s${k}.a;\n//    ^?\n\`\`\`\n`);
  }
  // One sample that fails, so that a merged report must carry a failure through.
  if (n === 2) blocks.push('```ts twoslash\nconst wrong: string = 42;\n```\n');
  const text = blocks.join('\n');
  return crlf ? text.replace(/\n/g, '\r\n') : text;
};

function writeBook(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'evergreen-shard-'));
  mkdirSync(path.join(root, 'manuscript'));
  writeFileSync(path.join(root, 'manuscript', 'book.yaml'), 'title: Shards\nchapters: [one.md, two.md, three.md]\n');
  ['one', 'two', 'three'].forEach((name, i) => writeFileSync(path.join(root, 'manuscript', `${name}.md`), chapter(i + 1, i === 1)));
  return root;
}

const parse = (stdout: string) => JSON.parse(stdout) as JsonReport & { shard?: { index: number; total: number; bookSamples: number } };

describe('evergreen check --shard / --merge-reports', () => {
  let root: string;
  let full: ReturnType<typeof parse>;

  beforeAll(() => {
    root = writeBook();
    const run = evergreen(['check', '--root', root, '--reporter', 'json', '--no-cache']);
    expect(run.status, run.stderr).toBe(1);
    full = parse(run.stdout);
    expect(full.samples).toHaveLength(19);
    expect(full.failed).toBe(1);
  }, 180_000);

  it('covers every sample exactly once for n = 1…4, and the same shard is the same set on every run', () => {
    const everyName = full.samples.map((s) => s.name).sort();
    for (const n of [1, 2, 4]) {
      const seen: string[] = [];
      for (let i = 1; i <= n; i++) {
        const shard = parse(evergreen(['check', '--root', root, '--reporter', 'json', '--shard', `${i}/${n}`]).stdout);
        expect(shard.shard).toEqual({ index: i, total: n, bookSamples: 19 });
        seen.push(...shard.samples.map((s) => s.name));
        // Balanced by estimated cost (runnable samples weigh more), so no shard is left empty.
        expect(shard.samples.length).toBeGreaterThan(0);
      }
      expect(seen.sort()).toEqual(everyName);
    }
    const again = (i: number) => parse(evergreen(['check', '--root', root, '--reporter', 'json', '--shard', `${i}/4`]).stdout).samples.map((s) => s.name);
    expect(again(3)).toEqual(again(3));
  }, 300_000);

  it('merges the shards into the unsharded verdicts and one summary line', () => {
    const reports = mkdtempSync(path.join(os.tmpdir(), 'evergreen-shard-reports-'));
    for (let i = 1; i <= 3; i++) {
      const run = evergreen(['check', '--root', root, '--reporter', 'json', '--shard', `${i}/3`, '--no-cache']);
      writeFileSync(path.join(reports, `shard-${i}.json`), run.stdout);
    }
    const merged = evergreen(['check', '--merge-reports', reports, '--reporter', 'json']);
    expect(merged.status).toBe(1);
    const report = parse(merged.stdout);
    expect({ passed: report.passed, failed: report.failed }).toEqual({ passed: full.passed, failed: full.failed });
    const verdicts = (r: JsonReport) => r.samples.map((s) => `${s.name} ${s.status}`).sort();
    expect(verdicts(report)).toEqual(verdicts(full));
    const pretty = evergreen(['check', '--merge-reports', reports]);
    const lines = pretty.stdout.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^18 passed, 1 failed · TypeScript /);
    expect(pretty.stdout).toContain('two.md');
    const junit = evergreen(['check', '--merge-reports', reports, '--reporter', 'junit']).stdout;
    expect(junit).toMatch(/<testsuites name="evergreen check" tests="19" failures="1"/);

    // A missing shard is an error, never a smaller report that passes.
    rmSync(path.join(reports, 'shard-2.json'));
    const incomplete = evergreen(['check', '--merge-reports', reports]);
    expect(incomplete.status).toBe(1);
    expect(incomplete.stdout).toContain('shard 2/3 is missing: its samples were not checked');
  }, 300_000);

  it('balances by the committed timings file: a sample measured slow gets a shard of its own', () => {
    const written = evergreen(['check', '--root', root, '--write-timings']);
    expect(written.stderr).toContain('sample-timings.json');
    const timings = JSON.parse(readFileSync(path.join(root, 'sample-timings.json'), 'utf8')) as { version: number; samples: Record<string, number> };
    expect(timings.version).toBe(1);
    const keys = Object.keys(timings.samples);
    expect(keys.length).toBeGreaterThan(10);
    // Pretend one sample takes a minute: it outweighs all others, so its shard holds it alone.
    const slow = keys[0]!;
    writeFileSync(path.join(root, 'sample-timings.json'), JSON.stringify({ version: 1, samples: { ...timings.samples, [slow]: 60_000 } }));
    const shards = [1, 2].map((i) => parse(evergreen(['check', '--root', root, '--reporter', 'json', '--shard', `${i}/2`]).stdout));
    const sizes = shards.map((s) => s.samples.length).sort((a, b) => a - b);
    expect(sizes).toEqual([1, 18]);
    rmSync(path.join(root, 'sample-timings.json'));
  }, 300_000);

  it('rejects a malformed shard with a usage error', () => {
    for (const bad of ['0/3', '4/3', 'two/3', '1/0']) {
      const run = evergreen(['check', '--root', root, '--shard', bad]);
      expect(run.status, bad).toBe(2);
      expect(run.stderr).toMatch(/shard/);
    }
  }, 120_000);

  it('prints the time split with --timings', () => {
    const run = evergreen(['check', '--root', root, '--timings', '--no-cache']);
    expect(run.stderr).toMatch(/timings: load \d+(\.\d+)? m?s · type-check \d+(\.\d+)? m?s · run .* · compare \d+/);
  }, 120_000);

  it('build after check type-checks nothing: the types come from the shared result store', async () => {
    evergreen(['check', '--root', root]);
    const project = await openProject({ root, workers: false });
    try {
      const result = await build(project, { formats: ['html'] });
      expect(result.stats['samples.typeChecked']).toBe(0);
    } finally {
      await project.close();
    }
    // A fresh book with no store does type-check while building: the figure above is not always 0.
    const fresh = writeBook();
    const freshProject = await openProject({ root: fresh, workers: false });
    try {
      const result = await build(freshProject, { formats: ['html'] });
      expect(result.stats['samples.typeChecked']).toBeGreaterThan(5);
    } finally {
      await freshProject.close();
    }
    // The next build (after a one-line edit) type-checks nothing, printing samples included.
    const edited = path.join(fresh, 'manuscript', 'one.md');
    writeFileSync(edited, `${readFileSync(edited, 'utf8')}\nOne more line.\n`);
    const again = await openProject({ root: fresh, workers: false });
    try {
      const result = await build(again, { formats: ['html'] });
      expect(result.stats['samples.typeChecked']).toBe(0);
    } finally {
      await again.close();
    }
    // Types stored by a build are not a verdict: check still runs the printing samples and compares them.
    const checked = parse(evergreen(['check', '--root', fresh, '--reporter', 'json']).stdout);
    const printing = checked.samples.filter((s) => s.actualOutput !== undefined);
    expect(printing.length).toBe(6);
    expect(printing.every((s) => !s.cached && s.status === 'passed')).toBe(true);
  }, 300_000);

  it('the init scaffold’s workflow checks in a shard matrix and merges the shards, and its commands work as written', () => {
    const target = path.join(mkdtempSync(path.join(os.tmpdir(), 'evergreen-shard-init-')), 'book');
    expect(evergreen(['init', target, '--title', 'Sharded']).status).toBe(0);
    const workflow = parseYaml(readFileSync(path.join(target, '.github', 'workflows', 'book.yml'), 'utf8')) as {
      jobs: Record<string, { needs?: string; strategy?: { matrix: { shard: number[]; total: number[] } }; steps: { run?: string }[] }>;
    };
    const { shard, total } = workflow.jobs.check!.strategy!.matrix;
    expect(shard).toEqual(Array.from({ length: total[0]! }, (_, i) => i + 1));
    expect(workflow.jobs.build!.needs).toBe('check');
    const commands = Object.values(workflow.jobs)
      .flatMap((job) => job.steps.map((step) => step.run))
      .filter((run): run is string => run?.includes('evergreen check') ?? false);
    expect(commands).toHaveLength(2);
    // Run what each shard and the merge job run, on the scaffolded book.
    const cli = `"${process.execPath}" "${path.join(repoRoot, 'bin', 'evergreen.js')}"`;
    for (const i of shard)
      execSync(commands[0]!.replaceAll('${{ matrix.shard }}', String(i)).replaceAll('${{ matrix.total }}', String(total[0])).replaceAll('npx evergreen', cli), {
        cwd: target,
        stdio: 'pipe',
        timeout: 120_000,
      });
    const merged = execSync(commands[1]!.replaceAll('npx evergreen', cli), { cwd: target, encoding: 'utf8', timeout: 120_000 });
    expect(merged.trim().split('\n').at(-1)).toMatch(/^[1-9]\d* passed, 0 failed/);
  }, 300_000);
});
