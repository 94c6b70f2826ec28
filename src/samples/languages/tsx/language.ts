import { createRequire } from 'node:module';
import path from 'node:path';
import { typescriptFamily } from '../typescript/language.js';

/**
 * TSX samples: JSX compiled with the book's `jsx` options and run with the JSX runtime from the book's
 * own dependencies (`react/jsx-runtime`, or `jsxImportSource`'s). Without that runtime, or with
 * `jsx: preserve` (the output still contains JSX), a sample is type-checked only, and says so.
 */
export const tsxLanguage = typescriptFamily({
  id: 'tsx',
  fences: ['tsx', 'jsx'],
  defaultFileName: (fence) => (fence === 'jsx' ? 'index.jsx' : 'index.tsx'),
  displayLang: (fence) => fence,
  compilerOptions: { allowJs: true },
  afterCheck({ ts, book, options, result }) {
    if (!result.emitted || result.cannotRun) return;
    const automatic = options.jsx === ts.JsxEmit.ReactJSX || options.jsx === ts.JsxEmit.ReactJSXDev;
    if (options.jsx === ts.JsxEmit.Preserve || options.jsx === ts.JsxEmit.ReactNative) {
      result.cannotRun = result.types.cannotRun = 'its JSX is preserved (`jsx: preserve`), so the output is not JavaScript Node can run';
      return;
    }
    if (!automatic) return;
    const runtime = `${options.jsxImportSource ?? 'react'}/${options.jsx === ts.JsxEmit.ReactJSXDev ? 'jsx-dev-runtime' : 'jsx-runtime'}`;
    try {
      createRequire(path.join(book.root, 'package.json')).resolve(runtime);
    } catch {
      result.cannotRun = result.types.cannotRun = `the JSX runtime "${runtime}" is not installed in the book project (npm install ${runtime.split('/')[0]})`;
    }
  },
});
