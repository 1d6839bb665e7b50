import { readFileSync } from 'node:fs';
import { projectPath } from '../lib/project-root.js';

/** camlet's version, from package.json, for /status, the CLI and camlet_build_info. */
export const controllerVersion = (JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string }).version;
