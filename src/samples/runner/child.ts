/**
 * A long-lived runner process. The check process starts one per core with Node's permission model
 * (file writes allowed only under the run folder, no child processes or workers) and a minimal environment,
 * then sends it samples one at a time. Each sample runs as ES modules in a fresh `vm` context (own
 * globals, so samples never see each other), with a temp working folder. This costs about 1 ms per sample,
 * where a process per sample costs ~50 ms. A sample that never finishes is stopped by the parent's
 * watchdog, which kills this process and starts another (a `vm` timeout cannot stop a promise that
 * never settles). Only Node built-ins are imported here: this file runs without the toolchain.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import { Console } from 'node:console';
import diagnosticsChannel from 'node:diagnostics_channel';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import type { RunJob, RunReply } from './protocol.js';

const runDir = process.argv[2] ?? process.cwd();
const baseEnv = { ...process.env };

class ExitSignal {
  constructor(readonly code: number) {}
}

interface Current {
  chunks: string[];
  size: number;
  limit: number;
  truncated: boolean;
  markAt?: number;
  exitCode?: number;
  error?: string;
  unhandled?: string;
  timedOut?: boolean;
  /** Network is off for this sample: the first connection it attempted. */
  offline?: boolean;
  networkAttempt?: string;
}
let current: Current | undefined;

// Every TCP connection (net, http, fetch) announces itself here, in this realm or the sample's: a sample
// without network that tries one fails with where it tried to go (the namespace has already refused it).
const noteAttempt = (target: string) => {
  if (current?.offline) current.networkAttempt ??= target;
};
diagnosticsChannel.subscribe('net.client.socket', (message) => {
  const socket = (message as { socket: import('node:net').Socket }).socket;
  socket.once('connectionAttempt', (ip: string, port: number) => noteAttempt(`${ip}:${port}`));
  socket.once('error', (error: { address?: string; port?: number; hostname?: string }) =>
    noteAttempt(error.address ? `${error.address}:${error.port}` : (error.hostname ?? 'the network')),
  );
});
diagnosticsChannel.subscribe('undici:client:beforeConnect', (message) => {
  const params = (message as { connectParams?: { hostname?: string; port?: string | number } }).connectParams;
  if (params?.hostname) noteAttempt(`${params.hostname}${params.port ? `:${params.port}` : ''}`);
});

/**
 * Thrown by the sample's console once its output is over the limit: a loop that prints forever (an
 * infinite generator printed item by item) stops there, reported as too much output rather than a timeout.
 */
class OutputLimitReached extends Error {}

function capture(text: string): void {
  const run = current;
  if (!run || run.truncated) return;
  if (run.size + text.length > run.limit) {
    run.chunks.push(text.slice(0, Math.max(run.limit - run.size, 0)));
    run.truncated = true;
    return;
  }
  run.size += text.length;
  run.chunks.push(text);
}

