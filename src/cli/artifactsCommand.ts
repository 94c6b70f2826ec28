import path from 'node:path';
import { Command } from 'commander';
import { colors, createProgress, displayPath } from './terminal.js';

const rootOption = ['--root <dir>', 'book project folder (contains manuscript/book.yaml)', '.'] as const;

function bytes(size: number): string {
  return size >= 1024 * 1024 ? `${(size / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(size / 1024))} KB`;
}

/** `evergreen artifacts verify|fetch|export`: the content-addressed store of published artifacts (outside git). */
export function artifactsCommand(): Command {
  const command = new Command('artifacts').description(
    'The published PDF, HTML zip and EPUB of every release: kept by sha256 outside git; verify, fetch (after a fresh clone) or export them',
  );
  command
    .command('verify')
    .description('Check every published artifact against the sha256 the release history records')
    .option('--release <version>', 'only this release')
    .option(...rootOption)
    .action(async (opts: { root: string; release?: string }) => {
      const { openProject, verifyArtifacts } = await import('../index.js');
      const project = await openProject({ root: opts.root, workers: false });
      const { store, entries } = await verifyArtifacts(project, { version: opts.release }).finally(() => project.close());
      for (const e of entries) {
        const mark = e.state === 'ok' ? colors.green('✓') : colors.red('✗');
        const where = e.storage === 'store' ? 'store' : `releases/${e.version}/artifacts/`;
        const state = e.state === 'ok' ? '' : e.state === 'missing' ? colors.red(' missing') : colors.red(' damaged (sha256 mismatch)');
        process.stdout.write(`${mark} ${e.version}  ${e.name}  ${bytes(e.size)}  sha256 ${e.sha256.slice(0, 12)}…  ${where}${state}\n`);
      }
      const bad = entries.filter((e) => e.state !== 'ok');
      if (bad.length === 0) {
        process.stderr.write(`${colors.green('✓')} ${entries.length} artifact${entries.length === 1 ? '' : 's'} verified by sha256 (store: ${displayPath(store)})\n`);
        process.exitCode = 0;
        return;
      }
      process.stderr.write(
        `${colors.red('✗')} ${bad.length} of ${entries.length} artifacts ${bad.length === 1 ? 'is' : 'are'} missing or damaged in ${displayPath(store)}: run \`evergreen artifacts fetch\` (it replaces damaged copies with verified ones)\n`,
      );
      process.exitCode = 1;
    });
  command
    .command('fetch')
    .description('Fill the artifact store with every artifact it lacks, accepting only the published sha256 (after a fresh clone)')
    .option(
      '--from <source>',
      'a folder, a URL (a reader site or a store), or a URL template with {sha256}, {name}, {version}; default: release.artifactSource, else the url in book.yaml',
    )
    .option(...rootOption)
    .action(async (opts: { root: string; from?: string }) => {
      const { openProject, fetchArtifacts } = await import('../index.js');
      const project = await openProject({ root: opts.root, workers: false });
      const progress = createProgress();
      const from = opts.from && !/^https?:\/\//i.test(opts.from) && !opts.from.includes('{') ? path.resolve(opts.from) : opts.from;
      const result = await fetchArtifacts(project, { from, progress: progress.update }).finally(() => {
        progress.done();
        return project.close();
      });
      for (const f of result.fetched) process.stderr.write(`${colors.green('✓')} ${f.entry.version}  ${f.entry.name}  sha256 verified, from ${f.from}\n`);
      for (const f of result.failed) {
        process.stderr.write(`${colors.red('✗')} ${f.entry.version}  ${f.entry.name} (sha256 ${f.entry.sha256.slice(0, 12)}…) could not be fetched:\n`);
        for (const t of f.tried) process.stderr.write(`    ${t}\n`);
      }
      const total = result.present.length + result.fetched.length + result.failed.length;
      if (result.failed.length) {
        process.stderr.write(
          `${colors.red('✗')} ${result.failed.length} of ${total} artifacts could not be fetched from ${result.source}; the store keeps only verified bytes (give another source with --from)\n`,
        );
        process.exitCode = 1;
        return;
      }
      process.stderr.write(
        `${colors.green('✓')} ${total} artifact${total === 1 ? '' : 's'} in ${displayPath(result.store)}, every one verified by sha256 (${result.fetched.length} fetched, ${result.present.length} already there)\n`,
      );
      process.exitCode = 0;
    });
  command
    .command('export')
    .description('Copy verified artifacts out of the store: named by sha256 (a store mirror) or, with --names, as readers download them (release assets)')
    .argument('<folder>', 'where to copy them')
    .option('--release <version>', 'only this release (e.g. for `gh release upload v<version> <folder>/*`)')
    .option('--names', 'name the files as readers download them (evergreen-1.2.0.pdf) instead of by sha256')
    .option(...rootOption)
    .action(async (folder: string, opts: { root: string; release?: string; names?: boolean }) => {
      const { openProject, exportArtifacts } = await import('../index.js');
      const project = await openProject({ root: opts.root, workers: false });
      const { written } = await exportArtifacts(project, { to: path.resolve(folder), version: opts.release, names: opts.names }).finally(() => project.close());
      process.stderr.write(`${colors.green('✓')} Exported ${written.length} verified artifact${written.length === 1 ? '' : 's'} to ${displayPath(path.resolve(folder))}\n`);
      process.exitCode = 0;
    });
  return command;
}
