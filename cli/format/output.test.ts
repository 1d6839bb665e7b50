import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CliError } from '../client/errors.js';
import { formatObjects, parseOutput } from './output.js';

const objects = [
  { kind: 'Camera', metadata: { name: 'b', labels: { z: '1', a: '2' } }, apiVersion: 'camlet.dev/v1' },
  { kind: 'Camera', metadata: { name: 'c' }, apiVersion: 'camlet.dev/v1' },
];

describe('-o', () => {
  it('knows the formats kubectl users type, and names the allowed ones otherwise', () => {
    expect(parseOutput(undefined)).toEqual({ kind: 'table', wide: false });
    expect(parseOutput('wide')).toEqual({ kind: 'table', wide: true });
    expect(parseOutput('json').kind).toBe('json');
    expect(parseOutput('jsonpath={.items[*].metadata.name}').kind).toBe('jsonpath');
    expect(() => parseOutput('xml')).toThrow(new CliError('unable to match a printer suitable for the output format "xml", allowed formats are: json,jsonpath,name,wide,yaml'));
    expect(() => parseOutput('wide', ['json', 'yaml', 'name'])).toThrow(/allowed formats are: json,yaml,name/);
  });

  it('prints one object asked for by name alone, several as a List, keys sorted, JSON with four spaces', () => {
    const one = formatObjects({ kind: 'json' }, [objects[0]], { single: true, qualified: 'camera.camlet.dev' });
    expect(one).toBe(`{\n    "apiVersion": "camlet.dev/v1",\n    "kind": "Camera",\n    "metadata": {\n        "labels": {\n            "a": "2",\n            "z": "1"\n        },\n        "name": "b"\n    }\n}\n`);
    const list = parse(formatObjects({ kind: 'yaml' }, objects, { single: false, qualified: 'camera.camlet.dev' })) as { kind: string; items: unknown[] };
    expect(list).toEqual({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: objects });
  });

  it('prints names as TYPE.GROUP/NAME', () => {
    expect(formatObjects({ kind: 'name' }, objects, { single: false, qualified: 'camera.camlet.dev' })).toBe('camera.camlet.dev/b\ncamera.camlet.dev/c\n');
  });
});
