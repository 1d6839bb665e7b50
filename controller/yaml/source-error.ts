import { redactUrl } from '../../lib/redact.js';

/** An error in a YAML file, pointing at the place to fix: file, line, column, field. */
export interface SourceError {
  file: string;
  line: number;
  column: number;
  /** Field path such as spec.motion.zones[0].points, or '' for the document as a whole. */
  field: string;
  message: string;
  /** The offending value as written, shortened, passwords redacted. */
  value?: string;
}

export function formatFieldPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((text, segment) => {
    if (typeof segment === 'number') return `${text}[${segment}]`;
    const name = /^[A-Za-z_][\w-]*$/.test(segment) ? segment : JSON.stringify(segment);
    return text === '' ? name : `${text}.${name}`;
  }, '');
}

const MAX_VALUE_LENGTH = 80;

/** A value as a person wants to see it in an error: JSON, short, with no password in it. */
export function describeValue(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    text = '(a value that contains itself, through a YAML alias)';
  }
  text = redactUrl(text);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}

/** `manifests/door.yaml:12:7: spec.motion.fps: must be <= 30 (value: 500)` */
export function formatSourceError(error: SourceError): string {
  const where = `${error.file}:${error.line}:${error.column}`;
  const field = error.field ? ` ${error.field}:` : '';
  const value = error.value !== undefined ? ` (value: ${error.value})` : '';
  return `${where}:${field} ${error.message}${value}`;
}
