import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManifestWriteError, ManifestWriter } from './manifest-writer.js';

const HOUSE = `# The house.
apiVersion: camlet.dev/v1
kind: Camera
metadata:
  name: door          # the front door
  labels: {site: home}
spec:
  streams:
    main: { url: "rtsp://admin:\${DOOR_PASSWORD}@10.0.0.5/main" }
  motion:
    fps: 5            # enough
---
apiVersion: camlet.dev/v1
kind: Camera
metadata:
  name: yard
spec:
  streams:
    main: { url: "rtsp://10.0.0.6/main" }
`;

const camera = (name: string, extra = '', url = 'rtsp://10.0.0.9/main') =>
  `apiVersion: camlet.dev/v1\nkind: Camera\nmetadata:\n  name: ${name}\nspec:\n  streams:\n    main: { url: "${url}" }\n${extra}`;

let folder: string;
let known: Map<string, string>;
let writer: ManifestWriter;

async function files(): Promise<string[]> {
  return (await readdir(folder)).sort();
}

async function rejection(promise: Promise<unknown>): Promise<ManifestWriteError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ManifestWriteError);
  return error as ManifestWriteError;
}

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'camlet-writer-'));
  await writeFile(join(folder, 'house.yaml'), HOUSE);
  // As the store knows them: door and yard were read from house.yaml.
  known = new Map([
    ['door', join(folder, 'house.yaml')],
    ['yard', join(folder, 'house.yaml')],
  ]);
  writer = new ManifestWriter({ folder, fileOf: (name) => known.get(name), environment: { DOOR_PASSWORD: 'pw' } });
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('ManifestWriter.apply', () => {
  it('creates a new camera in a file of its own, as written, comments included', async () => {
    const text = `# garage, added by apply\n${camera('garage', '  motion: { fps: 2 }   # slow\n')}`;
    const outcome = await writer.apply(text, { name: 'garage', dryRun: false });
    expect(outcome.result).toBe('created');
    expect(outcome.camera.spec.motion.fps).toBe(2);
    expect(await readFile(join(folder, 'garage.yaml'), 'utf8')).toBe(text);
    expect(await readFile(join(folder, 'house.yaml'), 'utf8')).toBe(HOUSE);
  });

  it('edits the document in the file that declares it, and only the lines that change', async () => {
    const outcome = await writer.apply(camera('yard', '  motion: { fps: 3 }\n', 'rtsp://10.0.0.6/main'), { name: 'yard', dryRun: false });
    expect(outcome.result).toBe('configured');
    expect(await readFile(join(folder, 'house.yaml'), 'utf8')).toBe(`${HOUSE}  motion:\n    fps: 3\n`);
    expect(await files()).toEqual(['house.yaml']);
  });

  it('says unchanged, and writes nothing, when the document already holds the value', async () => {
    const outcome = await writer.apply(camera('yard', '', 'rtsp://10.0.0.6/main'), { dryRun: false });
    expect(outcome.result).toBe('unchanged');
    expect(await readFile(join(folder, 'house.yaml'), 'utf8')).toBe(HOUSE);
  });

  it('takes what `get -o yaml` prints: status, server metadata, defaults and the redacted password stay out of the file', async () => {
    const fromGet = `apiVersion: camlet.dev/v1
kind: Camera
metadata:
  creationTimestamp: "2024-05-01T10:00:00Z"
  generation: 3
  labels:
    site: home
  name: door
  resourceVersion: "77"
  uid: 0f6c
spec:
  enabled: true
  streams:
    main:
      transport: tcp
      url: rtsp://admin:***@10.0.0.5/main
  motion:
    fps: 10
    width: 320
status:
  phase: Running
`;
    const outcome = await writer.apply(fromGet, { name: 'door', dryRun: false });
    expect(outcome.result).toBe('configured');
    expect(await readFile(join(folder, 'house.yaml'), 'utf8')).toBe(HOUSE.replace('    fps: 5            # enough', '    fps: 10            # enough'));
    // The password reference is the file's: the worker gets the resolved password.
    expect(outcome.camera.streams.main.url).toBe('rtsp://admin:pw@10.0.0.5/main');
  });

  it('refuses a redacted password that matches no URL of the camera', async () => {
    const error = await rejection(writer.apply(camera('new-one', '', 'rtsp://admin:***@10.0.0.5/main'), { dryRun: false }));
    expect(error.reason).toBe('Invalid');
    expect(error.causes[0]?.field).toBe('spec.streams.main.url');
    expect(await files()).toEqual(['house.yaml']);
  });

  it('writes nothing in a dry run, but answers as the write would', async () => {
    expect((await writer.apply(camera('garage'), { dryRun: true })).result).toBe('created');
    expect((await writer.apply(camera('yard', '  enabled: false\n', 'rtsp://10.0.0.6/main'), { dryRun: true })).result).toBe('configured');
    expect(await files()).toEqual(['house.yaml']);
    expect(await readFile(join(folder, 'house.yaml'), 'utf8')).toBe(HOUSE);
  });

  it('places validation errors in the text sent: line, column and field', async () => {
    const error = await rejection(writer.apply(camera('garage', '  motion:\n    fps: 500\n'), { dryRun: false }));
    expect(error.reason).toBe('Invalid');
    expect(error.message).toBe('Camera "garage" is invalid: spec.motion.fps: must be <= 30 (value: 500)');
    expect(error.causes).toEqual([{ field: 'spec.motion.fps', message: 'must be <= 30 (value: 500)', line: 9, column: 10 }]);
    expect(await files()).toEqual(['house.yaml']);
  });

  it("resolves ${VAR} from the controller's environment, and says which is missing", async () => {
    const error = await rejection(writer.apply(camera('garage', '', 'rtsp://u:${NOT_SET_ANYWHERE}@h/x'), { dryRun: false }));
    expect(error.causes[0]).toMatchObject({ field: 'spec.streams.main.url', line: 7 });
    expect(error.message).toContain('environment variable NOT_SET_ANYWHERE is not set');
  });

  it('refuses a name that differs from the URL, several documents, and creating what exists', async () => {
    expect((await rejection(writer.apply(camera('garage'), { name: 'other', dryRun: false }))).message).toBe(
      'the name of the object (garage) does not match the name on the URL (other)',
    );
    expect((await rejection(writer.apply(`${camera('a')}---\n${camera('b')}`, { dryRun: false }))).reason).toBe('BadRequest');
    expect((await rejection(writer.apply(camera('yard'), { dryRun: false, createOnly: true }))).reason).toBe('AlreadyExists');
  });

  it('refuses to edit a file with YAML errors or a link, naming it', async () => {
    await writeFile(join(folder, 'house.yaml'), `${HOUSE}  broken: [\n`);
    const error = await rejection(writer.apply(camera('yard', '', 'rtsp://10.0.0.6/main'), { dryRun: false }));
    expect(error.reason).toBe('Conflict');
    expect(error.message).toMatch(/house\.yaml:\d+: YAML syntax/);
    await writeFile(join(folder, 'target.txt'), camera('linked'));
    await symlink(join(folder, 'target.txt'), join(folder, 'linked.yaml'));
    expect((await rejection(writer.apply(camera('linked', '  enabled: false\n'), { dryRun: false }))).message).toMatch(/linked\.yaml is a symbolic link/);
  });

  it('finds a camera it just created before the controller has read it', async () => {
    await writer.apply(camera('garage'), { dryRun: false });
    expect((await writer.apply(camera('garage', '  enabled: false\n'), { dryRun: false })).result).toBe('configured');
    expect(await readFile(join(folder, 'garage.yaml'), 'utf8')).toBe(`${camera('garage')}  enabled: false\n`);
  });

  it('runs writes one at a time', async () => {
    const outcomes = await Promise.all(['a', 'b', 'c'].map((name) => writer.apply(camera('yard', `  motion: { fps: ${name.charCodeAt(0) - 96} }\n`, 'rtsp://10.0.0.6/main'), { dryRun: false })));
    expect(outcomes.map((o) => o.result)).toEqual(['configured', 'configured', 'configured']);
    expect(await readFile(join(folder, 'house.yaml'), 'utf8')).toBe(`${HOUSE}  motion:\n    fps: 3\n`);
  });
});

