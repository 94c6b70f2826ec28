import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeBook } from '../helpers/cli.js';

// Samples whose types depend on the whole program being checked as one (a union whose members another
// sample creates first, shown by `^?`), an expected error, a failing sample, and samples that run.
const chapters = {
  'manuscript/book.yaml': 'title: Threads\nchapters: [one.md, two.md]\n',
  'manuscript/one.md': [
    '# One',
    '',
    '```ts twoslash',
    'const mode = "auto";',
    'console.log(mode);',
    '```',
    '',
    '```output',
    'auto',
    '```',
    '',
    '```ts twoslash',
    'console.log(1 + 1);',
    '```',
    '',
    '```output',
    '3',
    '```',
    '',
    '```ts twoslash',
    '// @errors: 2322',
    'const count: number = "three";',
    '```',
    '',
  ].join('\n'),
  'manuscript/two.md': [
    '# Two',
    '',
    '```ts twoslash',
    'interface Options {',
    '  width: number;',
    '}',
    'function pad(x: Options | "auto") {',
    '  return x;',
    '  //     ^?',
    '}',
    '```',
    '',
    'A sample with a mistake:',
    '',
    '```ts twoslash',
    'const total: string = 42;',
    '```',
    '',
  ].join('\n'),
};

const profiled = (thread: '0' | '1') => ({ EVERGREEN_PROFILE: '1', EVERGREEN_TYPECHECK_THREAD: thread });
const threadStarted = /type-check thread: compiler loaded/;

function pages(root: string): Record<string, string> {
  const dir = path.join(root, 'dist', 'html');
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.html'))
      .map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]),
  );
}

describe('the type-check thread of a first build', () => {
  it('gives the same pages, types and hovers as checking on the main thread', async () => {
    const threaded = writeBook(chapters);
    const single = tempDir();
    cpSync(threaded, single, { recursive: true });

    const withThread = await runCli(['build', '--format', 'html'], { cwd: threaded, env: profiled('1') });
    const withoutThread = await runCli(['build', '--format', 'html'], { cwd: single, env: profiled('0') });
    expect(withThread.stderr).toMatch(threadStarted);
    expect(withoutThread.stderr).not.toMatch(threadStarted);
    expect(withThread.code).toBe(withoutThread.code);
    const html = pages(threaded);
    expect(Object.keys(html).length).toBeGreaterThan(1);
    expect(html).toEqual(pages(single));
    expect(html['two.html']).toContain('class="hover-info"');
  });

  it('when check is asked to use it, reports the same verdicts at the same lines, and runs what it ran before', async () => {
    const threaded = writeBook(chapters);
    const single = tempDir();
    cpSync(threaded, single, { recursive: true });
    // By default check type-checks on the main thread; EVERGREEN_TYPECHECK_THREAD=1 asks for the thread.
    const byDefault = await runCli(['check', '--reporter', 'json'], { cwd: writeBook(chapters), env: { EVERGREEN_PROFILE: '1' } });
    expect(byDefault.stderr).not.toMatch(threadStarted);
    const withThread = await runCli(['check', '--reporter', 'json'], { cwd: threaded, env: profiled('1') });
    const withoutThread = await runCli(['check', '--reporter', 'json'], { cwd: single, env: profiled('0') });
    expect(withThread.stderr).toMatch(threadStarted);
    expect(withThread.code).toBe(1);
    expect(withoutThread.code).toBe(1);
    const verdicts = (stdout: string, root: string) =>
      (JSON.parse(stdout) as { samples: { name: string; status: string; diagnostics: { line?: number; message: string }[] }[] }).samples.map((s) => ({
        name: s.name,
        status: s.status,
        problems: s.diagnostics.map((d) => `${d.line}: ${d.message}`.replace(root, '')),
      }));
    const threadVerdicts = verdicts(withThread.stdout, threaded);
    expect(threadVerdicts).toEqual(verdicts(withoutThread.stdout, single));
    expect(threadVerdicts.map((v) => v.status)).toEqual(['passed', 'failed', 'passed', 'passed', 'failed']);
    expect(threadVerdicts[4]!.problems.join('\n')).toMatch(/^16: .*TS2322/);
    // Samples with an output block ran: the one whose output is wrong fails for that.
    expect(threadVerdicts[1]!.problems.join('\n')).toMatch(/prints|output/i);
  });

  it('is not started once types are stored: a rebuild after a prose edit type-checks on the main thread, if at all', async () => {
    const root = writeBook(chapters);
    const first = await runCli(['build', '--format', 'html'], { cwd: root, env: profiled('1') });
    expect(first.stderr).toMatch(threadStarted);
    const chapter = path.join(root, 'manuscript', 'one.md');
    writeFileSync(chapter, `${readFileSync(chapter, 'utf8')}\nOne more sentence.\n`);
    const second = await runCli(['build', '--format', 'html'], { cwd: root, env: profiled('1') });
    expect(second.code).toBe(0);
    expect(second.stderr).not.toMatch(threadStarted);
    expect(readFileSync(path.join(root, 'dist', 'html', 'one.html'), 'utf8')).toContain('One more sentence.');
  });

  it('is not started for a book whose samples are not checked: the compiler it began loading is stopped', async () => {
    const root = writeBook({ ...chapters, 'manuscript/book.yaml': 'title: Threads\nchapters: [one.md, two.md]\nsamples: none\n' });
    const build = await runCli(['build', '--format', 'html'], { cwd: root, env: profiled('1') });
    expect(build.code).toBe(0);
    expect(build.stderr).not.toMatch(threadStarted);
    expect(build.stderr).toMatch(/type-check thread: stopped unused \(nothing for it to check\)/);
    expect(readFileSync(path.join(root, 'dist', 'html', 'two.html'), 'utf8')).not.toContain('class="hover-info"');
  });

  it('is stopped when the chapters have no TypeScript sample, and the build does not wait for it', async () => {
    const root = writeBook({
      'manuscript/book.yaml': 'title: Shell\nchapters: [one.md]\n',
      'manuscript/one.md': '# One\n\n```bash\necho hello\n```\n',
    });
    const build = await runCli(['build', '--format', 'html'], { cwd: root, env: profiled('1') });
    expect(build.code, build.stderr).toBe(0);
    expect(build.stderr).toMatch(/type-check thread: stopped unused \(nothing for it to check\)/);
    expect(readFileSync(path.join(root, 'dist', 'html', 'one.html'), 'utf8')).toContain('echo');
  });

  // The thread is started before the book is loaded; a folder without a book must still end the command.
  it('does not keep a command alive that fails before the book is loaded', async () => {
    const root = tempDir();
    const build = await runCli(['build', '--format', 'html'], { cwd: root, env: profiled('1'), timeout: 30_000 });
    expect(build.code).toBe(1);
    expect(build.stderr).toMatch(/book\.yaml is missing/);
  });
});
