import { readFileSync, readdirSync } from 'node:fs';
import { createHighlighter, createOnigurumaEngine } from 'shiki';
const dir = '/work/books/handbook/manuscript';
const blocks = [];
for (const f of readdirSync(dir).filter((f) => f.endsWith('.md'))) {
  const src = readFileSync(`${dir}/${f}`, 'utf8').replace(/\r\n/g, '\n');
  for (const m of src.matchAll(/^```(\w+)[^\n]*\n([\s\S]*?)^```/gm)) if (['ts', 'js', 'tsx', 'json', 'sh'].includes(m[1])) blocks.push([m[1] === 'sh' ? 'bash' : m[1], m[2]]);
}
const themes = { light: 'github-light-default', dark: 'github-dark-default' };
const engine = await createOnigurumaEngine(import('shiki/wasm'));
const seen = new Map(); let calls = 0, ms = 0;
const orig = engine.createScanner.bind(engine);
engine.createScanner = (patterns) => { calls++; const k = patterns.join('\u0000'); seen.set(k, (seen.get(k) ?? 0) + 1); const t = performance.now(); const s = orig(patterns); ms += performance.now() - t; return s; };
const h = await createHighlighter({ themes: Object.values(themes), langs: ['ts', 'js', 'tsx', 'json', 'bash'], engine });
const t = performance.now();
for (const [lang, code] of blocks) h.codeToHast(code, { lang, themes, defaultColor: false, tokenizeTimeLimit: 10000 });
console.log('total', (performance.now() - t).toFixed(0), 'ms; scanners created', calls, 'distinct', seen.size, 'compile ms', ms.toFixed(0));
console.log('most repeated', [...seen.values()].sort((a, b) => b - a).slice(0, 10));
