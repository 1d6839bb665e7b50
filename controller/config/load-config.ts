import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadCrd, type OpenApiSchema } from '../../crds-like-schemas/crd.js';
import type { ControllerConfig } from '../../crds-like-schemas/generated/controller-config.js';
import { createValidator } from '../../crds-like-schemas/validator.js';
import { describeValue, formatFieldPath, formatSourceError } from '../yaml/source-error.js';
import { readYamlDocuments, valueAtPath } from '../yaml/yaml-documents.js';

export type { ControllerConfig } from '../../crds-like-schemas/generated/controller-config.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid controller configuration:\n  ${problems.join('\n  ')}`);
  }
}

export interface ConfigSources {
  /** config/camlet.yaml or another file; none: defaults, environment and flags only. */
  file?: string;
  /** Flag values by setting path (`listen`, `gracePeriods.workerStopSeconds`), as typed. */
  flags?: Record<string, string | undefined>;
  environment?: Readonly<Record<string, string | undefined>>;
  /** Where relative paths from flags and the environment start. */
  workingDirectory?: string;
}

type Path = string[];

/** Every scalar setting of the schema, with its path (for CAMLET_* names) and type. */
function scalarSettings(schema: OpenApiSchema, path: Path = []): { path: Path; schema: OpenApiSchema }[] {
  return Object.entries(schema.properties ?? {}).flatMap(([name, child]) => {
    if (path.length === 0 && (name === 'apiVersion' || name === 'kind')) return [];
    return child.type === 'object' ? scalarSettings(child, [...path, name]) : [{ path: [...path, name], schema: child }];
  });
}

/** gracePeriods.workerStopSeconds → CAMLET_GRACE_PERIODS_WORKER_STOP_SECONDS */
export function environmentName(path: Path): string {
  return `CAMLET_${path.map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_')}`;
}

/** Settings that also answer to a conventional variable (LOG_LEVEL, as containers set it); the CAMLET_* one wins. */
const ENVIRONMENT_ALIASES: Readonly<Record<string, string>> = { logLevel: 'LOG_LEVEL' };

/** Text from a flag or variable, typed as the schema wants it (left as text when it is not a number, so the error shows it). */
function typed(text: string, schema: OpenApiSchema): unknown {
  if ((schema.type === 'integer' || schema.type === 'number') && text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  if (schema.type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

function setAtPath(target: Record<string, unknown>, path: Path, value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    if (node[part] === undefined) node[part] = {};
    // Not a map (`gracePeriods: 5` in the file): left for the validator to report where it is written.
    if (typeof node[part] !== 'object' || node[part] === null) return;
    node = node[part] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

/**
 * The controller's settings: the schema's defaults, overridden by the config file, overridden by
 * CAMLET_* environment variables, overridden by flags. Every problem is reported at once, naming
 * where the bad value came from (file:line:column, variable or flag). Folder paths come back
 * absolute: relative to the config file when written there, else to the working directory.
 */
export function loadConfig(sources: ConfigSources): ControllerConfig {
  const crd = loadCrd('controllerconfig.yaml');
  const validate = createValidator(crd.schema);
  const cwd = sources.workingDirectory ?? process.cwd();
  const problems: string[] = [];
  let fromFile: Record<string, unknown> = {};
  let locate: ((path: (string | number)[], pointAtKey?: boolean) => string) | undefined;

  if (sources.file) {
    let text: string;
    try {
      text = readFileSync(sources.file, 'utf8');
    } catch (error) {
      throw new ConfigError([`${sources.file}: cannot read the config file: ${(error as Error).message}`]);
    }
    const yaml = readYamlDocuments(sources.file, text);
    problems.push(...yaml.errors.map(formatSourceError));
    const [document, ...extra] = yaml.documents;
    if (extra.length > 0) problems.push(`${sources.file}: holds ${yaml.documents.length} documents; a config file holds one`);
    if (document) {
      if (typeof document.value !== 'object' || document.value === null || Array.isArray(document.value)) {
        problems.push(`${sources.file}:${document.position.line}:${document.position.column}: the config must be a map of settings`);
      } else {
        fromFile = document.value as Record<string, unknown>;
        const file = sources.file;
        locate = (path, pointAtKey) => {
          const { line, column } = document.locate(path, pointAtKey);
          return `${file}:${line}:${column}`;
        };
        const { apiVersion, kind } = fromFile;
        if (apiVersion !== undefined && apiVersion !== 'camlet.dev/v1') problems.push(`${locate(['apiVersion'])}: apiVersion must be camlet.dev/v1, not ${describeValue(apiVersion)}`);
        if (kind !== undefined && kind !== crd.kind) problems.push(`${locate(['kind'])}: kind must be ${crd.kind}, not ${describeValue(kind)}`);
      }
    }
  }

  // Later layers win; each value remembers where it came from, for errors and relative paths.
  const origin = new Map<string, string>();
  const merged: Record<string, unknown> = structuredClone(fromFile);
  for (const { path, schema } of scalarSettings(crd.schema)) {
    let variable = environmentName(path);
    let fromEnvironment = sources.environment?.[variable];
    const alias = ENVIRONMENT_ALIASES[path.join('.')];
    if ((fromEnvironment === undefined || fromEnvironment === '') && alias !== undefined && sources.environment?.[alias]) {
      variable = alias;
      fromEnvironment = sources.environment[alias];
    }
    if (fromEnvironment !== undefined && fromEnvironment !== '') {
      setAtPath(merged, path, typed(fromEnvironment, schema));
      origin.set(path.join('.'), `environment variable ${variable}`);
    }
    const flag = sources.flags?.[path.join('.')];
    if (flag !== undefined) {
      setAtPath(merged, path, typed(flag, schema));
      origin.set(path.join('.'), `flag for ${path.join('.')}`);
    }
  }

  const candidate = structuredClone(merged);
  for (const { path, message, atKey } of validate(candidate)) {
    const key = path.join('.');
    const where = origin.get(key) ?? locate?.(path, atKey) ?? sources.file ?? 'defaults';
    const value = atKey ? '' : ` (value: ${describeValue(valueAtPath(merged, path))})`;
    problems.push(`${where}: ${formatFieldPath(path)}: ${message}${value}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const config = candidate as unknown as ControllerConfig;
  const folderBase = (key: 'manifests' | 'storage') => (sources.file && !origin.has(key) && key in fromFile ? dirname(resolve(sources.file)) : cwd);
  return { ...config, manifests: resolve(folderBase('manifests'), config.manifests), storage: resolve(folderBase('storage'), config.storage) };
}
