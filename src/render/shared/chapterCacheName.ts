/** The rendered-chapter cache's namespace (kept apart so that naming it does not load a renderer). */
export const chapterCacheName = 'html-chapters';
