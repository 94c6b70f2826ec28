/**
 * The limits a sample runs under, with safe defaults. `book.yaml`'s `sandbox:` overrides them for the
 * book; the fence attributes `network` and `memory=MB` (and `timeout=MS`) for one sample.
 */
export const defaultMemoryMb = 512;
export const defaultSampleTimeoutMs = 10_000;

/** What a runner process is started with: samples with the same profile share runners. */
export interface RunnerProfile {
  /** The sample may reach the network (no network namespace). */
  network: boolean;
  /** Memory limit of the runner process (JavaScript heap, Buffers, everything resident), in MB. */
  memoryMb: number;
}

export function profileKey(profile: RunnerProfile): string {
  return `${profile.network ? 'net' : 'offline'}:${profile.memoryMb}`;
}

/**
 * `EVERGREEN_SANDBOX=off` runs samples as before the sandbox (every file readable, network and signals
 * open, no memory limit): for measuring what the sandbox costs, and for a machine where it cannot start.
 * Only the caller's environment can set it, never the book.
 */
export function sandboxDisabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.EVERGREEN_SANDBOX === 'off';
}
