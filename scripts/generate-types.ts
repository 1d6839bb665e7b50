// `npm run gen:types`: rewrites crds-like-schemas/generated/ from the CRD files.
import { writeFileSync } from 'node:fs';
import { loadCrd } from '../crds-like-schemas/crd.js';
import { generatedModules, renderModule } from '../crds-like-schemas/typegen.js';
import { projectPath } from '../lib/project-root.js';

for (const { crd, output, roots } of generatedModules) {
  const path = projectPath('crds-like-schemas', output);
  writeFileSync(path, renderModule(loadCrd(crd).schema, crd, roots));
  console.log(`wrote ${path}`);
}
