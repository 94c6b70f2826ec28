/** The release history (releases/): its format, reading with verification, and publishing. */
export * from './format.js';
export { openBookHistory, openHistory } from './read.js';
export { crashPoint, publishRelease, yankRelease, type NewRelease } from './publish.js';
export { artifactStoreDir, checkStored, defaultArtifactStore, storeArtifact, storedArtifactPath, type StoredState } from './artifactStore.js';
