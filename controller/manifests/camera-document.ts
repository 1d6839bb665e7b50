import { loadCrd } from '../../crds-like-schemas/crd.js';
import { checkCameraSpecRules } from '../../crds-like-schemas/cross-field-rules.js';
import type { CameraSpec } from '../../crds-like-schemas/generated/camera.js';
import { createValidator, type FieldError } from '../../crds-like-schemas/validator.js';
import { describeValue, formatFieldPath, shortened, type SourceError } from '../yaml/source-error.js';
import { readYamlDocuments, valueAtPath, type YamlDocument } from '../yaml/yaml-documents.js';
import { checkAnnotations, checkLabels } from './labels.js';
import { resolveReferences, type Environment } from './secrets.js';

export const CAMERA_API_VERSION = 'camlet.dev/v1';
export const CAMERA_KIND = 'Camera';

/** A stream as the worker opens it: the URL with its ${VAR} references resolved. */
export interface ResolvedStream {
  url: string;
  transport: 'tcp' | 'udp';
}

export interface ResolvedStreams {
  main: ResolvedStream;
  sub?: ResolvedStream;
}

/** Where a document was read from. */
export interface ManifestSource {
  file: string;
  /** Index of the document in the file, from 0. */
  document: number;
  line: number;
}

/** A Camera that passed validation, its defaults applied. */
export interface CameraManifest {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** As written plus defaults: URLs keep their ${VAR} references. */
  spec: CameraSpec;
  /** For the worker only; never shown. */
  streams: ResolvedStreams;
  /** Every password and resolved value in the stream URLs, for redaction. */
  secrets: string[];
  source: ManifestSource;
}

export type CameraDocument =
  | { valid: true; camera: CameraManifest }
  /** `name` is known when the document got far enough to have one. */
  | { valid: false; name?: string; source: ManifestSource; errors: SourceError[] };

export interface ManifestFile {
  documents: CameraDocument[];
  /** Errors that belong to no document with a name (YAML syntax, size limits). */
  errors: SourceError[];
}

// Server-set metadata that `camlet get -o yaml` prints; accepted and ignored when such output is
// applied again, as kubectl does.
export const IGNORED_METADATA: ReadonlySet<string> = new Set(['namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields']);
const KNOWN_METADATA = new Set(['name', 'labels', 'annotations', ...IGNORED_METADATA]);

let validateCamera: ((value: unknown) => FieldError[]) | undefined;

/** Built once from crds-like-schemas/camera.yaml, at first use (start-up). */
function cameraValidator(): (value: unknown) => FieldError[] {
  validateCamera ??= createValidator(loadCrd('camera.yaml').schema);
  return validateCamera;
}

/**
 * A spec with the CRD's defaults filled in (a copy), or undefined when it does not validate; for
 * telling a value written out from the default it repeats.
 */
