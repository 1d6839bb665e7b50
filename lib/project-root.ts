import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Code runs both from the sources (vitest) and from dist/ (the built controller), at different
// depths; the schemas, scripts and the worker are found from the folder holding package.json.
function findProjectRoot(start: string): string {
  let folder = start;
  for (;;) {
    if (existsSync(join(folder, 'package.json')) && existsSync(join(folder, 'crds-like-schemas'))) return folder;
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`camlet: no project root (package.json beside crds-like-schemas/) above ${start}`);
    folder = parent;
  }
}

export const projectRoot = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

export function projectPath(...parts: string[]): string {
  return join(projectRoot, ...parts);
}
