import type { OpenApiSchema } from './crd.js';

/**
 * Renders TypeScript declarations from an OpenAPI v3 schema, as the values look *after* the
 * validator has applied the schema's defaults: a property with a default is never undefined.
 * Only the subset of OpenAPI that CRD structural schemas allow is handled; anything else is
 * an error, so that the schema cannot grow a shape the types silently miss.
 */
export function renderType(schema: OpenApiSchema, where: string, indent = ''): string {
  if (schema['x-kubernetes-int-or-string']) return 'number | string';
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      if (!schema.items) throw new Error(`${where}: array without items`);
      return `Array<${renderType(schema.items, `${where}[]`, indent)}>`;
    case 'object':
      return renderObject(schema, where, indent);
    default:
      throw new Error(`${where}: unsupported schema type ${String(schema.type)}`);
  }
}

function renderObject(schema: OpenApiSchema, where: string, indent: string): string {
  const { properties, additionalProperties } = schema;
  if (!properties) {
    if (typeof additionalProperties === 'object') {
      return `Record<string, ${renderType(additionalProperties, `${where}.*`, indent)}>`;
    }
    return 'Record<string, unknown>';
  }
  const inner = `${indent}  `;
  const required = new Set(schema.required ?? []);
  const lines = Object.entries(properties).map(([name, property]) => {
    const optional = required.has(name) || property.default !== undefined ? '' : '?';
    const doc = property.description ? `${inner}/** ${property.description.replace(/\s+/g, ' ').trim()} */\n` : '';
    return `${doc}${inner}${name}${optional}: ${renderType(property, `${where}.${name}`, inner)};`;
  });
  return `{\n${lines.join('\n')}\n${indent}}`;
}

export interface TypeRoot {
  /** Name of the exported type. */
  name: string;
  /** Top-level property of the schema it describes, or undefined for the whole schema. */
  property?: string;
}

/** The whole generated module for one CRD file. */
export function renderModule(schema: OpenApiSchema, crdFileName: string, roots: readonly TypeRoot[]): string {
  const header = [
    `// Generated from crds-like-schemas/${crdFileName} by \`npm run gen:types\`. Do not edit:`,
    '// change the schema and regenerate; crds-like-schemas/typegen.test.ts fails when the two drift.',
    '',
  ];
  const declarations = roots.map(({ name, property }) => {
    const root = property === undefined ? schema : schema.properties?.[property];
    if (!root) throw new Error(`${crdFileName}: no top-level property ${property}`);
    return `export type ${name} = ${renderType(root, property ?? name)};\n`;
  });
  return [...header, declarations.join('\n')].join('\n');
}

/** What `npm run gen:types` writes: the generated file for each CRD. */
export const generatedModules = [
  {
    crd: 'camera.yaml',
    output: 'generated/camera.ts',
    roots: [
      { name: 'CameraSpec', property: 'spec' },
      { name: 'CameraStatus', property: 'status' },
    ],
  },
  {
    crd: 'controllerconfig.yaml',
    output: 'generated/controller-config.ts',
    roots: [{ name: 'ControllerConfig' }],
  },
] as const satisfies readonly { crd: string; output: string; roots: readonly TypeRoot[] }[];
