import { lstatSync, readdirSync, readlinkSync, realpathSync, type Dirent } from 'node:fs';
import path from 'node:path';

/**
 * The files a runner process may read, as Node permission-model paths (each names a file, or a folder
 * with everything under it): the book project, the `node_modules` folders its imports resolve from, the
 * runner script and the run folder. Nothing else, so `/proc`, the home folder and `/etc` are closed.
 *
 * The permission model follows symbolic links wherever they point, so the book project is walked: a
 * link that leads out of the allowed paths, and files that hold credentials in many projects (`.git`,
 * where CI checkouts keep their token, `.env`, `.npmrc`…), are left out, and the folders that hold them
 * are allowed entry by entry instead of as a whole. Samples cannot make links themselves: the
 * permission model refuses `fs.symlink` and `fs.link` without full read and write access.
 */
export interface ReadAllowList {
  /** Absolute paths for `--allow-fs-read`. */
  paths: string[];
  /** What was left out of the book project, and why (shown by `evergreen check` as a note when read). */
  excluded: { path: string; reason: string }[];
}

export interface AllowListInput {
  /** The book project folder. */
  root: string;
  /** Folders and files always readable (the runner script's folder, the run folder, `sandbox.read`). */
  extra: string[];
  /** Files never readable even inside the book (the release signing key). */
  hidden: string[];
}

const credentialNames = /^(\.git|\.env(\..*)?|\.npmrc|\.yarnrc(\.yml)?|\.netrc|\.pypirc|\.ssh|\.aws|\.docker|\.gnupg|\.kube)$/;

export function readAllowList(input: AllowListInput): ReadAllowList {
  const root = realpathOr(input.root);
  const hidden = new Set(input.hidden.map(realpathOr));
  const others = [...input.extra.map(realpathOr), ...ancestorPaths(root)];
  const excluded: ReadAllowList['excluded'] = [];
  const insideAllowed = (target: string): boolean => {
    if (hidden.has(target)) return false;
    if (within(root, target))
      return !path
        .relative(root, target)
        .split(path.sep)
        .some((part) => credentialNames.test(part));
    return others.some((other) => within(other, target));
  };
  const paths: string[] = [...others];
  /** True when the folder holds nothing left out (then it is allowed as a whole). */
  const walk = (dir: string, out: string[]): boolean => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return true;
    }
    const allowed: string[] = [];
    let clean = true;
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (credentialNames.test(entry.name)) {
        excluded.push({ path: full, reason: 'it may hold credentials' });
        clean = false;
      } else if (hidden.has(full)) {
        excluded.push({ path: full, reason: 'it is the release signing key' });
        clean = false;
      } else if (entry.isSymbolicLink()) {
        const target = linkTarget(full);
        if (target !== undefined && insideAllowed(target)) allowed.push(full);
        else {
          excluded.push({ path: full, reason: `it is a symbolic link to ${target ?? 'a missing file'}, outside the book project` });
          clean = false;
        }
      } else if (entry.isDirectory() && entry.name !== 'node_modules') {
        const inner: string[] = [];
        if (walk(full, inner)) allowed.push(full);
        else {
          allowed.push(...inner);
          clean = false;
        }
      } else {
        allowed.push(full);
      }
    }
    out.push(...allowed);
    return clean;
  };
  const inner: string[] = [];
  if (walk(root, inner)) paths.push(root);
  else paths.push(...inner);
  return { paths: [...new Set(paths)], excluded };
}

/** `node_modules` and `package.json` of every folder above the book: Node's resolution looks there. */
function ancestorPaths(root: string): string[] {
  const paths: string[] = [];
  for (let dir = path.dirname(root); ; dir = path.dirname(dir)) {
    paths.push(path.join(dir, 'node_modules'), path.join(dir, 'package.json'));
    if (dir === path.dirname(dir)) return paths;
  }
}

function linkTarget(link: string): string | undefined {
  try {
    return realpathSync(link);
  } catch {
    // A dangling link: judge it by where it would point.
    try {
      return path.resolve(path.dirname(link), readlinkSync(link));
    } catch {
      return undefined;
    }
  }
}

function realpathOr(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

function within(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** True when `file` is readable by a user that is neither its owner nor in its group (mode bits of every folder above it). */
/** Whether other users can pass through `dir` and every folder above it (the x bit), as the runner's user must to reach its run folder. */
export function reachableByOthers(dir: string): boolean {
  try {
    let current = realpathSync(dir);
    for (;;) {
      if ((lstatSync(current).mode & 0o001) === 0) return false;
      if (current === path.dirname(current)) return true;
      current = path.dirname(current);
    }
  } catch {
    return false;
  }
}

export function readableByOthers(file: string): boolean {
  try {
    let current = realpathSync(file);
    const stat = lstatSync(current);
    if ((stat.mode & (stat.isDirectory() ? 0o005 : 0o004)) !== (stat.isDirectory() ? 0o005 : 0o004)) return false;
    while (current !== path.dirname(current)) {
      current = path.dirname(current);
      if ((lstatSync(current).mode & 0o001) === 0) return false;
    }
    return true;
  } catch {
    return false;
  }
}
