import { typescriptFamily } from '../typescript/language.js';

/**
 * JavaScript samples (```js, ```javascript): type-checked by the TypeScript compiler with `checkJs`
 * (JSDoc types and inference, as an editor shows them), then run as written.
 */
export const javascriptLanguage = typescriptFamily({
  id: 'javascript',
  fences: ['js', 'javascript', 'mjs', 'cjs'],
  defaultFileName: (fence) => (fence === 'mjs' ? 'index.mjs' : fence === 'cjs' ? 'index.cjs' : 'index.js'),
  displayLang: () => 'js',
  compilerOptions: { allowJs: true, checkJs: true },
});
