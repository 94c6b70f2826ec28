#!/usr/bin/env node
// Releases two far-apart commits of a real Markdown book with Evergreen and keeps the reader's diff.
//
//   node docs/examples/make-real-book-example.mjs <git-repo> <folder-in-repo> <old-commit> <new-commit> <out-dir>
//
// The book's chapters are taken verbatim from each commit (git show); only front matter is added
// (`id` from the file name, `title` from the chapter's own "# Chapter N: …" heading), since the source
// repository has no book.yaml. Both versions are released with `evergreen release`, then the
// "What changed since 1.0.0" page and `evergreen diff 1.0.0 2.0.0` are copied to <out-dir>.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [repo, folder, oldCommit, newCommit, outDir] = process.argv.slice(2);
if (!outDir) {
  console.error('usage: make-real-book-example.mjs <git-repo> <folder> <old-commit> <new-commit> <out-dir>');
  process.exit(2);
}
const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'evergreen.js');
const git = (...args) => execFileSync('git', ['--git-dir', path.join(repo, '.git').replace(/\.git\/\.git$/, '.git'), ...args], { maxBuffer: 1 << 28 });
const gitDir = execFileSync('git', ['-C', repo, 'rev-parse', '--git-dir']).toString().trim();
const show = (commit, file) => execFileSync('git', ['--git-dir', path.resolve(repo, gitDir), 'show', `${commit}:${file}`], { maxBuffer: 1 << 28 });
const list = (commit) =>
  execFileSync('git', ['--git-dir', path.resolve(repo, gitDir), 'ls-tree', '-r', '--name-only', commit, `${folder}/`])
    .toString()
    .split('\n')
    .filter(Boolean);
const date = (commit) => execFileSync('git', ['--git-dir', path.resolve(repo, gitDir), 'show', '-s', '--format=%cs', commit]).toString().trim();
void git;

const order = ['foreword.md', 'ch1.md', 'ch2.md', 'ch3.md', 'ch4.md', 'ch5.md', 'ch6.md', 'ch7.md', 'ch8.md', 'apA.md', 'apB.md'];
const root = mkdtempSync(path.join(os.tmpdir(), 'evergreen-real-book-'));

function checkout(commit) {
  rmSync(path.join(root, 'manuscript'), { recursive: true, force: true });
  mkdirSync(path.join(root, 'manuscript'), { recursive: true });
  const files = list(commit);
  const chapters = [];
  for (const file of files) {
    const rel = file.slice(folder.length + 1);
    const target = path.join(root, 'manuscript', rel);
    mkdirSync(path.dirname(target), { recursive: true });
    let bytes = show(commit, file);
    if (rel.endsWith('.md')) {
      if (!order.includes(rel)) continue;
      const text = bytes.toString('utf8');
      const heading = text.match(/^# ((?:Chapter|Appendix|Foreword)[^\n]*)$/m)?.[1] ?? (rel === 'foreword.md' ? 'Foreword' : rel);
      bytes = Buffer.from(`---\nid: ${rel.replace(/\.md$/, '')}\ntitle: ${JSON.stringify(heading.trim())}\n---\n${text}`);
      chapters.push(rel);
    }
    writeFileSync(target, bytes);
  }
  chapters.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  writeFileSync(
    path.join(root, 'manuscript', 'book.yaml'),
    `title: "You Don't Know JS Yet: Scope & Closures"\nauthors: [Kyle Simpson]\nslug: scope-closures\nformats: [html]\nsamples: none\nchapters:\n${chapters.map((c) => `  - ${c}`).join('\n')}\n`,
  );
}

const run = (...args) => execFileSync(process.execPath, [cli, ...args, '--root', root], { stdio: ['ignore', 'pipe', 'inherit'] }).toString();
checkout(oldCommit);
writeFileSync(path.join(root, 'notes-1.md'), `The book as of commit ${oldCommit} (${date(oldCommit)}).\n`);
run('release', '1.0.0', '--yes', '--date', date(oldCommit), '--notes', path.join(root, 'notes-1.md'));
checkout(newCommit);
writeFileSync(path.join(root, 'notes-2.md'), `The book as of commit ${newCommit} (${date(newCommit)}).\n`);
run('release', '2.0.0', '--yes', '--date', date(newCommit), '--notes', path.join(root, 'notes-2.md'));

mkdirSync(path.join(outDir, 'assets'), { recursive: true });
const started = performance.now();
const summary = run('diff', '1.0.0', '2.0.0');
const ms = performance.now() - started;
writeFileSync(path.join(outDir, 'diff-summary.txt'), summary);
writeFileSync(path.join(outDir, 'diff-detail.txt'), run('diff', '1.0.0', '2.0.0', '--detail'));
const site = path.join(root, 'dist', 'site');
cpSync(path.join(site, 'changes-since-1.0.0.html'), path.join(outDir, 'changes-since-1.0.0.html'));
for (const f of ['book.css', 'site.css']) cpSync(path.join(site, 'assets', f), path.join(outDir, 'assets', f));
cpSync(path.join(site, 'changes', '1.0.0..2.0.0.json'), path.join(outDir, 'changes-1.0.0..2.0.0.json'));
console.log(`book: ${root}\ndiff command: ${Math.round(ms)} ms (including Node start-up)`);
