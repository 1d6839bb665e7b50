import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from './client/errors.js';
import { declaredNames, readInputs, validatedDocuments } from './manifest-input.js';
import { inDocument } from './request-errors.js';

const camera = (name: string, extra = '') => `apiVersion: camlet.dev/v1\nkind: Camera\nmetadata:\n  name: ${name}\nspec:\n  streams:\n    main: { url: "rtsp://u:\${PASSWORD_ONLY_THE_CONTROLLER_HAS}@h/${name}" }\n${extra}`;

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'camlet-input-'));
  await mkdir(join(folder, 'sub'));
  await writeFile(join(folder, 'b.yaml'), `# two cameras\n${camera('b1')}---\n${camera('b2')}`);
  await writeFile(join(folder, 'a.yml'), camera('a'));
  await writeFile(join(folder, 'notes.txt'), 'not a manifest');
  await writeFile(join(folder, '.hidden.yaml'), 'not: read');
  await writeFile(join(folder, 'sub', 'c.json'), JSON.stringify({ apiVersion: 'camlet.dev/v1', kind: 'Camera', metadata: { name: 'c' }, spec: { streams: { main: { url: 'rtsp://h/c' } } } }));
});
afterAll(() => rm(folder, { recursive: true, force: true }));

describe('reading -f', () => {
  it("reads a folder's manifests in name order, subfolders with -R only", async () => {
    expect((await readInputs([folder], false)).map((input) => input.file)).toEqual([join(folder, 'a.yml'), join(folder, 'b.yaml')]);
    expect((await readInputs([folder], true)).map((input) => input.file)).toEqual([join(folder, 'a.yml'), join(folder, 'b.yaml'), join(folder, 'sub', 'c.json')]);
    await expect(readInputs([join(folder, 'missing.yaml')], false)).rejects.toThrow(/the path ".*missing\.yaml" does not exist/);
  });

  it('splits files into documents that keep their text and the line they start on', async () => {
    const documents = validatedDocuments(await readInputs([join(folder, 'b.yaml')], false), 'apply');
    expect(documents.map((d) => [d.name, d.startLine])).toEqual([
      ['b1', 1],
      ['b2', 9],
    ]);
    expect(documents[0]?.text).toBe(`# two cameras\n${camera('b1')}`);
    expect(documents[1]?.text).toBe(`---\n${camera('b2')}`);
  });

  it('validates everything before anything is sent, naming file, line and field', () => {
    const inputs = [
      { file: 'good.yaml', text: camera('good') },
      { file: 'bad.yaml', text: camera('bad', '  motion:\n    fps: 500\n') },
    ];
    expect(() => validatedDocuments(inputs, 'apply')).toThrow('error validating "bad.yaml": bad.yaml:9:10: spec.motion.fps: must be <= 30 (value: 500)');
  });

  it('places an error the controller found in a document at the line of the file', () => {
    const [, second] = validatedDocuments([{ file: 'b.yaml', text: `# two cameras\n${camera('b1')}---\n${camera('b2')}` }], 'apply');
    const fromServer = new ApiError(
      422,
      {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        reason: 'Invalid',
        code: 422,
        message: 'Camera "b2" is invalid',
        details: { causes: [{ field: 'spec.streams.main.url', message: 'environment variable X is not set', line: 8, column: 11 }] },
      },
      '',
    );
    expect((inDocument(fromServer, second!, 'applying') as ApiError).message).toBe('error when applying "b.yaml": b.yaml:16:11: spec.streams.main.url: environment variable X is not set');
  });

  it('finds the names to delete without validating the rest', () => {
    expect(declaredNames([{ file: 'x.yaml', text: `${camera('x', '  motion: { fps: 500 }\n')}---\n${camera('y')}` }])).toEqual([
      { file: 'x.yaml', name: 'x' },
      { file: 'x.yaml', name: 'y' },
    ]);
    expect(() => declaredNames([{ file: 'x.yaml', text: 'kind: Pod\nmetadata: {name: p}\n' }])).toThrow(/only Camera objects/);
  });
});
