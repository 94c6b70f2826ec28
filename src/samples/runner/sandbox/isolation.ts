import { spawnSync } from 'node:child_process';

/**
 * How a runner process is walled off from `check` on Linux, with util-linux (on every Debian machine):
 * `unshare` gives it its own network namespace (nothing to connect to, not even 127.0.0.1) and its own
 * PID namespace (`check` and every other process are invisible to it, so it cannot signal them and
 * `process.ppid` is 0); the runner is started in a new session, so signalling its own process group
 * reaches only itself. When `check` runs as root (as CI does), `setpriv` also drops the runner to the
 * unprivileged `nobody` user, so the root-only files and Unix sockets of the machine are out of reach.
 * Each part is probed once; what the machine does not allow is reported, never silently skipped.
 */
export interface Isolation {
  /** The sample's network is cut off (`unshare --net`). */
  network: boolean;
  /** Own PID namespace (`unshare --pid`). */
  pids: boolean;
  /** Runs as this uid/gid instead of root. */
  user?: { uid: number; gid: number };
  /** What could not be enforced here, for the check report. */
  missing: string[];
}

export const nobody = { uid: 65534, gid: 65534 };

interface Probe {
  unshareNet: boolean;
  unsharePid: boolean;
  setpriv: boolean;
  error?: string;
}

let probed: Probe | undefined;

function asRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Which namespaces this machine lets us create (one `unshare … true` each, a few ms, once per process). */
function probe(): Probe {
  if (probed) return probed;
  if (process.platform !== 'linux') return (probed = { unshareNet: false, unsharePid: false, setpriv: false, error: `${process.platform} has no Linux namespaces` });
  const userNs = asRoot() ? [] : ['--user'];
  const run = (args: string[]) => spawnSync(args[0]!, args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 10_000 });
  const drop = ['setpriv', `--reuid=${nobody.uid}`, `--regid=${nobody.gid}`, '--clear-groups', '--pdeathsig=SIGKILL', '--'];
  // The usual case in one process (a few ms); the parts one by one only when that fails.
  const all = run(['unshare', ...userNs, '--net', '--pid', '--kill-child', '--', ...(asRoot() ? drop : []), 'true']);
  if (all.status === 0) return (probed = { unshareNet: true, unsharePid: true, setpriv: asRoot() });
  const net = run(['unshare', ...userNs, '--net', '--pid', '--kill-child', '--', 'true']);
  const pidOnly = net.status === 0 ? net : run(['unshare', ...userNs, '--pid', '--kill-child', '--', 'true']);
  const setpriv = asRoot() ? run([...drop, 'true']).status === 0 : false;
  const error = net.status === 0 ? undefined : (net.error?.message ?? net.stderr?.trim()) || `unshare exited with ${net.status}`;
  probed = { unshareNet: net.status === 0, unsharePid: pidOnly.status === 0, setpriv, error };
  return probed;
}

/**
 * What this machine can enforce for a runner. `cannotDrop` says why the runner's files are out of reach of
 * `nobody` (computed by the caller: a book in root's home folder, a private temp folder); the runner then
 * stays root, with that as the note.
 */
export function isolation(cannotDrop?: string): Isolation {
  const found = probe();
  const missing: string[] = [];
  if (!found.unshareNet) missing.push(`samples can reach the network and local services: no network namespace (${found.error})`);
  if (!found.unsharePid) missing.push('samples could signal other processes of this user: no PID namespace');
  let user: Isolation['user'];
  if (asRoot()) {
    if (cannotDrop) missing.push(`samples run as root: ${cannotDrop}`);
    else if (found.unshareNet || found.unsharePid ? found.setpriv : true) user = nobody;
    else missing.push('samples run as root: setpriv is missing');
  }
  return { network: found.unshareNet, pids: found.unsharePid, user, missing };
}

/** The command that starts a runner: `node …` wrapped in `unshare` and `setpriv` where available. */
export function runnerCommand(node: string[], iso: Isolation, allowNetwork: boolean): { command: string; args: string[]; spawnUser?: { uid: number; gid: number } } {
  const unshare: string[] = [];
  if (iso.pids) {
    unshare.push('unshare');
    if (!asRoot()) unshare.push('--user');
    if (iso.network && !allowNetwork) unshare.push('--net');
    unshare.push('--pid', '--kill-child', '--');
  }
  if (iso.user && unshare.length > 0) {
    // After unshare, as root still: the parent-death signal is set after the uid change (which clears it).
    const drop = ['setpriv', `--reuid=${iso.user.uid}`, `--regid=${iso.user.gid}`, '--clear-groups', '--pdeathsig=SIGKILL', '--'];
    const [command, ...args] = [...unshare, ...drop, ...node];
    return { command: command!, args };
  }
  const [command, ...args] = [...unshare, ...node];
  // Without namespaces, a root `check` still drops the runner's user through spawn's own uid/gid.
  return { command: command!, args, spawnUser: unshare.length === 0 ? iso.user : undefined };
}

/** util-linux `unshare --fork` cannot re-raise SIGKILL on itself and exits 1 with this message instead. */
export function killedThroughUnshare(code: number | null, stderr: string): boolean {
  return code === 1 && /unshare: sigprocmask unblock failed/.test(stderr);
}
