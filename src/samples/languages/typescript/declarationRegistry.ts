/**
 * A document registry that parses each declaration file (the lib files, `@types/node`, packages' `.d.ts`)
 * once for every program, whatever the sample's `target` or `module`.
 *
 * TypeScript's own registry keys parsed files by every option that can affect a parse, so one sample with
 * `// @target: es5` or `// @module: commonjs` re-parses lib.dom.d.ts and the rest (about 1 s each time; on
 * the Handbook, 6 such samples were half of its type-check). For a declaration file those two options
 * change nothing the checker reads: the file's own language version only configures the scanner that
 * re-scans its tokens, so it is parsed once at the latest version, which accepts every syntax. Sample
 * files themselves keep TypeScript's keys.
 */
import type ts from 'typescript';

type TS = typeof ts;

const declarationFile = /\.d\.[cm]?ts$/;

export function createDeclarationSharingRegistry(tsApi: TS): ts.DocumentRegistry {
  const inner = tsApi.createDocumentRegistry();
  /** Each options key TypeScript computed, and the key its declaration files are shared under. */
  const sharedKeys = new Map<string, string>();
  const settingsOf = (settingsOrHost: ts.CompilerOptions | ts.MinimalResolutionCacheHost): ts.CompilerOptions =>
    typeof (settingsOrHost as ts.MinimalResolutionCacheHost).getCompilationSettings === 'function'
      ? (settingsOrHost as ts.MinimalResolutionCacheHost).getCompilationSettings()
      : (settingsOrHost as ts.CompilerOptions);
  const sharedKey = (key: ts.DocumentRegistryBucketKey, settingsOrHost: ts.CompilerOptions | ts.MinimalResolutionCacheHost): ts.DocumentRegistryBucketKey => {
    let shared = sharedKeys.get(key);
    if (shared === undefined) {
      const settings = settingsOf(settingsOrHost);
      shared = inner.getKeyForCompilationSettings({ ...settings, target: tsApi.ScriptTarget.ESNext, module: tsApi.ModuleKind.ESNext });
      sharedKeys.set(key, shared);
    }
    return shared as ts.DocumentRegistryBucketKey;
  };
  const sharedOptions = (options: ts.ScriptTarget | ts.CreateSourceFileOptions | undefined): ts.CreateSourceFileOptions =>
    typeof options === 'object' ? { ...options, languageVersion: tsApi.ScriptTarget.ESNext } : { languageVersion: tsApi.ScriptTarget.ESNext };

  return {
    ...inner,
    acquireDocumentWithKey(fileName, path, settingsOrHost, key, snapshot, version, scriptKind, options) {
      if (!declarationFile.test(fileName)) return inner.acquireDocumentWithKey(fileName, path, settingsOrHost, key, snapshot, version, scriptKind, options);
      return inner.acquireDocumentWithKey(fileName, path, settingsOrHost, sharedKey(key, settingsOrHost), snapshot, version, scriptKind, sharedOptions(options));
    },
    updateDocumentWithKey(fileName, path, settingsOrHost, key, snapshot, version, scriptKind, options) {
      if (!declarationFile.test(fileName)) return inner.updateDocumentWithKey(fileName, path, settingsOrHost, key, snapshot, version, scriptKind, options);
      return inner.updateDocumentWithKey(fileName, path, settingsOrHost, sharedKey(key, settingsOrHost), snapshot, version, scriptKind, sharedOptions(options));
    },
    releaseDocumentWithKey(path: ts.Path, key: ts.DocumentRegistryBucketKey, scriptKind?: ts.ScriptKind, impliedNodeFormat?: ts.ResolutionMode) {
      const shared = declarationFile.test(path) ? sharedKeys.get(key) : undefined;
      inner.releaseDocumentWithKey(path, (shared ?? key) as ts.DocumentRegistryBucketKey, scriptKind!, impliedNodeFormat);
    },
  };
}
