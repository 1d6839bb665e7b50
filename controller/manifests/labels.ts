import type { FieldError } from '../../crds-like-schemas/validator.js';

// Kubernetes' own syntax for label and annotation keys and label values, so that a manifest
// that camlet accepts is one a cluster accepts too.
const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

function keyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return 'key prefix must be a DNS subdomain (lower case, at most 253 characters)';
  }
  if (name.length > 63 || !NAME.test(name)) {
    return 'key name must be at most 63 characters: letters, digits, -, _ or ., starting and ending with a letter or digit';
  }
  return undefined;
}

function checkStringMap(value: unknown, path: string[], checkValue: (v: string) => string | undefined): FieldError[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'object' || Array.isArray(value)) return [{ path, message: 'must be a map of strings' }];
  const errors: FieldError[] = [];
  for (const [key, entry] of Object.entries(value)) {
    const keyError = keyProblem(key);
    if (keyError) errors.push({ path: [...path, key], message: keyError, atKey: true });
    if (typeof entry !== 'string') errors.push({ path: [...path, key], message: 'must be a string (quote numbers and booleans)' });
    else {
      const valueError = checkValue(entry);
      if (valueError) errors.push({ path: [...path, key], message: valueError });
    }
  }
  return errors;
}

export function checkLabels(labels: unknown): FieldError[] {
  return checkStringMap(labels, ['metadata', 'labels'], (value) =>
    value === '' || (value.length <= 63 && NAME.test(value))
      ? undefined
      : 'label value must be empty or at most 63 characters: letters, digits, -, _ or ., starting and ending with a letter or digit',
  );
}

/** The size Kubernetes limits: the UTF-8 bytes of every key and value (not the JSON text). */
function annotationBytes(annotations: Record<string, string>): number {
  return Object.entries(annotations).reduce((sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value), 0);
}

export function checkAnnotations(annotations: unknown): FieldError[] {
  const errors = checkStringMap(annotations, ['metadata', 'annotations'], () => undefined);
  if (errors.length === 0 && annotations && annotationBytes(annotations as Record<string, string>) > MAX_ANNOTATIONS_BYTES) {
    errors.push({ path: ['metadata', 'annotations'], message: `annotations must total at most ${MAX_ANNOTATIONS_BYTES} bytes` });
  }
  return errors;
}
