/** The rendered-chapter cache's namespace (kept apart so that naming it does not load the renderer). */
export { chapterCacheName as htmlChapterCacheName } from '../shared/chapterCacheName.js';
