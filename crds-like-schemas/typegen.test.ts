import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCrd } from './crd.js';
import { generatedModules, renderModule, renderType } from './typegen.js';
import { projectPath } from '../lib/project-root.js';

describe('generated TypeScript types', () => {
  it.each(generatedModules)('$output matches $crd (run `npm run gen:types` after changing a schema)', ({ crd, output, roots }) => {
    const committed = readFileSync(projectPath('crds-like-schemas', output), 'utf8');
    expect(committed).toBe(renderModule(loadCrd(crd).schema, crd, roots));
  });

  it('makes defaulted properties required and others optional', () => {
    const rendered = renderType(
      {
        type: 'object',
        required: ['a'],
        properties: {
          a: { type: 'string' },
          b: { type: 'integer', default: 1 },
          c: { type: 'boolean' },
          d: { type: 'string', enum: ['x', 'y'] },
          e: { 'x-kubernetes-int-or-string': true },
        },
      },
      'root',
    );
    expect(rendered).toBe('{\n  a: string;\n  b: number;\n  c?: boolean;\n  d?: "x" | "y";\n  e?: number | string;\n}');
  });

  it('refuses a schema shape it cannot type', () => {
    expect(() => renderType({ type: 'array' }, 'spec.list')).toThrow('spec.list: array without items');
  });
});
