import { openProject, build } from './lib/index.js';
const t = performance.now();
const project = await openProject({ root: '/work/books/handbook' });
const opened = performance.now() - t;
const result = await build(project, { formats: ['pdf'] });
console.log('open', opened.toFixed(0), 'total', (performance.now() - t).toFixed(0), JSON.stringify(result.stats));
await project.close();
