/**
 * Work a command can start before the book is loaded, so that it overlaps loading the pipeline's modules
 * (about 0.35 s of every cold command). Small on purpose: importing it must not load the pipeline.
 */
export { preloadTypeCheck } from '../samples/languages/typescript/typeCheckThread.js';
