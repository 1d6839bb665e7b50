import { SimulatedClock } from 'xstate';
import { beforeEach, describe, expect, it } from 'vitest';
import { readManifestFile, type CameraManifest, type ManifestSource } from '../manifests/camera-document.js';
import type { SourceError } from '../yaml/source-error.js';
import { CameraStore, type CameraObject } from './camera-store.js';
import { Revision, type WatchEvent } from './object-store.js';

const START = Date.UTC(2025, 2, 1, 10, 0, 0);

const door = `apiVersion: camlet.dev/v1
kind: Camera
metadata:
  name: front-door
  labels: { site: home, floor: ground }
spec:
  streams:
    main: { url: "rtsp://admin:hunter2@10.0.0.5:554/stream1" }
    sub: { url: "rtsp://viewer:p%40ss:w0rd@10.0.0.5:554/stream2", transport: udp }
  motion: { fps: 8 }
`;

// The same camera: keys in another order, defaults written out, labels reordered.
const doorReordered = `kind: Camera
apiVersion: camlet.dev/v1
metadata:
  labels: { floor: ground, site: home }
  name: front-door
spec:
  motion: { threshold: 25, fps: 8, enabled: true }
  enabled: true
  streams:
    sub: { transport: udp, url: "rtsp://viewer:p%40ss:w0rd@10.0.0.5:554/stream2" }
    main: { transport: tcp, url: "rtsp://admin:hunter2@10.0.0.5:554/stream1" }
  recording: { mode: motion, retention: { maxBytes: 50Gi } }
`;

const doorFasterMotion = door.replace('fps: 8', 'fps: 12');
const doorOtherLabels = door.replace('{ site: home, floor: ground }', '{ site: cabin, floor: ground }');
const doorInvalid = door.replace('fps: 8', 'fps: 500');

/** The one Camera in `text`, which must be valid. */
function valid(text: string, file = 'cams.yaml'): CameraManifest {
  const { documents, errors } = readManifestFile(file, text);
  expect(errors).toEqual([]);
  const [document] = documents;
  if (!document?.valid) throw new Error(`expected a valid camera, got ${JSON.stringify(document)}`);
  return document.camera;
}

/** The one Camera in `text`, which must be invalid and have a name. */
function invalid(text: string, file = 'cams.yaml'): { name: string; source: ManifestSource; errors: SourceError[] } {
  const [document] = readManifestFile(file, text).documents;
  if (!document || document.valid || document.name === undefined) throw new Error(`expected an invalid named camera, got ${JSON.stringify(document)}`);
  return { name: document.name, source: document.source, errors: document.errors };
}

function manifestValid(object: CameraObject | undefined) {
  return object?.status.conditions?.find((c) => c.type === 'ManifestValid');
}

