// The API's writes and logs, served by the real server over a real manifests folder: the writer
// writes files, the real watcher reads them back into the store, as in the controller.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../lib/clock.js';
import { createLogger } from '../../lib/logger.js';
import { EventRecorder } from '../events/event-recorder.js';
import { WorkerLogs } from '../logs/worker-logs.js';
import { ManifestSource } from '../manifests/manifest-source.js';
import { ManifestWatcher } from '../manifests/manifest-watcher.js';
import { ManifestWriter } from '../manifests/manifest-writer.js';
import { CameraStore, type CameraObject } from '../store/camera-store.js';
import { Revision } from '../store/object-store.js';
import { controllerVersion } from '../version.js';
import { APPLY_RESULT_HEADER } from './apply-result.js';
import { startApi, type RunningApi } from './server.js';
import type { StatusObject } from './status-error.js';

const CAMERAS = '/apis/camlet.dev/v1/cameras';

const YARD = `# the yard
apiVersion: camlet.dev/v1
kind: Camera
metadata:
  name: yard
spec:
  streams:
    main: { url: "rtsp://10.0.0.6/main" }   # no password
`;

const camera = (name: string, extra = '') => `apiVersion: camlet.dev/v1\nkind: Camera\nmetadata:\n  name: ${name}\nspec:\n  streams:\n    main: { url: "rtsp://10.0.0.9/${name}" }\n${extra}`;

let folder: string;
let store: CameraStore;
let logs: WorkerLogs;
let watcher: ManifestWatcher;
let api: RunningApi;
let base: string;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'camlet-api-writes-'));
  await writeFile(join(folder, 'yard.yaml'), YARD);
  const revision = new Revision();
  store = new CameraStore(revision, systemClock);
  const events = new EventRecorder(revision, systemClock, 'camlet-controller');
  const logger = createLogger('test', 'silent');
  const source = new ManifestSource(store, events, logger, () => {});
  watcher = new ManifestWatcher({ folder, debounceMs: 20, logger, onFile: (path, text) => source.fileChanged(path, text) });
  await watcher.start();
  logs = new WorkerLogs(store.objects);
  api = await startApi(
    {
      cameras: store.objects,
      events: events.objects,
      metrics: new Registry(),
      ready: () => true,
      health: () => ({}),
      status: () => ({}),
      worker: () => undefined,
      manifests: new ManifestWriter({ folder, fileOf: (name) => store.desired(name)?.source.file }),
      logs,
    },
    '127.0.0.1:0',
    logger,
  );
  base = `http://${api.address}`;
});
afterEach(async () => {
  await api.close();
  await watcher.stop();
  await rm(folder, { recursive: true, force: true });
});

async function call(method: string, path: string, body?: string, contentType = 'application/yaml') {
  const response = await fetch(`${base}${path}`, { method, body, headers: body !== undefined ? { 'Content-Type': contentType } : {} });
  const text = await response.text();
  return { status: response.status, result: response.headers.get(APPLY_RESULT_HEADER), text, json: <T>() => JSON.parse(text) as T };
}

