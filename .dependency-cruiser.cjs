/**
 * The pipeline's dependency rule (run by `npm test`): data flows one way through src/, so a module may
 * import only from its own stage or from the stages below it. From the bottom:
 *
 *   util, diagnostics → parse → book → samples → render → driver → release → dev, get → api → cli
 *
 * (init only needs the base.) Within render/, each renderer (html, pdf, epub…) may use render/shared and
 * the contracts in render/*.ts, never another renderer's internals. The CLI is a thin face on the library:
 * it imports src/index.ts, plus the base layer for its own error printing and version.
 */
const order = ['util|diagnostics', 'parse', 'book', 'samples', 'render', 'driver', 'release', 'dev|get', 'api', 'cli'];
const stage = (alternatives) => `^src/(${alternatives})/`;

// The CLI, at the top, has its own rule below.
const layerRules = order.slice(0, -1).map((layer, i) => {
  const above = order.slice(i + 1).join('|');
  return {
    name: `no-upward-import-from-${layer.replace('|', '-or-')}`,
    comment: `${layer} is below ${above || 'nothing'} in the pipeline; it must not import from a later stage`,
    severity: 'error',
    from: { path: stage(layer) },
    // Only the CLI (the top) may import the package entry point.
    to: { path: [stage(above), '^src/index\\.ts$'] },
  };
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A cycle makes the pipeline order meaningless',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'init-uses-only-the-base',
      severity: 'error',
      from: { path: '^src/init/' },
      to: { path: '^src/', pathNot: ['^src/(init|util|diagnostics)/'] },
    },
    {
      name: 'no-renderer-imports-another-renderer',
      comment: 'What renderers share lives in render/shared (chapter HTML, highlighting, render keys)',
      severity: 'error',
      from: { path: '^src/render/([^/]+)/' },
      to: { path: '^src/render/[^/]+/', pathNot: ['^src/render/$1/', '^src/render/shared/'] },
    },
    {
      name: 'shared-render-code-imports-no-renderer',
      severity: 'error',
      from: { path: '^src/render/shared/' },
      to: { path: '^src/render/[^/]+/', pathNot: '^src/render/shared/' },
    },
    {
      name: 'cli-imports-only-the-api',
      comment: 'The CLI is a thin face on the library (src/index.ts, or the src/api/ module it re-exports, so that a command loads only its part); it may also use the base layer',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^src/', pathNot: ['^src/(cli|util|diagnostics|api)/', '^src/index\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|lib|dist)/' },
    // Type-only imports count too: a type from a later stage is still an upward dependency.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
