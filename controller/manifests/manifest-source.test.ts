import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../lib/clock.js';
import { createLogger } from '../../lib/logger.js';
import { EventRecorder } from '../events/event-recorder.js';
import { CameraStore } from '../store/camera-store.js';
import { Revision } from '../store/object-store.js';
import { ManifestSource } from './manifest-source.js';

function camera(name: string, spec = 'streams: { main: { url: "rtsp://10.0.0.1/a" } }'): string {
  return `apiVersion: camlet.dev/v1
kind: Camera
metadata: { name: ${name} }
spec: ${spec.includes('\n') ? `\n${spec}` : `{ ${spec} }`}
`;
}

/** A Camera whose spec.motion.fps is on line 6, column 18 of its document. */
function cameraWithFps(name: string, fps: number): string {
  return `apiVersion: camlet.dev/v1
kind: Camera
metadata: { name: ${name} }
spec:
  streams: { main: { url: "rtsp://10.0.0.1/a" } }
  motion: { fps: ${fps} }
`;
}

describe('ManifestSource', () => {
  let folder: string;
  let store: CameraStore;
  let events: EventRecorder;
  let source: ManifestSource;
  let counts: number[];
  let changed: string[];

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'camlet-source-'));
    const revision = new Revision();
    store = new CameraStore(revision, systemClock);
    events = new EventRecorder(revision, systemClock, 'test');
    counts = [];
    changed = [];
    store.onSpecChange((name) => changed.push(name));
    source = new ManifestSource(store, events, createLogger('test', 'silent'), (count) => counts.push(count));
  });

  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  /** Writes a real file and hands its content on, as the watcher does. */
  async function write(name: string, text: string): Promise<string> {
    const path = join(folder, name);
    await writeFile(path, text);
    source.fileChanged(path, await readFile(path, 'utf8'));
    return path;
  }

  async function remove(name: string): Promise<void> {
    const path = join(folder, name);
    await unlink(path);
    source.fileChanged(path, undefined);
  }

  const condition = (name: string, type: string) => store.objects.get(name)?.status.conditions?.find((c) => c.type === type);
  const eventsOf = (name: string) => events.for('Camera', name).map((e) => ({ type: e.type, reason: e.reason, message: e.message }));

  it('reads every document of a file into the store', async () => {
    const file = await write('cams.yaml', `# two cameras\n${camera('door')}---\n${camera('yard')}---\n`);
    expect(store.names().sort()).toEqual(['door', 'yard']);
    expect(store.desired('yard')?.manifest?.source).toEqual({ file, document: 1, line: 7 });
    for (const name of ['door', 'yard']) {
      const object = store.objects.get(name);
      expect(object?.metadata.generation).toBe(1);
      expect(object?.status.phase).toBe('Pending');
      expect(condition(name, 'ManifestValid')?.status).toBe('True');
      expect(eventsOf(name)).toEqual([]);
    }
    expect(source.report()).toEqual([{ file, cameras: ['door', 'yard'], errors: [] }]);
    expect(counts).toEqual([0]);
  });

  it('marks an invalid document Invalid without disturbing its valid neighbour', async () => {
    const file = await write('cams.yaml', `${camera('door')}---\n${cameraWithFps('yard', 500)}`);
    const door = store.objects.get('door');
    expect(door?.status.phase).toBe('Pending');
    const yard = store.objects.get('yard');
    expect(yard?.status.phase).toBe('Invalid');
    expect(yard?.spec).toBeUndefined();
    expect(yard?.status.message).toBe(`${file}:11:18: spec.motion.fps: must be <= 30 (value: 500)`);
    expect(condition('yard', 'ManifestValid')).toMatchObject({ status: 'False', reason: 'InvalidManifest' });
    expect(eventsOf('yard')).toEqual([
      { type: 'Warning', reason: 'InvalidManifest', message: `${file}:11:18: spec.motion.fps: must be <= 30 (value: 500)` },
    ]);

    // Another broken version of the neighbour: door is not even re-published.
    changed.length = 0;
    await write('cams.yaml', `${camera('door')}---\n${cameraWithFps('yard', 600)}`);
    expect(store.objects.get('door')).toBe(door);
    expect(eventsOf('door')).toEqual([]);
    expect(changed).toEqual(['yard']);
    expect(counts).toEqual([1, 1]);
  });

  it('keeps a valid camera running on its last valid spec when its file becomes invalid', async () => {
    const file = await write('door.yaml', cameraWithFps('door', 10));
    const before = store.desired('door');
    expect(before?.manifest?.spec.motion.fps).toBe(10);

    await write('door.yaml', cameraWithFps('door', 500));
    const after = store.desired('door');
    expect(after?.manifest).toBe(before?.manifest);
    expect(after?.manifest?.spec.motion.fps).toBe(10);
    expect(after?.generation).toBe(1);
    expect(after?.manifestErrors?.map((e) => `${e.file}:${e.line}:${e.column} ${e.field}`)).toEqual([`${file}:6:18 spec.motion.fps`]);
    const object = store.objects.get('door');
    expect(object?.metadata.generation).toBe(1);
    expect(object?.spec?.motion.fps).toBe(10);
    expect(object?.status.phase).toBe('Pending');
    expect(condition('door', 'ManifestValid')).toMatchObject({
      status: 'False',
      reason: 'InvalidManifest',
      message: `${file}:6:18: spec.motion.fps: must be <= 30 (value: 500)`,
    });
    expect(eventsOf('door')).toEqual([
      {
        type: 'Warning',
        reason: 'InvalidManifest',
        message: `${file}:6:18: spec.motion.fps: must be <= 30 (value: 500) (the camera keeps running with its last valid spec)`,
      },
    ]);
    expect(counts).toEqual([0, 1]);

    // Fixed: valid again, same generation (the spec is the one it runs), one Warning only.
    await write('door.yaml', cameraWithFps('door', 10));
    expect(store.desired('door')?.manifestErrors).toBeUndefined();
    expect(store.objects.get('door')?.metadata.generation).toBe(1);
    expect(condition('door', 'ManifestValid')?.status).toBe('True');
    expect(eventsOf('door').map((e) => e.reason)).toEqual(['InvalidManifest']);
    expect(counts).toEqual([0, 1, 0]);
  });

  it('keeps the cameras of a file that no longer parses, and restores them when it is fixed', async () => {
    const good = `${camera('door')}---\n${camera('yard')}`;
    const file = await write('cams.yaml', good);
    const yardSpec = store.desired('yard')?.manifest;

    // The second document is broken: door still parses, yard cannot be seen any more.
    await write('cams.yaml', `${camera('door')}---\n${camera('yard').replace('metadata: { name: yard }', 'metadata: { name: yard')}`);
    expect(store.names().sort()).toEqual(['door', 'yard']);
    expect(condition('door', 'ManifestValid')?.status).toBe('True');
    expect(store.desired('yard')?.manifest).toBe(yardSpec);
    const yard = condition('yard', 'ManifestValid');
    expect(yard?.status).toBe('False');
    expect(yard?.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: YAML syntax: `));
    expect(eventsOf('yard')).toEqual([expect.objectContaining({ type: 'Warning', reason: 'InvalidManifest' })]);
    const [report] = source.report();
    expect(report?.cameras).toEqual(['door', 'yard']);
    expect(report?.errors).toEqual([expect.stringMatching(/YAML syntax: /)]);

    // The whole file broken: both kept.
    await write('cams.yaml', 'apiVersion: [camlet.dev/v1\n');
    expect(store.names().sort()).toEqual(['door', 'yard']);
    expect(condition('door', 'ManifestValid')?.status).toBe('False');
    expect(store.objects.get('door')?.spec).toBeDefined();

    await write('cams.yaml', good);
    for (const name of ['door', 'yard']) {
      expect(condition(name, 'ManifestValid')?.status).toBe('True');
      expect(store.objects.get(name)?.metadata.generation).toBe(1);
    }
    expect(source.report()).toEqual([{ file, cameras: ['door', 'yard'], errors: [] }]);
    expect(counts).toEqual([0, 1, 1, 0]);
  });

  it('gives a name to the first file that declares it, and to the next one when it lets go', async () => {
    const first = await write('a.yaml', cameraWithFps('door', 5));
    const second = await write('b.yaml', cameraWithFps('door', 10));
    const third = await write('c.yaml', cameraWithFps('door', 15));
    expect(store.desired('door')?.manifest?.spec.motion.fps).toBe(5);
    expect(store.desired('door')?.source.file).toBe(first);
    const duplicate = (owner: string, ignored: string) =>
      `${ignored}:1:1: metadata.name: camera door is declared in ${owner} and again in ${ignored}; ${ignored} is ignored for it until ${owner} no longer declares it`;
    expect(source.report()).toEqual([
      { file: first, cameras: ['door'], errors: [] },
      { file: second, cameras: [], errors: [duplicate(first, second)] },
      { file: third, cameras: [], errors: [duplicate(first, third)] },
    ]);
    expect(eventsOf('door')).toEqual([
      { type: 'Warning', reason: 'DuplicateName', message: duplicate(first, second).replace(/^.*?metadata\.name: /, '') },
      { type: 'Warning', reason: 'DuplicateName', message: duplicate(first, third).replace(/^.*?metadata\.name: /, '') },
    ]);
    expect(counts).toEqual([0, 1, 2]);

    // a.yaml lets go of door: b.yaml, next in order of arrival, takes it over.
    await write('a.yaml', camera('porch'));
    const door = store.desired('door');
    expect(door?.source.file).toBe(second);
    expect(door?.manifest?.spec.motion.fps).toBe(10);
    expect(store.objects.get('door')?.metadata.generation).toBe(2);
    expect(eventsOf('door').at(-1)).toEqual({ type: 'Normal', reason: 'ManifestMoved', message: `now declared by ${second} (no longer by ${first})` });
    expect(source.report()).toEqual([
      { file: first, cameras: ['porch'], errors: [] },
      { file: second, cameras: ['door'], errors: [] },
      { file: third, cameras: [], errors: [duplicate(second, third)] },
    ]);
    expect(counts.at(-1)).toBe(1);

    // b.yaml is deleted: c.yaml takes over.
    await remove('b.yaml');
    expect(store.desired('door')?.source.file).toBe(third);
    expect(store.desired('door')?.manifest?.spec.motion.fps).toBe(15);
    expect(source.report().map((r) => r.errors)).toEqual([[], []]);
    expect(counts.at(-1)).toBe(0);

    // A file that declares it again now comes last.
    await write('a.yaml', cameraWithFps('door', 5));
    expect(store.desired('door')?.source.file).toBe(third);
    expect(source.report()[0]?.errors).toEqual([duplicate(third, first)]);
  });

  it('counts an invalid duplicate once, and keeps the owner untouched', async () => {
    await write('a.yaml', camera('door'));
    const door = store.objects.get('door');
    const second = await write('b.yaml', cameraWithFps('door', 500));
    expect(store.objects.get('door')).toBe(door);
    expect(counts).toEqual([0, 1]);
    expect(source.report()[1]?.errors).toEqual([
      expect.stringContaining(`camera door is declared in ${join(folder, 'a.yaml')} and again in ${second}`),
      `${second}:6:18: spec.motion.fps: must be <= 30 (value: 500)`,
    ]);
  });

  it('uses the first of a name declared twice in one file and reports the second', async () => {
    const file = await write('cams.yaml', `${cameraWithFps('door', 5)}---\n${cameraWithFps('door', 10)}`);
    expect(store.names()).toEqual(['door']);
    expect(store.desired('door')?.manifest?.spec.motion.fps).toBe(5);
    expect(source.report()).toEqual([
      {
        file,
        cameras: ['door'],
        errors: [`${file}:8:1: metadata.name: camera door is declared twice in this file (documents 1 and 2); the first is used`],
      },
    ]);
    expect(counts).toEqual([1]);
  });

  it('removes the cameras of a deleted file', async () => {
    await write('cams.yaml', `${camera('door')}---\n${cameraWithFps('yard', 500)}`);
    await write('other.yaml', camera('porch'));
    const porch = store.objects.get('porch');
    changed.length = 0;
    await remove('cams.yaml');
    expect(store.names()).toEqual(['porch']);
    expect(store.objects.get('door')).toBeUndefined();
    expect(store.objects.get('yard')).toBeUndefined();
    expect(store.objects.get('porch')).toBe(porch);
    expect(changed.sort()).toEqual(['door', 'yard']);
    expect(source.report().map((r) => r.file)).toEqual([join(folder, 'other.yaml')]);
    expect(counts).toEqual([1, 1, 0]);
  });

  it('reports the invalid-manifest count after every change', async () => {
    await write('a.yaml', camera('door'));
    await write('b.yaml', `${cameraWithFps('yard', 500)}---\n${cameraWithFps('porch', 0)}---\nkind: Camera\n`);
    await write('c.yaml', 'a: [1, 2\n');
    await write('d.yaml', camera('door'));
    await write('b.yaml', camera('yard'));
    await remove('c.yaml');
    await remove('a.yaml');
    expect(counts).toEqual([0, 3, 4, 5, 2, 1, 0]);
    expect(store.desired('door')?.source.file).toBe(join(folder, 'd.yaml'));
    await remove('b.yaml');
    await remove('d.yaml');
    expect(counts.at(-1)).toBe(0);
    expect(store.names()).toEqual([]);
  });

  it('reports files in name order with the cameras they own and their errors as file:line:column', async () => {
    const b = await write('b.yaml', `${camera('yard')}---\nkind: Camera\nmetadata: { name: Front_Door }\n---\n- 1\n`);
    const a = await write('a.yaml', `${camera('door')}---\n${camera('porch', 'streams: { main: { url: "http://u:hunter2@10.0.0.9/a" } }')}`);
    const report = source.report();
    expect(report.map((r) => r.file)).toEqual([a, b]);
    expect(report[0]).toEqual({
      file: a,
      cameras: ['door', 'porch'],
      errors: [`${a}:9:33: spec.streams.main.url: must match ^rtsps?:// (value: "http://u:***@10.0.0.9/a")`],
    });
    // A document whose name is not a valid name names no camera: its errors are the file's.
    expect(report[1]?.cameras).toEqual(['yard']);
    expect(report[1]?.errors).toEqual([
      `${b}:6:1: apiVersion: must be camlet.dev/v1`,
      `${b}:6:1: spec: required field is missing`,
      `${b}:7:19: metadata.name: must match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ (value: "Front_Door")`,
      `${b}:9:1: a document must be a Camera (a map with apiVersion camlet.dev/v1 and kind Camera) (value: [1])`,
    ]);
    expect(store.names().sort()).toEqual(['door', 'porch', 'yard']);
    // Passwords stay out of everything shown.
    const shown = JSON.stringify([report, store.objects.list(), events.objects.list()]);
    expect(shown).not.toContain('hunter2');
  });
});