describe('ManifestWriter.delete', () => {
  it('removes the document from its file, leaving the rest byte for byte', async () => {
    const outcome = await writer.delete('yard', { dryRun: false });
    expect(outcome.fileRemoved).toBe(false);
    expect(await readFile(join(folder, 'house.yaml'), 'utf8')).toBe(HOUSE.slice(0, HOUSE.indexOf('---\n')));
  });

  it('removes the file when it held only that camera', async () => {
    await writer.apply(camera('garage'), { dryRun: false });
    expect((await writer.delete('garage', { dryRun: false })).fileRemoved).toBe(true);
    expect(await files()).toEqual(['house.yaml']);
  });

  it('changes nothing in a dry run, and says NotFound for a camera no file declares', async () => {
    await writer.delete('door', { dryRun: true });
    expect(await readFile(join(folder, 'house.yaml'), 'utf8')).toBe(HOUSE);
    expect((await rejection(writer.delete('nope', { dryRun: false }))).message).toBe('cameras.camlet.dev "nope" not found');
  });

  it('never leaves a temporary file behind', async () => {
    await writer.apply(camera('yard', '  enabled: false\n', 'rtsp://10.0.0.6/main'), { dryRun: false });
    await writer.delete('door', { dryRun: false });
    expect(await files()).toEqual(['house.yaml']);
  });
});
