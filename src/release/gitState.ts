import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * What git says about the book at release time: the commit released and whether the working tree had
 * uncommitted changes (the book folder only; dist/, releases/ and Evergreen's caches are output, not source). A book
 * outside git (or without git installed) still releases; its record says so.
 */
export type SourceRecord =
  | { git: false }
  | {
      git: true;
      /** The commit checked out (absent in a repository without commits). */
      commit?: string;
      dirty: boolean;
      /** Released from a dirty tree on purpose (`--allow-dirty`), with the changed paths (at most 20). */
      allowDirty?: boolean;
      changed?: string[];
      /** The tag `--tag` created. */
      tag?: string;
    };

interface Git {
  run(args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }>;
}

function git(cwd: string): Git {
  return {
    run: (args) =>
      new Promise((resolve) => {
        execFile('git', args, { cwd, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' } }, (error, stdout, stderr) =>
          resolve({ ok: !error, stdout, stderr }),
        );
      }),
  };
}

export interface GitState {
  source: SourceRecord;
  /** Changed paths relative to the book root (for the refusal message). */
  changed: string[];
  tagExists(tag: string): Promise<string | undefined>;
  /** The first commit whose releases/history.json listed `version` (a release deleted by hand later). */
  historyMentions(version: string): Promise<string | undefined>;
  createTag(tag: string, commit: string): Promise<{ ok: boolean; message: string }>;
}

export async function readGitState(root: string): Promise<GitState | undefined> {
  const g = git(root);
  const top = await g.run(['rev-parse', '--show-toplevel']);
  if (!top.ok) return undefined;
  const head = await g.run(['rev-parse', '--verify', '-q', 'HEAD']);
  const commit = head.ok ? head.stdout.trim() : undefined;
  // releases/ is Evergreen's own record, written by the release before the author commits it: not source.
  const status = await g.run(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', '.', ':(exclude)dist', ':(exclude).evergreen', ':(exclude)releases']);
  if (!status.ok) return undefined;
  // -z entries are "XY path"; a rename carries its source as the next NUL-separated field.
  const fields = status.stdout.split('\0').filter(Boolean);
  const changed: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const code = fields[i].slice(0, 2);
    changed.push(fields[i].slice(3));
    if (code.startsWith('R') || code.startsWith('C')) i++;
  }
  const topDir = top.stdout.trim();
  const relChanged = changed.map((p) => path.relative(root, path.join(topDir, p)).split(path.sep).join('/'));
  const dirty = relChanged.length > 0 || commit === undefined;
  return {
    source: { git: true, ...(commit ? { commit } : {}), dirty },
    changed: relChanged,
    async tagExists(tag) {
      const r = await g.run(['rev-parse', '--verify', '-q', `refs/tags/${tag}^{commit}`]);
      return r.ok ? r.stdout.trim() : undefined;
    },
    async historyMentions(version) {
      const file = path.join('releases', 'history.json');
      const r = await g.run(['log', '--all', '--format=%H', '-G', `"version": "${version.replace(/[.+]/g, '\\$&')}"`, '--', file]);
      const commits = r.ok ? r.stdout.split('\n').filter(Boolean) : [];
      return commits[commits.length - 1];
    },
    async createTag(tag, at) {
      const r = await g.run(['tag', tag, at]);
      return { ok: r.ok, message: r.stderr.trim() };
    },
  };
}

/** The versions a previously generated reader site (dist/site/manifest.json) published. */
export async function versionsInSite(root: string): Promise<string[]> {
  const file = path.join(root, 'dist', 'site', 'manifest.json');
  if (!existsSync(file)) return [];
  try {
    const manifest = JSON.parse(await readFile(file, 'utf8')) as { versions?: { version?: unknown }[] };
    return (manifest.versions ?? []).map((v) => v.version).filter((v): v is string => typeof v === 'string');
  } catch {
    return [];
  }
}
