import path from 'node:path';

/** Where a release in progress leaves its marker (see pending.ts); apart so that a build can look without loading the history. */
export function releasePendingPath(root: string): string {
  return path.join(root, '.evergreen', 'release-pending.json');
}
