import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectPath, projectRoot } from '../../lib/project-root.js';
import { ConfigError, environmentName, loadConfig, type ConfigSources, type ControllerConfig } from './load-config.js';

const folder = mkdtempSync(join(tmpdir(), 'camlet-config-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const workingDirectory = '/srv/camlet';

/** Writes a config file under the test's folder and returns its absolute path. */
function write(name: string, text: string): string {
  const file = join(folder, name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

function load(sources: ConfigSources): ControllerConfig {
  return loadConfig({ workingDirectory, environment: {}, ...sources });
}

/** The problems loadConfig reports, in order; fails the test when it accepts the sources. */
function problemsOf(sources: ConfigSources): string[] {
  try {
    load(sources);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(message).toBe(`invalid controller configuration:\n  ${problems.join('\n  ')}`);
    return problems;
  }
  throw new Error('expected the configuration to be rejected');
}

/** A value inside the config by dotted setting path. */
function setting(config: ControllerConfig, path: string): unknown {
  return path.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], config);
}

/** Problems found by the schema come in its order, not the file's: compare them as sets. */
const sorted = (problems: string[]) => [...problems].sort();

const LISTEN_PATTERN = '^(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+):[0-9]{1,5}$';

describe('layers', () => {
  it('starts from the defaults of crds-like-schemas/controllerconfig.yaml', () => {
    expect(load({})).toEqual({
      listen: '127.0.0.1:5001',
      manifests: '/srv/camlet/manifests',
      storage: '/srv/camlet/data',
      logLevel: 'info',
      resyncSeconds: 30,
      manifestDebounceMilliseconds: 100,
      gracePeriods: { workerStopSeconds: 10, shutdownSeconds: 30 },
      retention: { freeSpaceFloor: '5%', intervalSeconds: 60 },
    });
  });

  it('takes the working directory from the process when none is given', () => {
    const config = loadConfig({ environment: {} });
    expect(config.manifests).toBe(resolve(process.cwd(), 'manifests'));
    expect(config.storage).toBe(resolve(process.cwd(), 'data'));
  });

  // Every scalar setting, with a value for each layer: the file's as YAML, the others as typed.
  const layers = [
    { path: 'listen', file: '"127.0.0.1:6001"', environment: '0.0.0.0:6002', flag: '[::1]:6003', typed: (text: string): unknown => text },
    { path: 'manifests', file: 'from-file', environment: 'from-env', flag: 'from-flag', typed: (text: string): unknown => text },
    { path: 'storage', file: 'from-file', environment: '/abs/from-env', flag: 'from-flag', typed: (text: string): unknown => text },
    { path: 'logLevel', file: 'debug', environment: 'warn', flag: 'trace', typed: (text: string): unknown => text },
    { path: 'resyncSeconds', file: '10', environment: '20', flag: '3600', typed: Number },
    { path: 'manifestDebounceMilliseconds', file: '0', environment: '250', flag: '10000', typed: Number },
    { path: 'gracePeriods.workerStopSeconds', file: '2.5', environment: '0.1', flag: '300', typed: Number },
    { path: 'gracePeriods.shutdownSeconds', file: '60', environment: '1', flag: '600', typed: Number },
    { path: 'retention.freeSpaceFloor', file: '10Gi', environment: '2.5%', flag: '1073741824', typed: (text: string): unknown => text },
    { path: 'retention.intervalSeconds', file: '30', environment: '0.5', flag: '3600', typed: Number },
  ];

  it('lists every scalar setting of the schema', () => {
    const paths = (value: object, prefix = ''): string[] =>
      Object.entries(value).flatMap(([key, child]) => (child !== null && typeof child === 'object' ? paths(child as object, `${prefix}${key}.`) : [`${prefix}${key}`]));
    expect(layers.map((layer) => layer.path).sort()).toEqual(paths(load({})).sort());
  });

  /** The file's YAML for one setting, nested as its path says. */
  const yamlFor = (path: string, value: string) => {
    const parts = path.split('.');
    return parts.map((part, depth) => `${'  '.repeat(depth)}${part}:${depth === parts.length - 1 ? ` ${value}` : ''}`).join('\n') + '\n';
  };
  /** What loadConfig returns for a folder setting: absolute, from the file's folder or the working directory. */
  const expected = (path: string, value: unknown, base: string) => (path === 'manifests' || path === 'storage' ? resolve(base, value as string) : value);

  it.each(layers)('$path: file over default, environment over file, flag over environment', ({ path, file: inFile, environment: fromEnvironment, flag, typed }) => {
    const file = write(`layers/${path}.yaml`, yamlFor(path, inFile));
    const variable = environmentName(path.split('.'));
    const defaults = load({});

    const fileOnly = load({ file });
    expect(setting(fileOnly, path)).toEqual(expected(path, typed(inFile.replace(/"/g, '')), dirname(file)));
    expect(setting(fileOnly, path)).not.toEqual(setting(defaults, path));

    const withEnvironment = load({ file, environment: { [variable]: fromEnvironment } });
    expect(setting(withEnvironment, path)).toEqual(expected(path, typed(fromEnvironment), workingDirectory));

    const withFlag = load({ file, environment: { [variable]: fromEnvironment }, flags: { [path]: flag } });
    expect(setting(withFlag, path)).toEqual(expected(path, typed(flag), workingDirectory));

    // Each layer also stands on its own over the defaults.
    expect(setting(load({ environment: { [variable]: fromEnvironment } }), path)).toEqual(setting(withEnvironment, path));
    expect(setting(load({ flags: { [path]: flag } }), path)).toEqual(setting(withFlag, path));
  });

  it('keeps the defaults of settings that no layer names, inside a map the file sets partly', () => {
    const file = write('partial.yaml', 'gracePeriods:\n  workerStopSeconds: 3\n');
    const config = load({ file, environment: { CAMLET_LOG_LEVEL: 'debug' }, flags: { listen: '127.0.0.1:0' } });
    expect(config).toEqual({
      ...load({}),
      listen: '127.0.0.1:0',
      logLevel: 'debug',
      gracePeriods: { workerStopSeconds: 3, shutdownSeconds: 30 },
    });
  });

  it('ignores empty variables, undefined flags and CAMLET_* variables that name no setting', () => {
    const file = write('ignored.yaml', 'logLevel: warn\nresyncSeconds: 5\n');
    const config = load({
      file,
      environment: { CAMLET_LOG_LEVEL: '', CAMLET_CONFIG: '/elsewhere.yaml', CAMLET_LISTEN_ADDRESS: 'nope', LISTEN: 'nope' },
      flags: { resyncSeconds: undefined, listen: undefined },
    });
    expect(config.logLevel).toBe('warn');
    expect(config.resyncSeconds).toBe(5);
    expect(config.listen).toBe('127.0.0.1:5001');
  });

  it('reads only the environment it is given, never process.env by itself', () => {
    const saved = process.env.CAMLET_LOG_LEVEL;
    process.env.CAMLET_LOG_LEVEL = 'fatal';
    try {
      expect(load({}).logLevel).toBe('info');
      expect(load({ environment: process.env }).logLevel).toBe('fatal');
    } finally {
      if (saved === undefined) delete process.env.CAMLET_LOG_LEVEL;
      else process.env.CAMLET_LOG_LEVEL = saved;
    }
  });

  it('takes LOG_LEVEL for logLevel, under CAMLET_LOG_LEVEL and the flag', () => {
    expect(load({ environment: { LOG_LEVEL: 'debug' } }).logLevel).toBe('debug');
    expect(load({ environment: { LOG_LEVEL: 'debug', CAMLET_LOG_LEVEL: 'warn' } }).logLevel).toBe('warn');
    expect(load({ environment: { LOG_LEVEL: 'debug', CAMLET_LOG_LEVEL: '' } }).logLevel).toBe('debug');
    expect(load({ environment: { LOG_LEVEL: 'debug' }, flags: { logLevel: 'error' } }).logLevel).toBe('error');
    expect(problemsOf({ environment: { LOG_LEVEL: 'loud' } })).toEqual([
      'environment variable LOG_LEVEL: logLevel: must be one of "trace", "debug", "info", "warn", "error", "fatal" (value: "loud")',
    ]);
  });

  it('names variables after the setting path, split at camel case', () => {
    expect(environmentName(['listen'])).toBe('CAMLET_LISTEN');
    expect(environmentName(['logLevel'])).toBe('CAMLET_LOG_LEVEL');
    expect(environmentName(['manifestDebounceMilliseconds'])).toBe('CAMLET_MANIFEST_DEBOUNCE_MILLISECONDS');
    expect(environmentName(['gracePeriods', 'workerStopSeconds'])).toBe('CAMLET_GRACE_PERIODS_WORKER_STOP_SECONDS');
  });
});

describe('types of variables and flags', () => {
  it('turns numeric text into numbers for integer and number settings', () => {
    const config = load({
      environment: { CAMLET_RESYNC_SECONDS: '15', CAMLET_GRACE_PERIODS_WORKER_STOP_SECONDS: ' 2.5 ' },
      flags: { manifestDebounceMilliseconds: '0', 'gracePeriods.shutdownSeconds': '45' },
    });
    expect(config.resyncSeconds).toBe(15);
    expect(config.gracePeriods.workerStopSeconds).toBe(2.5);
    expect(config.manifestDebounceMilliseconds).toBe(0);
    expect(config.gracePeriods.shutdownSeconds).toBe(45);
  });

  it('leaves digits in string settings as text', () => {
    const config = load({ flags: { manifests: '2024', storage: '1e3' } });
    expect(config.manifests).toBe('/srv/camlet/2024');
    expect(config.storage).toBe('/srv/camlet/1e3');
  });

  it('reports text that is no number as written, and fractions where an integer belongs', () => {
    expect(
      problemsOf({
        environment: { CAMLET_RESYNC_SECONDS: 'soon', CAMLET_GRACE_PERIODS_SHUTDOWN_SECONDS: 'Infinity' },
        flags: { manifestDebounceMilliseconds: '1.5', 'gracePeriods.workerStopSeconds': '' },
      }),
    ).toEqual([
      'environment variable CAMLET_RESYNC_SECONDS: resyncSeconds: must be integer (value: "soon")',
      'flag for manifestDebounceMilliseconds: manifestDebounceMilliseconds: must be integer (value: 1.5)',
      'flag for gracePeriods.workerStopSeconds: gracePeriods.workerStopSeconds: must be number (value: "")',
      'environment variable CAMLET_GRACE_PERIODS_SHUTDOWN_SECONDS: gracePeriods.shutdownSeconds: must be number (value: "Infinity")',
    ]);
  });

  it('checks the bounds of numbers that come from text', () => {
    expect(problemsOf({ environment: { CAMLET_RESYNC_SECONDS: '0' }, flags: { 'gracePeriods.workerStopSeconds': '0.05' } })).toEqual([
      'environment variable CAMLET_RESYNC_SECONDS: resyncSeconds: must be >= 1 (value: 0)',
      'flag for gracePeriods.workerStopSeconds: gracePeriods.workerStopSeconds: must be >= 0.1 (value: 0.05)',
    ]);
  });
});

describe('errors', () => {
  it('points an unknown field at its key, line and column', () => {
    const file = write('unknown.yaml', 'listen: 127.0.0.1:5001\nlsiten: 127.0.0.1:5002\ngracePeriods:\n  workerStopSecond: 3\n');
    expect(problemsOf({ file })).toEqual([`${file}:2:1: lsiten: unknown field`, `${file}:4:3: gracePeriods.workerStopSecond: unknown field`]);
  });

  it('points a number out of range at its value and shows it', () => {
    const file = write('range.yaml', 'resyncSeconds: 0\nmanifestDebounceMilliseconds: 10001\ngracePeriods:\n  workerStopSeconds: 1000\n');
    expect(problemsOf({ file })).toEqual([
      `${file}:1:16: resyncSeconds: must be >= 1 (value: 0)`,
      `${file}:2:31: manifestDebounceMilliseconds: must be <= 10000 (value: 10001)`,
      `${file}:4:22: gracePeriods.workerStopSeconds: must be <= 300 (value: 1000)`,
    ]);
  });

  it('reports values of the wrong type or outside an enum in the file', () => {
    const file = write('types.yaml', 'resyncSeconds: "30"\nlogLevel: verbose\nmanifests: ""\ngracePeriods: 5\n');
    expect(sorted(problemsOf({ file }))).toEqual(sorted([
      `${file}:1:16: resyncSeconds: must be integer (value: "30")`,
      `${file}:2:11: logLevel: must be one of "trace", "debug", "info", "warn", "error", "fatal" (value: "verbose")`,
      `${file}:3:12: manifests: must NOT have fewer than 1 characters (value: "")`,
      `${file}:4:15: gracePeriods: must be object (value: 5)`,
    ]));
  });

  it('still reports a file value that is not a map when a variable or flag sets a setting inside it', () => {
    const file = write('not-a-map.yaml', 'gracePeriods: 5\n');
    expect(problemsOf({ file, environment: { CAMLET_GRACE_PERIODS_WORKER_STOP_SECONDS: '3' }, flags: { 'gracePeriods.shutdownSeconds': '40' } })).toEqual([
      `${file}:1:15: gracePeriods: must be object (value: 5)`,
    ]);
  });

  it('names the flag and shows the value of a listen address that does not match the pattern', () => {
    expect(problemsOf({ flags: { listen: 'localhost' } })).toEqual([`flag for listen: listen: must match ${LISTEN_PATTERN} (value: "localhost")`]);
  });

  it('names the environment variable and shows its value', () => {
    expect(problemsOf({ environment: { CAMLET_LISTEN: '127.0.0.1', CAMLET_LOG_LEVEL: 'loud' } })).toEqual([
      `environment variable CAMLET_LISTEN: listen: must match ${LISTEN_PATTERN} (value: "127.0.0.1")`,
      'environment variable CAMLET_LOG_LEVEL: logLevel: must be one of "trace", "debug", "info", "warn", "error", "fatal" (value: "loud")',
    ]);
  });

  it('blames the layer that set the value, not the file beneath it', () => {
    const file = write('blame.yaml', 'listen: 127.0.0.1:5001\nresyncSeconds: 10\n');
    expect(problemsOf({ file, environment: { CAMLET_LISTEN: 'nowhere' }, flags: { resyncSeconds: '0' } })).toEqual([
      `environment variable CAMLET_LISTEN: listen: must match ${LISTEN_PATTERN} (value: "nowhere")`,
      'flag for resyncSeconds: resyncSeconds: must be >= 1 (value: 0)',
    ]);
  });

  it('never shows a password written into a value', () => {
    const [problem] = problemsOf({ flags: { listen: 'rtsp://admin:hunter2@10.0.0.1:554' } });
    expect(problem).toBe(`flag for listen: listen: must match ${LISTEN_PATTERN} (value: "rtsp://admin:***@10.0.0.1:554")`);
  });

  it('accepts apiVersion camlet.dev/v1 and kind ControllerConfig, or neither', () => {
    const file = write('envelope.yaml', 'apiVersion: camlet.dev/v1\nkind: ControllerConfig\nlogLevel: warn\n');
    expect(load({ file })).toMatchObject({ apiVersion: 'camlet.dev/v1', kind: 'ControllerConfig', logLevel: 'warn' });
    expect(load({ file: write('bare.yaml', 'logLevel: warn\n') }).logLevel).toBe('warn');
  });

  it('rejects another apiVersion or kind, with where and what was written', () => {
    const file = write('kind.yaml', 'apiVersion: v1\nkind: Pod\n');
    expect(problemsOf({ file })).toEqual([`${file}:1:13: apiVersion must be camlet.dev/v1, not "v1"`, `${file}:2:7: kind must be ControllerConfig, not "Pod"`]);
  });

  it('rejects a file of two documents, and still checks the first', () => {
    const file = write('two.yaml', 'resyncSeconds: 0\n---\nlogLevel: debug\n');
    expect(problemsOf({ file })).toEqual([`${file}: holds 2 documents; a config file holds one`, `${file}:1:16: resyncSeconds: must be >= 1 (value: 0)`]);
  });

  it('rejects a document that is not a map', () => {
    const file = write('list.yaml', '- listen: 127.0.0.1:5001\n');
    expect(problemsOf({ file })).toEqual([`${file}:1:1: the config must be a map of settings`]);
  });

  it('reads a file of nothing but comments as the defaults', () => {
    const file = write('comments.yaml', '# nothing set yet\n');
    expect(load({ file })).toEqual(load({}));
  });

  it('reports a file it cannot read, with the reason', () => {
    const missing = join(folder, 'missing.yaml');
    expect(problemsOf({ file: missing })).toEqual([`${missing}: cannot read the config file: ENOENT: no such file or directory, open '${missing}'`]);
    const directory = join(folder, 'a-folder.yaml');
    mkdirSync(directory, { recursive: true });
    expect(problemsOf({ file: directory })).toEqual([`${directory}: cannot read the config file: EISDIR: illegal operation on a directory, read`]);
  });

  it('reports YAML syntax errors with line and column', () => {
    const file = write('syntax.yaml', 'listen: 127.0.0.1:5001\nlisten: 127.0.0.1:5002\n');
    expect(problemsOf({ file })).toEqual([`${file}:2:1: YAML syntax: Map keys must be unique`]);
    const quote = write('quote.yaml', 'logLevel: info\nlisten: "127.0.0.1:5001\n');
    const [problem, ...rest] = problemsOf({ file: quote });
    expect(problem).toMatch(new RegExp(`^${quote.replace(/[.]/g, '\\.')}:\\d+:\\d+: YAML syntax: Missing closing "quote`));
    expect(rest).toEqual([]);
  });

  it('reports every problem of every layer at once', () => {
    const file = write('everything.yaml', 'apiVersion: camlet.dev/v2\nkind: ControllerConfig\nlsiten: x\nresyncSeconds: 0\nlogLevel: loud\n');
    const problems = problemsOf({
      file,
      environment: { CAMLET_MANIFEST_DEBOUNCE_MILLISECONDS: '-1', CAMLET_GRACE_PERIODS_WORKER_STOP_SECONDS: 'ten' },
      flags: { listen: ':5001', 'gracePeriods.shutdownSeconds': '601' },
    });
    // The envelope is checked first; the schema's findings follow, in the schema's order.
    expect(problems[0]).toBe(`${file}:1:13: apiVersion must be camlet.dev/v1, not "camlet.dev/v2"`);
    expect(sorted(problems)).toEqual(sorted([
      `${file}:1:13: apiVersion must be camlet.dev/v1, not "camlet.dev/v2"`,
      `flag for listen: listen: must match ${LISTEN_PATTERN} (value: ":5001")`,
      `${file}:3:1: lsiten: unknown field`,
      `${file}:5:11: logLevel: must be one of "trace", "debug", "info", "warn", "error", "fatal" (value: "loud")`,
      `${file}:4:16: resyncSeconds: must be >= 1 (value: 0)`,
      'environment variable CAMLET_MANIFEST_DEBOUNCE_MILLISECONDS: manifestDebounceMilliseconds: must be >= 0 (value: -1)',
      'environment variable CAMLET_GRACE_PERIODS_WORKER_STOP_SECONDS: gracePeriods.workerStopSeconds: must be number (value: "ten")',
      'flag for gracePeriods.shutdownSeconds: gracePeriods.shutdownSeconds: must be <= 600 (value: 601)',
    ]));
  });
});

describe('folders', () => {
  it('resolves folders written in the file against the file’s folder', () => {
    const file = write('deploy/conf/camlet.yaml', 'manifests: ../cameras\nstorage: recordings\n');
    const config = load({ file });
    expect(config.manifests).toBe(join(folder, 'deploy/cameras'));
    expect(config.storage).toBe(join(folder, 'deploy/conf/recordings'));
  });

  it('keeps absolute folders as written', () => {
    const file = write('absolute.yaml', 'manifests: /etc/camlet/cameras\nstorage: /var/lib/camlet\n');
    expect(load({ file })).toMatchObject({ manifests: '/etc/camlet/cameras', storage: '/var/lib/camlet' });
    expect(load({ flags: { storage: '/mnt/nvr' } }).storage).toBe('/mnt/nvr');
  });

  it('resolves folders from variables and flags against the working directory, even over the file', () => {
    const file = write('deploy/conf/camlet.yaml', 'manifests: ../cameras\nstorage: recordings\n');
    const config = load({ file, environment: { CAMLET_MANIFESTS: 'env-cameras' }, flags: { storage: '../flag-data' } });
    expect(config.manifests).toBe('/srv/camlet/env-cameras');
    expect(config.storage).toBe('/srv/flag-data');
  });

  it('resolves default folders against the working directory, even with a file', () => {
    const file = write('deploy/conf/other.yaml', 'logLevel: debug\n');
    expect(load({ file })).toMatchObject({ manifests: '/srv/camlet/manifests', storage: '/srv/camlet/data' });
  });
});

describe('the shipped config/camlet.yaml', () => {
  it('loads cleanly and points at the repository’s manifests/ and data/', () => {
    const config = loadConfig({ file: projectPath('config', 'camlet.yaml'), environment: {}, workingDirectory: '/somewhere/else' });
    expect(config).toEqual({
      apiVersion: 'camlet.dev/v1',
      kind: 'ControllerConfig',
      listen: '127.0.0.1:5001',
      manifests: projectPath('manifests'),
      storage: projectPath('data'),
      logLevel: 'info',
      resyncSeconds: 30,
      manifestDebounceMilliseconds: 100,
      gracePeriods: { workerStopSeconds: 10, shutdownSeconds: 30 },
      retention: { freeSpaceFloor: '5%', intervalSeconds: 60 },
    });
    expect(existsSync(config.manifests)).toBe(true);
  });

  it('sets the same values as the defaults, so that running without it changes nothing', () => {
    const { apiVersion: _apiVersion, kind: _kind, ...shipped } = loadConfig({ file: projectPath('config', 'camlet.yaml'), environment: {}, workingDirectory: projectRoot });
    expect(shipped).toEqual(loadConfig({ environment: {}, workingDirectory: projectRoot }));
  });
});
