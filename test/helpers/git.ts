import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Runs git in a test book, as a fixed author (test machines need not have one configured). */
export const git = (root: string, ...args: string[]): string =>
  execFileSync('git', args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com' },
  }).trim();

/** A published release's record, as `releases/<version>/release.json` holds it. */
export const releaseRecord = (root: string, version: string) => JSON.parse(readFileSync(path.join(root, 'releases', version, 'release.json'), 'utf8'));