// Anything written through the real streams (a package's own console) belongs to the running sample.
const writeShim = (chunk: unknown, ...rest: unknown[]) => {
  capture(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
  if (current?.truncated) throw new OutputLimitReached('the sample printed more than the output limit');
  const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
  callback?.();
  return true;
};
process.stdout.write = writeShim as typeof process.stdout.write;
process.stderr.write = writeShim as typeof process.stderr.write;

function describe(error: unknown): string {
  if (error instanceof ExitSignal) return `process.exit(${error.code})`;
  if (error && typeof error === 'object' && 'message' in error) {
    const e = error as { name?: unknown; message?: unknown; code?: unknown };
    const code = typeof e.code === 'string' && !String(e.name).includes(e.code) ? ` [${e.code}]` : '';
    // The permission model's refusals do not say what was refused; the author needs the path.
    const refused = (error as { resource?: unknown }).resource;
    const what = e.code === 'ERR_ACCESS_DENIED' && typeof refused === 'string' ? `: ${String((error as { permission?: unknown }).permission)} of ${refused}` : '';
    return `${String(e.name ?? 'Error')}${code}: ${String(e.message)}${what}`;
  }
  return `Uncaught ${typeof error === 'string' ? JSON.stringify(error) : String(error)}`;
}

function fail(error: unknown): void {
  if (!current) return;
  if (error instanceof ExitSignal) {
    current.exitCode ??= error.code;
    return;
  }
  if (error instanceof OutputLimitReached) return;
  if ((error as { code?: unknown } | undefined)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
    current.timedOut = true;
    return;
  }
  if (current.error === undefined) {
    current.error = describe(error);
    capture(`${current.error}\n`);
  }
}

process.on('uncaughtException', (error) => fail(error));
process.on('unhandledRejection', (reason) => {
  if (current && current.unhandled === undefined) {
    current.unhandled = describe(reason);
    capture(`${current.unhandled}\n`);
  }
});

/** Globals a Node program expects that a bare vm context lacks (the language built-ins are per context). */
const hostGlobals = [
  'Buffer',
  'URL',
  'URLSearchParams',
  'TextEncoder',
  'TextDecoder',
  'AbortController',
  'AbortSignal',
  'Event',
  'EventTarget',
  'fetch',
  'Headers',
  'Request',
  'Response',
  'FormData',
  'Blob',
  'structuredClone',
  'atob',
  'btoa',
  'performance',
  'crypto',
  'queueMicrotask',
  'MessageChannel',
  'MessagePort',
  'BroadcastChannel',
  'DOMException',
  'WebAssembly',
  'ReadableStream',
  'WritableStream',
  'TransformStream',
  'CompressionStream',
  'DecompressionStream',
];

function createSampleContext(run: Current, cwd: string, entryPath: string) {
  /** The sample's timers, each with how to cancel it. */
  const pending = new Map<unknown, () => void>();
  const stream = { write: writeShim, isTTY: false, columns: 80, fd: 1, on: () => stream, once: () => stream, end: () => {} };
  const sampleConsole = new Console({ stdout: stream as never, stderr: stream as never, colorMode: false, ignoreErrors: false });
  const overrides: Record<PropertyKey, unknown> = {
    env: { ...baseEnv },
    argv: [process.execPath, entryPath],
    exit: (code?: number) => {
      throw new ExitSignal(code ?? run.exitCode ?? 0);
    },
    stdout: stream,
    stderr: { ...stream, fd: 2 },
    cwd: () => cwd,
    chdir: () => {
      throw new Error('process.chdir() is not available in samples');
    },
    // The sandbox already keeps other processes out of reach; this says so instead of failing quietly.
    kill: (pid: number, signal?: string | number) => {
      if (pid === process.pid) return process.kill(pid, signal);
      throw Object.assign(new Error(`samples may not signal other processes (process.kill(${pid}, ${JSON.stringify(signal ?? 'SIGTERM')}))`), { code: 'ERR_ACCESS_DENIED' });
    },
  };
  const fakeProcess = new Proxy(process, {
    get: (target, key) => (key in overrides ? overrides[key] : key === 'exitCode' ? run.exitCode : Reflect.get(target, key)),
    set: (_target, key, value) => {
      if (key === 'exitCode') run.exitCode = Number(value);
      else overrides[key] = value;
      return true;
    },
  });
  const track = <T>(handle: T, clear: (h: T) => void) => (pending.set(handle, () => clear(handle)), handle);
  const sandbox: Record<string, unknown> = {
    console: sampleConsole,
    process: fakeProcess,
    setTimeout: (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      const handle: NodeJS.Timeout = track(
        setTimeout(() => (pending.delete(handle), fn(...args)), ms),
        clearTimeout,
      );
      return handle;
    },
    clearTimeout: (h: NodeJS.Timeout) => (pending.delete(h), clearTimeout(h)),
    setInterval: (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) =>
      track(
        setInterval(() => fn(...args), ms),
        clearInterval,
      ),
    clearInterval: (h: NodeJS.Timeout) => (pending.delete(h), clearInterval(h)),
    setImmediate: (fn: (...a: unknown[]) => void, ...args: unknown[]) => {
      const handle: NodeJS.Immediate = track(
        setImmediate(() => (pending.delete(handle), fn(...args))),
        clearImmediate,
      );
      return handle;
    },
    clearImmediate: (h: NodeJS.Immediate) => (pending.delete(h), clearImmediate(h)),
  };
  for (const name of hostGlobals) if (name in globalThis) sandbox[name] = (globalThis as Record<string, unknown>)[name];
  const context = vm.createContext(sandbox, { name: 'sample' });
  vm.runInContext('globalThis.global = globalThis;', context);
  (context as Record<symbol, unknown>)[Symbol.for('evergreen.continue')] = () => {
    run.markAt = run.chunks.length;
  };
  return { context, pending, fakeProcess, sampleConsole, overrides };
}

/** Resolves a bare specifier in the book's node_modules (package.json `exports` with import/node/default conditions). */
function resolvePackage(root: string, specifier: string): string | undefined {
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  const subpath = parts.slice(specifier.startsWith('@') ? 2 : 1).join('/');
  for (let dir = root; ; dir = path.dirname(dir)) {
    // A package may import itself by name (Node's self-reference), e.g. a library's own docs book.
    const own = path.join(dir, 'package.json');
    const self = existsSync(own) && (JSON.parse(readFileSync(own, 'utf8')) as { name?: string; exports?: unknown }).name === name;
    const pkgDir = self ? dir : path.join(dir, 'node_modules', name);
    const manifest = path.join(pkgDir, 'package.json');
    if (existsSync(manifest) && (!self || (JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: unknown }).exports !== undefined)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: unknown; main?: string };
      if (pkg.exports !== undefined) {
        const target = resolveExports(pkg.exports, subpath ? `./${subpath}` : '.');
        return target ? path.join(pkgDir, target) : undefined;
      }
      const file = path.join(pkgDir, subpath || pkg.main || 'index.js');
      for (const candidate of [file, `${file}.js`, path.join(file, 'index.js')]) if (existsSync(candidate) && !candidate.endsWith('/')) return candidate;
      return undefined;
    }
    if (dir === path.dirname(dir)) return undefined;
  }
}

