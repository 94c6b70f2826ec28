/** Opening a project: the first step of every command (see src/index.ts for the whole library). */
export { openProject, Project, type OpenProjectOptions } from '../driver/project.js';
