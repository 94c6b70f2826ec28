/** The release history (releases/): its format, reading with verification, and publishing. */
export * from './format.js';
export { openHistory } from './read.js';
export { crashPoint, publishRelease, yankRelease, type NewRelease } from './publish.js';