function resolveExports(exports: unknown, subpath: string): string | undefined {
  const pick = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return value.map(pick).find(Boolean);
    if (value && typeof value === 'object') {
      for (const condition of ['import', 'node', 'default', 'require']) if (condition in value) return pick((value as Record<string, unknown>)[condition]);
    }
    return undefined;
  };
  if (typeof exports === 'string' || Array.isArray(exports)) return subpath === '.' ? pick(exports) : undefined;
  const map = exports as Record<string, unknown>;
  const keys = Object.keys(map);
  if (!keys.some((k) => k.startsWith('.'))) return subpath === '.' ? pick(map) : undefined;
  if (subpath in map) return pick(map[subpath]);
  for (const key of keys) {
    const star = key.indexOf('*');
    if (star < 0) continue;
    const [before, after] = [key.slice(0, star), key.slice(star + 1)];
    if (subpath.startsWith(before) && subpath.endsWith(after)) {
      const target = pick(map[key]);
      return target?.replace('*', subpath.slice(before.length, subpath.length - after.length));
    }
  }
  return undefined;
}

async function runJob(job: RunJob): Promise<RunReply> {
  const run: Current = { chunks: [], size: 0, limit: job.outputLimit, truncated: false, offline: !job.network };
  const cwd = mkdtempSync(path.join(runDir, 'sample-'));
  process.chdir(cwd);
  // Sample files live in the temp folder; files of an `include=` sample are keyed by their real path.
  const urlOf = (key: string) => pathToFileURL(path.isAbsolute(key) ? key : path.join(cwd, key)).href;
  const byUrl = new Map(Object.entries(job.files).map(([key, code]) => [urlOf(key), code]));
  const entryUrl = job.entryUrl ?? urlOf(job.entry);
  const { context, fakeProcess, sampleConsole, pending, overrides } = createSampleContext(run, cwd, fileURLToPath(entryUrl));
  const modules = new Map<string, vm.Module>();
  const synthetic = (namespace: Record<string, unknown>, key: string) => {
    const names = Object.keys(namespace);
    const mod = new vm.SyntheticModule(
      names,
      function (this: vm.SyntheticModule) {
        for (const n of names) this.setExport(n, namespace[n]);
      },
      { context, identifier: key },
    );
    return mod;
  };
  const load = async (specifier: string, referrer: string): Promise<vm.Module> => {
    const bare = specifier.replace(/^node:/, '');
    const builtin = specifier.startsWith('node:') || builtinModules.includes(specifier);
    const key = builtin ? `node:${bare}` : specifier.startsWith('.') ? new URL(specifier, referrer).href : specifier;
    const cached = modules.get(key);
    if (cached) return cached;
    let mod: vm.Module;
    if (builtin) {
      if (bare === 'process')
        mod = synthetic({ ...(await import('node:process')), default: fakeProcess, env: (fakeProcess as unknown as { env: unknown }).env, kill: overrides.kill }, key);
      else if (bare === 'console') mod = synthetic({ ...(await import('node:console')), default: sampleConsole }, key);
      else mod = synthetic({ ...(await import(`node:${bare}`)) }, key);
    } else if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:')) {
      // `./a.js`, `./a` and `./a.ts` all name the compiled `a.ts`, as TypeScript resolves them.
      const base = key.replace(/\.(m?[jt]sx?)$/, '');
      const compiled = [key, `${base}.ts`, `${base}.tsx`, `${base}.mts`, `${key}/index.ts`].find((url) => byUrl.has(url));
      // A `// @filename: data.json` file is a JSON module (its default export is the parsed value).
      if (compiled?.endsWith('.json')) mod = modules.get(compiled) ?? synthetic({ default: JSON.parse(byUrl.get(compiled)!) }, compiled);
      else if (compiled !== undefined) mod = modules.get(compiled) ?? sourceModule(compiled);
      else mod = synthetic({ ...(await import(key)) }, key);
      if (compiled !== undefined) modules.set(compiled, mod);
    } else {
      const file = resolvePackage(job.root, specifier);
      if (!file) throw Object.assign(new Error(`Cannot find package '${specifier}' (looked in the book's node_modules)`), { name: 'Error [ERR_MODULE_NOT_FOUND]' });
      mod = synthetic({ ...(await import(pathToFileURL(file).href)) }, key);
    }
    modules.set(key, mod);
    return mod;
  };
  const sourceModule = (identifier: string) =>
    new vm.SourceTextModule(byUrl.get(identifier) ?? '', {
      context,
      identifier,
      initializeImportMeta: (meta) => {
        meta.url = identifier;
      },
      importModuleDynamically: (async (specifier: string, referrer: vm.Module) => {
        const mod = await load(specifier, referrer.identifier);
        if (mod.status === 'unlinked') await mod.link((s, r) => load(s, r.identifier));
        if (mod.status === 'linked') await mod.evaluate();
        return mod;
      }) as never,
    });

  current = run;
  try {
    if (!byUrl.has(entryUrl)) byUrl.set(entryUrl, job.files[job.entry] ?? '');
    if (job.format === 'commonjs') {
      commonJsRequire(context, byUrl, job.root, { fakeProcess, sampleConsole })(fileURLToPath(entryUrl));
    } else {
      const entry = sourceModule(entryUrl);
      modules.set(entryUrl, entry);
      await entry.link((specifier, referrer) => load(specifier, referrer.identifier));
      await entry.evaluate({ timeout: job.timeoutMs });
    }
    // Wait for the sample's timers (setTimeout callbacks still to print), as Node waits before exiting.
    while (pending.size > 0 && !run.truncated) await new Promise((resolve) => setTimeout(resolve, 1));
    // Over the output limit the sample is done: its timers would only print into nothing.
    for (const clear of pending.values()) clear();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  } catch (error) {
    fail(error);
  } finally {
    current = undefined;
    process.chdir(runDir);
  }
  try {
    rmSync(cwd, { recursive: true, force: true });
  } catch {
    // A leftover temp folder is removed with the run folder.
  }
  const chunks = job.splitAtContinue && run.markAt !== undefined ? run.chunks.slice(run.markAt) : run.chunks;
  let output = chunks.join('');
  for (const dir of [cwd, runDir]) output = output.split(pathToFileURL(dir).href).join('<tmp>').split(dir).join('<tmp>');
  const exitCode = run.exitCode ?? (run.error || run.unhandled ? 1 : 0);
  return {
    id: job.id,
    output,
    exitCode,
    error: run.error,
    unhandledRejection: run.unhandled,
    outputTruncated: run.truncated || undefined,
    timedOut: run.timedOut,
    networkAttempt: run.networkAttempt,
  };
}

