import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { OpenApiSchema } from './crd.js';

/** One problem with one field: where it is (path into the document) and what is wrong. */
export interface FieldError {
  path: (string | number)[];
  message: string;
  /** The key itself is wrong (an unknown or malformed field name), not its value. */
  atKey?: boolean;
}

export type Validate = (value: unknown) => FieldError[];

// CRD extensions that carry no check ajv could make; they stay in the schema for Kubernetes.
const ANNOTATION_KEYWORDS = [
  'x-kubernetes-int-or-string',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-validations',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-embedded-resource',
];

/**
 * Rewrites a CRD structural schema into the JSON Schema that ajv should check:
 * - objects with declared properties reject unknown fields, as `kubectl apply` does with
 *   strict field validation (a cluster would prune them silently; a typo like `treshold`
 *   must not be silently ignored here),
 * - x-kubernetes-int-or-string becomes `type: [integer, string]`,
 * - `metadata` is left open: ObjectMeta is checked by code (labels, annotations).
 */
function toAjvSchema(schema: OpenApiSchema, isMetadata = false): Record<string, unknown> {
  const result: Record<string, unknown> = { ...schema };
  if (schema['x-kubernetes-int-or-string']) result.type = ['integer', 'string'];
  if (schema.properties) {
    result.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([name, property]) => [name, toAjvSchema(property, name === 'metadata' && !isMetadata)]),
    );
    if (!isMetadata && !schema['x-kubernetes-preserve-unknown-fields'] && schema.additionalProperties === undefined) {
      result.additionalProperties = false;
    }
  }
  if (typeof schema.additionalProperties === 'object') result.additionalProperties = toAjvSchema(schema.additionalProperties);
  if (schema.items) result.items = toAjvSchema(schema.items);
  return result;
}

function describe(error: ErrorObject): FieldError {
  const path: (string | number)[] = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: [...path, String(params.missingProperty)], message: 'required field is missing' };
    case 'additionalProperties':
      return { path: [...path, String(params.additionalProperty)], message: 'unknown field', atKey: true };
    case 'enum':
      return { path, message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'type':
      return { path, message: `must be ${String(params.type).replace(',', ' or ')}` };
    case 'pattern':
      return { path, message: `must match ${String(params.pattern)}` };
    default:
      return { path, message: error.message ?? error.keyword };
  }
}

let ajv: Ajv | undefined;

/**
 * One Ajv for the process: each instance compiles JSON Schema's meta-schema before its first
 * schema, which cost a worker ~80 ms of its start-up for every validator it built.
 */
function sharedAjv(): Ajv {
  if (!ajv) {
    ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, strictRequired: false, allowUnionTypes: true, keywords: ANNOTATION_KEYWORDS });
    ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  }
  return ajv;
}

/**
 * Compiles a validator for one CRD schema. The returned function fills in the schema's
 * defaults in place (nested objects defaulted to {} get their own defaults too) and
 * returns every error found, in document order.
 */
export function createValidator(schema: OpenApiSchema): Validate {
  const validate: ValidateFunction = sharedAjv().compile(toAjvSchema(schema));
  return (value) => (validate(value) ? [] : (validate.errors ?? []).map(describe));
}
