import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { projectPath } from '../lib/project-root.js';

/** The part of an OpenAPI v3 schema (as a CRD allows it) that camlet reads. */
export interface OpenApiSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  properties?: Record<string, OpenApiSchema>;
  additionalProperties?: OpenApiSchema | boolean;
  required?: string[];
  items?: OpenApiSchema;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-validations'?: { rule: string; message: string }[];
  [extension: `x-kubernetes-${string}`]: unknown;
}

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  priority?: number;
}

export interface CustomResourceDefinition {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  schema: OpenApiSchema;
  printerColumns: PrinterColumn[];
  /** Where it was read from, for error messages. */
  file: string;
}

interface CrdDocument {
  apiVersion?: string;
  kind?: string;
  spec?: {
    group: string;
    names: { kind: string; listKind: string; plural: string; singular: string; shortNames?: string[] };
    versions: {
      name: string;
      schema?: { openAPIV3Schema?: OpenApiSchema };
      additionalPrinterColumns?: PrinterColumn[];
    }[];
  };
}

/** Reads one CustomResourceDefinition from crds-like-schemas/ and picks the served version. */
export function loadCrd(fileName: string, version = 'v1'): CustomResourceDefinition {
  const file = projectPath('crds-like-schemas', fileName);
  const document = parse(readFileSync(file, 'utf8')) as CrdDocument;
  if (document.apiVersion !== 'apiextensions.k8s.io/v1' || document.kind !== 'CustomResourceDefinition' || !document.spec) {
    throw new Error(`${file}: not an apiextensions.k8s.io/v1 CustomResourceDefinition`);
  }
  const served = document.spec.versions.find((v) => v.name === version);
  const schema = served?.schema?.openAPIV3Schema;
  if (!served || !schema) throw new Error(`${file}: no openAPIV3Schema for version ${version}`);
  const { names } = document.spec;
  return {
    group: document.spec.group,
    version,
    kind: names.kind,
    listKind: names.listKind,
    plural: names.plural,
    singular: names.singular,
    shortNames: names.shortNames ?? [],
    schema,
    printerColumns: served.additionalPrinterColumns ?? [],
    file,
  };
}