/**
 * CommonJS for `// @module: commonjs` samples: each compiled file runs as a function of
 * (exports, require, module, __filename, __dirname) inside the sample's context, as Node wraps a module;
 * `require` finds the sample's other files, Node built-ins, and the book's packages.
 */
function commonJsRequire(context: vm.Context, byUrl: Map<string, string>, root: string, own: { fakeProcess: unknown; sampleConsole: unknown }) {
  const cache = new Map<string, { exports: unknown }>();
  const fromBook = createRequire(path.join(root, 'package.json'));
  const evaluate = (file: string): unknown => {
    const cached = cache.get(file);
    if (cached) return cached.exports;
    const code = byUrl.get(pathToFileURL(file).href) ?? '';
    const module = { exports: {} as unknown };
    cache.set(file, module);
    if (file.endsWith('.json')) {
      module.exports = JSON.parse(code);
      return module.exports;
    }
    const wrapper = vm.compileFunction(code, ['exports', 'require', 'module', '__filename', '__dirname'], { parsingContext: context, filename: pathToFileURL(file).href });
    wrapper.call(module.exports, module.exports, requireFrom(file), module, file, path.dirname(file));
    return module.exports;
  };
  const requireFrom =
    (referrer: string) =>
    (specifier: string): unknown => {
      const bare = specifier.replace(/^node:/, '');
      if (specifier.startsWith('node:') || builtinModules.includes(specifier)) {
        if (bare === 'process') return own.fakeProcess;
        if (bare === 'console') return own.sampleConsole;
        return fromBook(`node:${bare}`);
      }
      if (specifier.startsWith('.') || specifier.startsWith('/')) {
        const target = path.resolve(path.dirname(referrer), specifier);
        const base = target.replace(/\.(c?[jt]sx?)$/, '');
        const found = [target, `${base}.ts`, `${base}.tsx`, `${base}.cts`, `${base}.js`, `${base}.json`, path.join(target, 'index.ts')].find((f) =>
          byUrl.has(pathToFileURL(f).href),
        );
        if (found) return evaluate(found);
        return fromBook(target);
      }
      return fromBook(specifier);
    };
  return (entry: string) => evaluate(entry);
}

let queue = Promise.resolve();
process.on('message', (job: RunJob) => {
  queue = queue.then(async () => {
    const reply = await runJob(job);
    process.send?.(reply);
  });
});
// `check` went away (killed, crashed): nothing will collect this runner's results.
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
