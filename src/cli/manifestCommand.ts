import path from 'node:path';
import { Command } from 'commander';
import { colors, displayPath, printDiagnostics } from './terminal.js';

/** `evergreen manifest refresh|rotate-key`: keeping the signed manifest current and changing keys safely. */
export function manifestCommand(): Command {
  const command = new Command('manifest').description("The reader site's signed manifest: re-sign it with a fresh expiry, or hand over to a new signing key");
  command
    .command('refresh')
    .description('Regenerate dist/site from releases/ with a freshly signed manifest (new expiry); for a scheduled CI job')
    .option('--root <dir>', 'book project folder (contains manuscript/book.yaml)', '.')
    .action(async (opts: { root: string }) => {
      const { openProject, refreshManifest } = await import('../index.js');
      const project = await openProject({ root: opts.root, workers: false });
      const site = await refreshManifest(project).finally(() => project.close());
      printDiagnostics(site.diagnostics);
      const manifest = path.join(site.siteDir ?? path.join(opts.root, 'dist', 'site'), 'manifest.json');
      process.stderr.write(`${colors.green('✓')} Re-signed ${displayPath(manifest)}\n`);
      process.exitCode = site.ok ? 0 : 1;
    });
  command
    .command('rotate-key')
    .description('Announce the configured signing key as the successor of the old one (signed by the old key), then re-sign the site')
    .requiredOption('--old-key <file>', 'the old Ed25519 private key (PEM) that readers have pinned')
    .option('--root <dir>', 'book project folder (contains manuscript/book.yaml)', '.')
    .action(async (opts: { root: string; oldKey: string }) => {
      const { openProject, rotateKey } = await import('../index.js');
      const project = await openProject({ root: opts.root, workers: false });
      const { rotation, site } = await rotateKey(project, path.resolve(opts.oldKey)).finally(() => project.close());
      printDiagnostics(site.diagnostics);
      process.stderr.write(
        `${colors.green('✓')} The key sha256 ${rotation.from.slice(0, 16)}… hands over to the configured key: recorded in releases/keys.json, releases/public-key.pem replaced.\n` +
          '  Commit releases/ and publish the site; readers who pinned the old key follow the announcement.\n',
      );
      process.exitCode = site.ok ? 0 : 1;
    });
  return command;
}
