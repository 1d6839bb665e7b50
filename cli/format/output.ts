// -o / --output: the formats kubectl users know, and printing objects in them.
import { stringify } from 'yaml';
import { CliError } from '../client/errors.js';
import { executeTemplate, JsonPathError, parseTemplate, type Template } from './jsonpath.js';

export type OutputFormat =
  | { kind: 'table'; wide: boolean }
  | { kind: 'json' }
  | { kind: 'yaml' }
  | { kind: 'name' }
  | { kind: 'jsonpath'; template: Template };

export type OutputKind = OutputFormat['kind'] | 'wide';

export function parseOutput(value: string | undefined, allowed: readonly OutputKind[] = ['json', 'jsonpath', 'name', 'wide', 'yaml']): OutputFormat {
  const fail = () =>
    new CliError(`unable to match a printer suitable for the output format "${value}", allowed formats are: ${allowed.filter((k) => k !== 'table').join(',')}`);
  if (value === undefined || value === '') return { kind: 'table', wide: false };
  const [kind, ...rest] = value.split('=');
  const argument = rest.join('=');
  if (kind === 'jsonpath' && allowed.includes('jsonpath')) {
    if (argument === '') throw new CliError('template format specified but no template given: use -o jsonpath={.metadata.name}');
    try {
      return { kind: 'jsonpath', template: parseTemplate(argument) };
    } catch (error) {
      if (error instanceof JsonPathError) throw new CliError(`error parsing jsonpath ${argument}: ${error.message}`);
      throw error;
    }
  }
  if (argument !== '' || kind === undefined || !allowed.includes(kind as OutputKind)) throw fail();
  if (kind === 'wide') return { kind: 'table', wide: true };
  return { kind: kind as 'json' | 'yaml' | 'name' };
}

/** Keys in alphabetical order at every level, as kubectl prints objects (Go maps marshal sorted). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

export function toJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 4)}\n`;
}

export function toYaml(value: unknown): string {
  return stringify(sortKeys(value), { lineWidth: 0 });
}

/** Several objects printed as one, as kubectl does. */
export function asList(items: unknown[]): Record<string, unknown> {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
}

/** Objects in a non-table format: one object alone when it was asked for by name, else a List. */
export function formatObjects(format: Exclude<OutputFormat, { kind: 'table' }>, objects: unknown[], options: { single: boolean; qualified: string }): string {
  if (format.kind === 'name') {
    return objects.map((object) => `${options.qualified}/${(object as { metadata: { name: string } }).metadata.name}\n`).join('');
  }
  const value = options.single && objects.length === 1 ? objects[0] : asList(objects);
  if (format.kind === 'json') return toJson(value);
  if (format.kind === 'yaml') return toYaml(value);
  return executeTemplate(format.template, sortKeys(value));
}
