import type { TypeScriptPackage } from './resolve.js';

/**
 * TypeScript 7 (npm `typescript@7`, the native compiler) exposes only `typescript/unstable/sync` and
 * `unstable/async`: program diagnostics and a checker over IPC, no language service (so no `^?` QuickInfo
 * as the book shows it), and no emit through the API (so nothing to run). Evergreen does not drive an
 * unstable API on its default path: a book that asks for 7 gets this explanation instead of a verdict.
 */
export class UnsupportedCompilerError extends Error {
  constructor(readonly pkg: TypeScriptPackage) {
    super(
      `TypeScript ${pkg.version} (the native compiler) cannot check samples yet: its API (typescript/unstable/sync) has no language service, so ` +
        '^? types cannot be shown, and no emit, so samples cannot run. Check with TypeScript 5.x or 6.x; list 7 again when its API is stable.',
    );
  }
}

export function isNativeCompiler(pkg: TypeScriptPackage): boolean {
  return Number.parseInt(pkg.version, 10) >= 7;
}