export function defaultedSpec(spec: unknown): unknown {
  const candidate = { apiVersion: CAMERA_API_VERSION, kind: CAMERA_KIND, metadata: { name: 'defaults' }, spec: structuredClone(spec) };
  return cameraValidator()(candidate).length === 0 ? candidate.spec : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkEnvelope(value: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  if (value.apiVersion !== CAMERA_API_VERSION) {
    errors.push({ path: ['apiVersion'], message: `must be ${CAMERA_API_VERSION}` });
  }
  if (value.kind !== CAMERA_KIND) errors.push({ path: ['kind'], message: `must be ${CAMERA_KIND}` });
  if (!isPlainObject(value.metadata)) {
    errors.push({ path: ['metadata'], message: 'required: a map with at least a name' });
    return errors;
  }
  if (value.metadata.name === undefined) errors.push({ path: ['metadata', 'name'], message: 'required field is missing' });
  for (const key of Object.keys(value.metadata)) {
    if (!KNOWN_METADATA.has(key)) errors.push({ path: ['metadata', key], message: 'unknown field', atKey: true });
  }
  errors.push(...checkLabels(value.metadata.labels), ...checkAnnotations(value.metadata.annotations));
  return errors;
}

function resolveStreams(spec: CameraSpec, environment: Environment): { streams?: ResolvedStreams; secrets: string[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const secrets: string[] = [];
  const resolved: Partial<ResolvedStreams> = {};
  for (const role of ['main', 'sub'] as const) {
    const stream = spec.streams[role];
    if (!stream) continue;
    const resolution = resolveReferences(stream.url, environment);
    if (!resolution.ok) {
      // The message quotes the malformed reference, which runs on through whatever follows it.
      errors.push({ path: ['spec', 'streams', role, 'url'], message: shortened(resolution.message, 300) });
      continue;
    }
    secrets.push(...resolution.secrets);
    resolved[role] = { url: resolution.value, transport: stream.transport };
  }
  if (errors.length > 0 || !resolved.main) return { secrets, errors };
  return { streams: resolved as ResolvedStreams, secrets: [...new Set(secrets)], errors };
}

/** The first errors of a document are enough to fix it; thousands would only slow down everything that shows them. */
const MAX_ERRORS_PER_DOCUMENT = 20;

function toSourceErrors(file: string, document: YamlDocument, original: unknown, errors: FieldError[]): SourceError[] {
  const shown: SourceError[] = errors.slice(0, MAX_ERRORS_PER_DOCUMENT).map(({ path, message, atKey = false }) => ({
    file,
    ...document.locate(path, atKey),
    field: formatFieldPath(path),
    message,
    value: atKey ? undefined : describeValue(valueAtPath(original, path)),
  }));
  if (errors.length > shown.length) {
    shown.push({ file, ...document.position, field: '', message: `and ${errors.length - shown.length} more errors in this document` });
  }
  return shown;
}

function readCameraDocument(file: string, document: YamlDocument, environment: Environment): CameraDocument {
  const source: ManifestSource = { file, document: document.index, line: document.position.line };
  const value = document.value;
  const fail = (errors: FieldError[], name?: string): CameraDocument => ({
    valid: false,
    name,
    source,
    errors: toSourceErrors(file, document, value, errors),
  });
  if (!isPlainObject(value)) {
    return fail([{ path: [], message: `a document must be a Camera (a map with apiVersion ${CAMERA_API_VERSION} and kind ${CAMERA_KIND})` }]);
  }
  const metadata = isPlainObject(value.metadata) ? value.metadata : {};
  const name = typeof metadata.name === 'string' && metadata.name !== '' ? metadata.name : undefined;
  const envelopeErrors = checkEnvelope(value);

  // Validate a copy: the schema sees apiVersion, kind, metadata.name and spec; defaults land in it.
  const candidate = { apiVersion: value.apiVersion, kind: value.kind, metadata: { name: metadata.name }, spec: structuredClone(value.spec) };
  const schemaErrors = cameraValidator()(candidate);
  // status is the controller's: accepted (as in `get -o yaml` output) and ignored.
  const unexpected = Object.keys(value)
    .filter((key) => !['apiVersion', 'kind', 'metadata', 'spec', 'status'].includes(key))
    .map((key): FieldError => ({ path: [key], message: 'unknown field', atKey: true }));
  const errors = [...envelopeErrors, ...unexpected, ...schemaErrors];
  // A name that is not a valid name names no camera (nor a store key, an event or a log line).
  const nameIsValid = !errors.some(({ path }) => path[0] === 'metadata' && path[1] === 'name');
  if (errors.length > 0) return fail(errors, nameIsValid ? name : undefined);

  const spec = candidate.spec as CameraSpec;
  const ruleErrors = checkCameraSpecRules(spec);
  if (ruleErrors.length > 0) return fail(ruleErrors, name);
  const { streams, secrets, errors: secretErrors } = resolveStreams(spec, environment);
  if (!streams) return fail(secretErrors, name);
  return {
    valid: true,
    camera: {
      name: name as string,
      labels: (metadata.labels as Record<string, string> | undefined) ?? {},
      annotations: (metadata.annotations as Record<string, string> | undefined) ?? {},
      spec,
      streams,
      secrets,
      source,
    },
  };
}

/**
 * Parses and validates every Camera in one manifest file; never throws on bad input. `${VAR}` in
 * stream URLs is resolved from `environment` (the CLI, which has not the controller's, passes one
 * that resolves every name).
 */
export function readManifestFile(file: string, text: string, environment: Environment = process.env): ManifestFile {
  const yaml = readYamlDocuments(file, text);
  return { documents: yaml.documents.map((document) => readCameraDocument(file, document, environment)), errors: yaml.errors };
}