describe('PUT, POST and DELETE on cameras', () => {
  it('refuses a write a browser sends for another site, and takes the dashboard\'s own', async () => {
    const send = (headers: Record<string, string>) =>
      fetch(`${base}${CAMERAS}/garage`, { method: 'PUT', body: camera('garage'), headers: { 'Content-Type': 'text/plain', ...headers } });
    const fromElsewhere = await send({ Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' });
    expect(fromElsewhere.status).toBe(403);
    expect(((await fromElsewhere.json()) as StatusObject).reason).toBe('Forbidden');
    expect((await send({ 'Sec-Fetch-Site': 'same-site' })).status).toBe(403);
    expect(existsSync(join(folder, 'garage.yaml'))).toBe(false);
    // The dashboard: same origin.
    expect((await send({ Origin: base, 'Sec-Fetch-Site': 'same-origin' })).status).toBe(201);
  });

  it('creates a camera in its own file and answers once the store shows it', async () => {
    const reply = await call('PUT', `${CAMERAS}/garage`, camera('garage'));
    expect(reply.status).toBe(201);
    expect(reply.result).toBe('created');
    expect(reply.json<CameraObject>()).toMatchObject({ kind: 'Camera', metadata: { name: 'garage', generation: 1 }, spec: { motion: { fps: 5 } } });
    // Read-your-writes: the camera is in the store when the reply comes.
    expect(store.objects.get('garage')?.metadata.resourceVersion).toBe(reply.json<CameraObject>().metadata.resourceVersion);
    expect(await readFile(join(folder, 'garage.yaml'), 'utf8')).toBe(camera('garage'));
  });

  it('configures an existing camera in place and says unchanged when nothing changes', async () => {
    const configured = await call('PUT', `${CAMERAS}/yard`, YARD.replace('# no password', '# no password\n  enabled: false'));
    expect(configured.status).toBe(200);
    expect(configured.result).toBe('configured');
    expect(configured.json<CameraObject>().metadata.generation).toBe(2);
    expect(await readFile(join(folder, 'yard.yaml'), 'utf8')).toBe(`${YARD}  enabled: false\n`);
    const again = await call('PUT', `${CAMERAS}/yard`, `${YARD}  enabled: false\n`);
    expect([again.status, again.result]).toEqual([200, 'unchanged']);
  });

  it('answers a dry run (dryRun=All) with the object it would make, and writes nothing', async () => {
    const reply = await call('PUT', `${CAMERAS}/yard?dryRun=All`, `${YARD}  motion: { fps: 2 }\n`);
    expect(reply.result).toBe('configured');
    expect(reply.json<CameraObject>()).toMatchObject({ metadata: { name: 'yard', generation: 2 }, spec: { motion: { fps: 2 } } });
    expect(await readFile(join(folder, 'yard.yaml'), 'utf8')).toBe(YARD);
    expect(store.objects.get('yard')?.metadata.generation).toBe(1);
    expect((await call('PUT', `${CAMERAS}/yard?dryRun=Some`, YARD)).json<StatusObject>()).toMatchObject({ reason: 'BadRequest', code: 400 });
  });

  it('refuses invalid input with Kubernetes Status objects, the cause placed in the request text', async () => {
    const invalid = await call('PUT', `${CAMERAS}/garage`, camera('garage', '  motion:\n    fps: 500\n'));
    expect(invalid.status).toBe(422);
    expect(invalid.json<StatusObject>()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Camera "garage" is invalid: spec.motion.fps: must be <= 30 (value: 500)',
      reason: 'Invalid',
      details: { name: 'garage', group: 'camlet.dev', kind: 'cameras', causes: [{ reason: 'FieldValueInvalid', field: 'spec.motion.fps', message: 'must be <= 30 (value: 500)', line: 9, column: 10 }] },
      code: 422,
    });
    expect((await call('POST', CAMERAS, YARD)).json<StatusObject>()).toMatchObject({ reason: 'AlreadyExists', code: 409 });
    expect((await call('PUT', `${CAMERAS}/garage`, '{}', 'image/png')).status).toBe(415);
    expect((await call('PUT', `${CAMERAS}/garage`, 'x'.repeat(1024 * 1024 + 10))).status).toBe(413);
    expect(await readdir(folder)).toEqual(['yard.yaml']);
  });

  it('creates with POST', async () => {
    const reply = await call('POST', CAMERAS, camera('porch'));
    expect([reply.status, reply.result]).toEqual([201, 'created']);
  });

  it('deletes: the document goes, the camera with it, before the reply', async () => {
    const reply = await call('DELETE', `${CAMERAS}/yard`);
    expect(reply.json()).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'yard', group: 'camlet.dev', kind: 'cameras' } });
    expect(store.objects.get('yard')).toBeUndefined();
    expect(await readdir(folder)).toEqual([]);
    expect((await call('DELETE', `${CAMERAS}/yard`)).json<StatusObject>()).toMatchObject({ reason: 'NotFound', code: 404, message: 'cameras.camlet.dev "yard" not found' });
  });

  it('lists the new verbs and serves /version', async () => {
    const resources = (await call('GET', '/apis/camlet.dev/v1')).json<{ resources: { name: string; verbs: string[] }[] }>().resources;
    expect(resources.find((r) => r.name === 'cameras')?.verbs).toEqual(['create', 'delete', 'get', 'list', 'update', 'watch']);
    expect(resources.find((r) => r.name === 'cameras/log')?.verbs).toEqual(['get']);
    expect((await call('GET', '/version')).json()).toMatchObject({ gitVersion: `v${controllerVersion}`, nodeVersion: process.version });
  });
});

describe('GET cameras/NAME/log', () => {
  const append = (msg: string) => logs.append({ level: 'info', time: new Date().toISOString(), camera: 'yard', msg });
  const messages = (text: string) =>
    text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => (JSON.parse(line) as { msg: string }).msg);

  it('serves the kept lines, the last N, or those of the last seconds', async () => {
    for (const msg of ['a', 'b', 'c']) append(msg);
    expect(messages((await call('GET', `${CAMERAS}/yard/log`)).text)).toEqual(['a', 'b', 'c']);
    expect(messages((await call('GET', `${CAMERAS}/yard/log?tailLines=2`)).text)).toEqual(['b', 'c']);
    expect(messages((await call('GET', `${CAMERAS}/yard/log?sinceSeconds=60`)).text)).toEqual(['a', 'b', 'c']);
  });

  it('follows: new lines arrive on the open response', async () => {
    append('before');
    const response = await fetch(`${base}${CAMERAS}/yard/log?follow=true`);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    const until = async (wanted: string) => {
      while (!text.includes(wanted)) text += decoder.decode((await reader.read()).value, { stream: true });
    };
    await until('before');
    append('after');
    await until('after');
    expect(messages(text)).toEqual(['before', 'after']);
    await reader.cancel();
  });

  it('says NotFound for an unknown camera and BadRequest for bad parameters', async () => {
    expect((await call('GET', `${CAMERAS}/nope/log`)).json<StatusObject>()).toMatchObject({ reason: 'NotFound', message: 'cameras.camlet.dev "nope" not found' });
    expect((await call('GET', `${CAMERAS}/yard/log?tailLines=-3`)).status).toBe(400);
    expect((await call('GET', `${CAMERAS}/yard/log?sinceSeconds=5&sinceTime=2024-01-01T00:00:00Z`)).status).toBe(400);
  });
});
