/** Messages between the check process and its long-lived runner processes (over the IPC channel). */
export interface RunJob {
  id: number;
  /** Emitted JavaScript by file name (a multi-file sample has several). */
  files: Record<string, string>;
  /** The file that is run. */
  entry: string;
  /** ES modules, or CommonJS (`// @module: commonjs`: `require`, `module.exports`). */
  format: 'esm' | 'commonjs';
  /** For `include=` samples: the real file's URL, so `import.meta.url` and relative imports work in place. */
  entryUrl?: string;
  /** Compare only what is printed after the `continue` marker (the continued code's output is not this sample's). */
  splitAtContinue: boolean;
  timeoutMs: number;
  /** The book project folder: npm packages resolve from its node_modules. */
  root: string;
  outputLimit: number;
  /** The sample may use the network; when false, any connection it attempts fails it. */
  network: boolean;
}

export interface RunReply {
  id: number;
  output: string;
  exitCode: number;
  error?: string;
  unhandledRejection?: string;
  outputTruncated?: boolean;
  /** The synchronous part ran past the timeout (an endless loop), stopped by the vm timeout. */
  timedOut?: boolean;
  /** `host:port` the sample tried to connect to while the network is off for it. */
  networkAttempt?: string;
}
