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
    // A key can be anything, even a URL with a password in it or a megabyte of text.
    const name = /^[A-Za-z_][\w-]*$/.test(segment) ? shortened(segment) : shortened(JSON.stringify(segment));
    return text === '' ? name : `${text}.${name}`;
  }, '');
}

const MAX_VALUE_LENGTH = 80;
/** redactUrl's pattern takes time that grows with the square of a long run of letters: only this much is redacted. */
const MAX_REDACTED_LENGTH = 1024;

/**
 * Text cut to `max` characters, with no password in it. A URL cut off before the '@' that ends
 * its password is hidden from the ':' before the password on.
 */
export function shortened(text: string, max = MAX_VALUE_LENGTH): string {
  let redacted =
    text.length > MAX_REDACTED_LENGTH
      ? redactUrl(text.slice(0, MAX_REDACTED_LENGTH)).replace(/(:\/\/[^:/@\s]*):[^/\s]*$/, '$1:***')
      : redactUrl(text);
  if (redacted.length > max) redacted = `${redacted.slice(0, max - 1)}…`;
  return redacted;
}

/** A value as a person wants to see it in an error: JSON, short, with no password in it. */
export function describeValue(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    text = '(a value that contains itself, through a YAML alias)';
  }
  return shortened(text);
}

/** `manifests/door.yaml:12:7: spec.motion.fps: must be <= 30 (value: 500)` */
export function formatSourceError(error: SourceError): string {
  const where = `${error.file}:${error.line}:${error.column}`;
  const field = error.field ? ` ${error.field}:` : '';
  const value = error.value !== undefined ? ` (value: ${error.value})` : '';
  return `${where}:${field} ${error.message}${value}`;
}