describe('CameraStore', () => {
  let clock: SimulatedClock;
  let revision: Revision;
  let store: CameraStore;
  let notified: string[];
  let events: WatchEvent<CameraObject>[];

  beforeEach(() => {
    clock = new SimulatedClock();
    clock.set(START);
    revision = new Revision();
    store = new CameraStore(revision, clock);
    notified = [];
    store.onSpecChange((name) => notified.push(name));
    events = [];
    store.objects.watch(undefined, (event) => events.push(event));
  });

  /** The camera as the API serves it: JSON, where a field set to undefined is absent. */
  const object = (name = 'front-door') => {
    const stored = store.objects.get(name);
    return stored && (JSON.parse(JSON.stringify(stored)) as typeof stored);
  };
  const summary = () => events.splice(0).map((e) => `${e.type} ${e.object.metadata.name} gen=${e.object.metadata.generation} rv=${e.object.metadata.resourceVersion}`);

  it('creates a new valid camera at generation 1, Pending, with ManifestValid=True and the defaults applied', () => {
    store.applyValid(valid(door));
    expect(summary()).toEqual(['ADDED front-door gen=1 rv=1']);
    expect(notified).toEqual(['front-door']);
    const camera = object();
    expect(camera?.apiVersion).toBe('camlet.dev/v1');
    expect(camera?.kind).toBe('Camera');
    expect(camera?.metadata).toEqual({
      name: 'front-door',
      uid: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/) as unknown,
      generation: 1,
      resourceVersion: '1',
      creationTimestamp: '2025-03-01T10:00:00.000Z',
      labels: { site: 'home', floor: 'ground' },
    });
    expect(camera?.spec?.motion).toEqual({ enabled: true, fps: 8, width: 320, threshold: 25, minArea: 0.005, zones: [], masks: [] });
    expect(camera?.spec?.recording.retention).toEqual({ maxAgeDays: 14, maxBytes: '50Gi' });
    expect(camera?.status).toEqual({
      phase: 'Pending',
      restarts: 0,
      conditions: [
        { type: 'ManifestValid', status: 'True', reason: 'Valid', message: 'the manifest passed validation', lastTransitionTime: '2025-03-01T10:00:00.000Z' },
      ],
    });
    expect(store.names()).toEqual(['front-door']);
    const desired = store.desired('front-door');
    expect(desired?.generation).toBe(1);
    expect(desired?.manifestErrors).toBeUndefined();
    expect(desired?.manifest?.spec.motion.fps).toBe(8);
    expect(desired?.source).toEqual({ file: 'cams.yaml', document: 0, line: 1 });
  });

  it('shows no metadata.labels or annotations when the manifest has none, and shows annotations when it has some', () => {
    store.applyValid(valid(door.replace('  labels: { site: home, floor: ground }\n', '')));
    expect(object()?.metadata).not.toHaveProperty('labels');
    expect(object()?.metadata).not.toHaveProperty('annotations');
    store.applyValid(valid(door.replace('  labels:', '  annotations: { note: by the porch }\n  labels:')));
    expect(object()?.metadata.annotations).toEqual({ note: 'by the porch' });
    expect(object()?.metadata.generation).toBe(1);
  });

  it('changes nothing when the same manifest is read again', () => {
    store.applyValid(valid(door));
    summary();
    notified.length = 0;
    store.applyValid(valid(door));
    expect(summary()).toEqual([]);
    expect(notified).toEqual([]);
    expect(revision.current).toBe(1);
  });

  it('changes nothing when only key order changes or defaults are written out', () => {
    store.applyValid(valid(door));
    summary();
    notified.length = 0;
    store.applyValid(valid(doorReordered));
    expect(summary()).toEqual([]);
    expect(notified).toEqual([]);
    expect(object()?.metadata.generation).toBe(1);
  });

  it('bumps the generation when the defaulted spec changes, and tells the listeners', () => {
    store.applyValid(valid(door));
    const before = object();
    summary();
    notified.length = 0;
    clock.increment(60_000);
    store.applyValid(valid(doorFasterMotion));
    expect(summary()).toEqual(['MODIFIED front-door gen=2 rv=2']);
    expect(notified).toEqual(['front-door']);
    expect(object()?.spec?.motion.fps).toBe(12);
    expect(object()?.metadata.uid).toBe(before?.metadata.uid);
    expect(object()?.metadata.creationTimestamp).toBe('2025-03-01T10:00:00.000Z');
    expect(store.desired('front-door')?.generation).toBe(2);
    // Writing out a value that differs from the default is a change too.
    store.applyValid(valid(doorFasterMotion.replace('motion: { fps: 12 }', 'motion: { fps: 12, width: 640 }')));
    expect(object()?.metadata.generation).toBe(3);
    // And removing it again, back to the default, is another.
    store.applyValid(valid(doorFasterMotion));
    expect(object()?.metadata.generation).toBe(4);
  });

  it('keeps the controller-written status when the spec changes', () => {
    store.applyValid(valid(door));
    store.updateStatus('front-door', (status) => ({ ...status, phase: 'Running', observedGeneration: 1, restarts: 2 }));
    store.applyValid(valid(doorFasterMotion));
    expect(object()?.status).toMatchObject({ phase: 'Running', observedGeneration: 1, restarts: 2 });
    expect(manifestValid(object())?.status).toBe('True');
  });

  it('bumps only the resourceVersion when only the labels change, and does not call the spec listeners', () => {
    store.applyValid(valid(door));
    summary();
    notified.length = 0;
    store.applyValid(valid(doorOtherLabels));
    expect(summary()).toEqual(['MODIFIED front-door gen=1 rv=2']);
    expect(notified).toEqual([]);
    expect(object()?.metadata.labels).toEqual({ site: 'cabin', floor: 'ground' });
    expect(store.desired('front-door')?.generation).toBe(1);
    // Dropping every label drops metadata.labels.
    store.applyValid(valid(door.replace('  labels: { site: home, floor: ground }\n', '')));
    expect(object()?.metadata).not.toHaveProperty('labels');
    expect(object()?.metadata.generation).toBe(1);
    expect(object()?.metadata.resourceVersion).toBe('3');
    expect(notified).toEqual([]);
  });

  it('creates a camera whose first manifest is invalid with phase Invalid, ManifestValid=False and where the error is', () => {
    const bad = invalid(doorInvalid, 'manifests/door.yaml');
    store.applyInvalid(bad.name, bad.source, bad.errors);
    expect(summary()).toEqual(['ADDED front-door gen=1 rv=1']);
    expect(notified).toEqual(['front-door']);
    const camera = object();
    expect(camera).not.toHaveProperty('spec');
    expect(camera?.metadata).not.toHaveProperty('labels');
    const message = 'manifests/door.yaml:10:18: spec.motion.fps: must be <= 30 (value: 500)';
    expect(camera?.status).toEqual({
      phase: 'Invalid',
      reason: 'InvalidManifest',
      message,
      conditions: [{ type: 'ManifestValid', status: 'False', reason: 'InvalidManifest', message, lastTransitionTime: '2025-03-01T10:00:00.000Z' }],
    });
    const desired = store.desired('front-door');
    expect(desired?.manifest).toBeUndefined();
    expect(desired?.manifestErrors).toEqual(bad.errors);
    expect(desired?.generation).toBe(1);
  });

  it('joins every error of an invalid manifest into the message', () => {
    const bad = invalid(door.replace('fps: 8', 'fps: 500, width: 10'));
    expect(bad.errors).toHaveLength(2);
    store.applyInvalid(bad.name, bad.source, bad.errors);
    expect(object()?.status.message).toBe(
      'cams.yaml:10:18: spec.motion.fps: must be <= 30 (value: 500); cams.yaml:10:30: spec.motion.width: must be >= 64 (value: 10)',
    );
  });

  it('keeps the spec and generation of a valid camera whose manifest turns invalid, with ManifestValid=False', () => {
    store.applyValid(valid(door));
    store.updateStatus('front-door', (status) => ({ ...status, phase: 'Running' }));
    const running = object();
    summary();
    notified.length = 0;
    clock.increment(5_000);
    const bad = invalid(doorInvalid);
    store.applyInvalid(bad.name, bad.source, bad.errors);
    expect(summary()).toEqual(['MODIFIED front-door gen=1 rv=3']);
    expect(notified).toEqual(['front-door']);
    const camera = object();
    expect(camera?.spec).toEqual(running?.spec);
    expect(camera?.metadata.labels).toEqual({ site: 'home', floor: 'ground' });
    expect(camera?.status.phase).toBe('Running');
    expect(camera?.status).not.toHaveProperty('reason');
    expect(manifestValid(camera)).toEqual({
      type: 'ManifestValid',
      status: 'False',
      reason: 'InvalidManifest',
      message: 'cams.yaml:10:18: spec.motion.fps: must be <= 30 (value: 500)',
      lastTransitionTime: '2025-03-01T10:00:05.000Z',
    });
    const desired = store.desired('front-door');
    expect(desired?.manifest?.spec.motion.fps).toBe(8);
    expect(desired?.manifestErrors).toEqual(bad.errors);
    expect(desired?.generation).toBe(1);

    // The same errors again change nothing.
    notified.length = 0;
    store.applyInvalid(bad.name, bad.source, bad.errors);
    expect(summary()).toEqual([]);
    expect(notified).toEqual([]);
  });

  it('marks ManifestValid=True again when the manifest is fixed, bumping the generation only if the spec differs', () => {
    store.applyValid(valid(door));
    const bad = invalid(doorInvalid);
    clock.increment(1_000);
    store.applyInvalid(bad.name, bad.source, bad.errors);
    summary();
    notified.length = 0;
    clock.increment(1_000);
    store.applyValid(valid(door)); // back to what it was
    expect(summary()).toEqual(['MODIFIED front-door gen=1 rv=3']);
    expect(notified).toEqual(['front-door']);
    expect(manifestValid(object())).toEqual({
      type: 'ManifestValid',
      status: 'True',
      reason: 'Valid',
      message: 'the manifest passed validation',
      lastTransitionTime: '2025-03-01T10:00:02.000Z',
    });
    expect(store.desired('front-door')?.manifestErrors).toBeUndefined();

    store.applyInvalid(bad.name, bad.source, bad.errors); // the same errors as before count again
    expect(manifestValid(object())?.status).toBe('False');
    store.applyValid(valid(doorFasterMotion)); // fixed differently
    expect(object()?.metadata.generation).toBe(2);
    expect(manifestValid(object())?.status).toBe('True');
    expect(store.desired('front-door')?.manifest?.spec.motion.fps).toBe(12);
  });

  it('moves an Invalid camera to Pending at generation 1 once its manifest is valid', () => {
    const bad = invalid(doorInvalid);
    store.applyInvalid(bad.name, bad.source, bad.errors);
    const uid = object()?.metadata.uid;
    const other = invalid(door.replace('fps: 8', 'fps: 0'));
    store.applyInvalid(other.name, other.source, other.errors);
    expect(object()?.status.message).toBe('cams.yaml:10:18: spec.motion.fps: must be >= 1 (value: 0)');
    expect(object()?.metadata.generation).toBe(1);
    summary();
    notified.length = 0;
    clock.increment(30_000);
    store.applyValid(valid(door));
    expect(summary()).toEqual(['MODIFIED front-door gen=1 rv=3']);
    expect(notified).toEqual(['front-door']);
    const camera = object();
    expect(camera?.metadata.uid).toBe(uid);
    expect(camera?.spec?.motion.fps).toBe(8);
    expect(camera?.metadata.labels).toEqual({ site: 'home', floor: 'ground' });
    expect(camera?.status).toEqual({
      phase: 'Pending',
      restarts: 0,
      conditions: [
        { type: 'ManifestValid', status: 'True', reason: 'Valid', message: 'the manifest passed validation', lastTransitionTime: '2025-03-01T10:00:30.000Z' },
      ],
    });
    expect(store.desired('front-door')?.generation).toBe(1);
    // The next spec change is the second generation.
    store.applyValid(valid(doorFasterMotion));
    expect(object()?.metadata.generation).toBe(2);
  });

  it('leaves a valid camera alone when its neighbour in the same file is invalid', () => {
    const file = readManifestFile('cams.yaml', `${door}---\n${doorInvalid.replace('front-door', 'back-door')}`);
    const [good, bad] = file.documents;
    if (!good?.valid || !bad || bad.valid || !bad.name) throw new Error('expected one valid and one invalid camera');
    store.applyValid(good.camera);
    const before = object();
    store.applyInvalid(bad.name, bad.source, bad.errors);
    expect(object()).toEqual(before);
    expect(object('back-door')?.status.phase).toBe('Invalid');
    expect(object('back-door')?.status.message).toMatch(/^cams\.yaml:21:18: spec\.motion\.fps: /);
    expect(store.names()).toEqual(['front-door', 'back-door']);
  });

  it('removes a camera with a DELETED event and tells the listeners; a new one of the same name starts afresh', () => {
    store.applyValid(valid(door));
    store.applyValid(valid(doorFasterMotion));
    const uid = object()?.metadata.uid;
    summary();
    notified.length = 0;
    store.remove('front-door');
    expect(events).toHaveLength(1);
    expect(events[0]?.type).toBe('DELETED');
    expect(events[0]?.previous?.metadata.resourceVersion).toBe('2');
    expect(summary()).toEqual(['DELETED front-door gen=2 rv=3']);
    expect(notified).toEqual(['front-door']);
    expect(object()).toBeUndefined();
    expect(store.desired('front-door')).toBeUndefined();
    expect(store.names()).toEqual([]);

    notified.length = 0;
    store.remove('front-door'); // gone already
    store.remove('never-was');
    expect(summary()).toEqual([]);
    expect(notified).toEqual([]);

    store.applyValid(valid(doorFasterMotion));
    expect(object()?.metadata.generation).toBe(1);
    expect(object()?.metadata.uid).not.toBe(uid);
  });

  it('removes an Invalid camera too', () => {
    const bad = invalid(doorInvalid);
    store.applyInvalid(bad.name, bad.source, bad.errors);
    summary();
    store.remove('front-door');
    expect(summary()).toEqual(['DELETED front-door gen=1 rv=2']);
  });

  it('calls every spec listener', () => {
    const second: string[] = [];
    store.onSpecChange((name) => second.push(`2:${name}`));
    store.applyValid(valid(door));
    store.applyValid(valid(doorFasterMotion));
    store.remove('front-door');
    expect(notified).toEqual(['front-door', 'front-door', 'front-door']);
    expect(second).toEqual(['2:front-door', '2:front-door', '2:front-door']);
  });

  it('publishes a status update, and nothing when the update changes nothing', () => {
    store.applyValid(valid(door));
    summary();
    notified.length = 0;
    store.updateStatus('front-door', (status) => ({ ...status, phase: 'Starting' }));
    expect(summary()).toEqual(['MODIFIED front-door gen=1 rv=2']);
    expect(object()?.status.phase).toBe('Starting');
    store.updateStatus('front-door', (status) => ({ ...status }));
    store.updateStatus('front-door', (status) => ({ ...status, phase: 'Starting' }));
    // Key order alone is no change either.
    store.updateStatus('front-door', ({ phase, restarts, conditions }) => ({ conditions, restarts, phase }));
    expect(summary()).toEqual([]);
    expect(revision.current).toBe(2);
    store.updateStatus('never-was', () => ({ phase: 'Running' }));
    expect(store.objects.get('never-was')).toBeUndefined();
    expect(summary()).toEqual([]);
    // Status is the controller's own business: the spec listeners are not told.
    expect(notified).toEqual([]);
  });

  it('shows stream URLs with the password redacted, and keeps them whole for the reconciler', () => {
    store.applyValid(valid(door));
    const camera = object();
    expect(camera?.spec?.streams).toEqual({
      main: { url: 'rtsp://admin:***@10.0.0.5:554/stream1', transport: 'tcp' },
      sub: { url: 'rtsp://viewer:***@10.0.0.5:554/stream2', transport: 'udp' },
    });
    const everything = JSON.stringify([store.objects.list(), events]);
    expect(everything).not.toContain('hunter2');
    expect(everything).not.toContain('w0rd');
    const desired = store.desired('front-door')?.manifest;
    expect(desired?.spec.streams.main.url).toBe('rtsp://admin:hunter2@10.0.0.5:554/stream1');
    expect(desired?.streams.sub?.url).toBe('rtsp://viewer:p%40ss:w0rd@10.0.0.5:554/stream2');
  });

  it('redacts a ${VAR} password reference as well, and resolves it only for the worker', () => {
    process.env.CAMLET_TEST_STORE_PASSWORD = 'sw0rdfish';
    try {
      store.applyValid(valid(door.replace('hunter2', '${CAMLET_TEST_STORE_PASSWORD}')));
    } finally {
      delete process.env.CAMLET_TEST_STORE_PASSWORD;
    }
    expect(object()?.spec?.streams.main.url).toBe('rtsp://admin:***@10.0.0.5:554/stream1');
    expect(JSON.stringify(store.objects.list())).not.toContain('CAMLET_TEST_STORE_PASSWORD');
    expect(store.desired('front-door')?.manifest?.streams.main.url).toBe('rtsp://admin:sw0rdfish@10.0.0.5:554/stream1');
  });

  it('leaves a URL without a password as it is', () => {
    store.applyValid(valid(door.replace('admin:hunter2@', '')));
    expect(object()?.spec?.streams.main.url).toBe('rtsp://10.0.0.5:554/stream1');
  });
});
