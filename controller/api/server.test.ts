import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createLogger } from '../../lib/logger.js';
import { EventRecorder, type EventObject } from '../events/event-recorder.js';
import type { WorkerInfo } from '../lifecycle/camera-supervisor.js';
import { readManifestFile } from '../manifests/camera-document.js';
import { Metrics } from '../metrics/metrics.js';
import { CameraStore, type CameraObject } from '../store/camera-store.js';
import { ObjectStore, Revision, type StoredObject } from '../store/object-store.js';
import { startApi, type ApiSources, type RunningApi } from './server.js';
import type { StatusObject } from './status-error.js';

// Secrets that must never leave the controller: one written into a URL, one resolved from ${VAR}.
const PASSWORD = 'hunter2';
const SUB_PASSWORD_VARIABLE = 'CAMLET_TEST_API_SUB_PASSWORD';
const SUB_PASSWORD = 'env-secret-42';

function cameraYaml(name: string, labels: Record<string, string>, url: string, extra = ''): string {
  const labelText = Object.keys(labels).length > 0 ? `\n  labels: ${JSON.stringify(labels)}` : '';
  return `apiVersion: camlet.dev/v1
kind: Camera
metadata:
  name: ${name}${labelText}
spec:
  streams:
    main: { url: "${url}" }${extra}
`;
}

const MANIFESTS = [
  cameraYaml('front-door', { site: 'home', tier: 'gold' }, `rtsp://admin:${PASSWORD}@10.0.0.5:554/stream1`, `\n    sub: { url: "rtsp://viewer:\${${SUB_PASSWORD_VARIABLE}}@10.0.0.5:554/stream2" }`),
  cameraYaml('garage', { site: 'home' }, 'rtsp://10.0.0.6:554/stream1'),
  cameraYaml('lobby', { site: 'office' }, 'rtsp://10.0.0.7:554/stream1'),
  // Invalid: http is no camera stream; the error message quotes the URL.
  cameraYaml('broken', {}, `http://root:${PASSWORD}@10.0.0.8/a`),
].join('---\n');

/** Feeds a manifest file through the real parser into the store, as ManifestSource does. */
function applyManifests(store: CameraStore, text: string, file = 'manifests/cameras.yaml'): void {
  const parsed = readManifestFile(file, text);
  expect(parsed.errors).toEqual([]);
  for (const document of parsed.documents) {
    if (document.valid) store.applyValid(document.camera);
    else if (document.name) store.applyInvalid(document.name, document.source, document.errors);
  }
}

interface WatchLine<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: T;
}

/** A `?watch=true` response, read incrementally from fetch's body reader, line by line. */
class WatchClient<T extends StoredObject> {
  raw = '';
  /** How the stream ended: the server finished it, or the connection broke. */
  ended: 'done' | 'error' | undefined;
  private buffer = '';
  private readonly lines: WatchLine<T>[] = [];
  private readonly decoder = new TextDecoder();
  private pending: ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']> | undefined;

  constructor(
    readonly response: Response,
    private readonly reader: ReadableStreamDefaultReader<Uint8Array>,
  ) {}

  /** Reads one chunk, or returns false when none arrives in time (the read stays pending for later). */
  private async fill(timeoutMs: number): Promise<boolean> {
    this.pending ??= this.reader.read();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(0, timeoutMs));
    });
    try {
      const result = await Promise.race([this.pending, timeout]);
      if (result === 'timeout') return false;
      this.pending = undefined;
      if (result.done) {
        this.ended = 'done';
        return true;
      }
      const text = this.decoder.decode(result.value, { stream: true });
      this.raw += text;
      this.buffer += text;
      for (let newline = this.buffer.indexOf('\n'); newline >= 0; newline = this.buffer.indexOf('\n')) {
        this.lines.push(JSON.parse(this.buffer.slice(0, newline)) as WatchLine<T>);
        this.buffer = this.buffer.slice(newline + 1);
      }
      return true;
    } catch {
      this.pending = undefined;
      this.ended = 'error';
      return true;
    } finally {
      clearTimeout(timer);
    }
  }

  async next(timeoutMs = 2000): Promise<WatchLine<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.lines.shift();
      if (line) return line;
      if (this.ended) throw new Error(`the watch ended (${this.ended}) after: ${this.raw}`);
      if (!(await this.fill(deadline - Date.now()))) throw new Error(`no watch event within ${timeoutMs} ms; so far: ${this.raw}`);
    }
  }

  /** The next `count` events as "TYPE name", the way a test reads them best. */
  async take(count: number): Promise<string[]> {
    const taken: string[] = [];
    while (taken.length < count) taken.push(summary(await this.next()));
    return taken;
  }

  /** Whatever arrives within `ms`: for checking that nothing more comes. */
  async within(ms: number): Promise<string[]> {
    const deadline = Date.now() + ms;
    let reading = true;
    while (reading && !this.ended) reading = await this.fill(deadline - Date.now());
    return this.lines.splice(0).map(summary);
  }

  /** Waits for the end of the stream; false if it is still open after `timeoutMs`. */
  async closed(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) if (!(await this.fill(deadline - Date.now()))) return false;
    return true;
  }

  async cancel(): Promise<void> {
    await this.reader.cancel().catch(() => undefined);
  }
}

const summary = ({ type, object }: WatchLine<StoredObject>) => `${type} ${object.metadata.name}`;

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json<T = unknown>(): T;
}

interface Harness {
  api: RunningApi;
  base: string;
  clock: SimulatedClock;
  revision: Revision;
  store: CameraStore;
  events: EventRecorder;
  logs: string[];
  /** Every body the API sent in this test, watch streams included. */
  bodies: string[];
  watches: WatchClient<StoredObject>[];
  ready: boolean;
}

const frontDoorWorker: WorkerInfo = {
  camera: 'front-door',
  phase: 'Running',
  runtime: 'process',
  pid: 4242,
  ffmpegPids: [4243, 4244],
  startTime: '2026-03-01T11:59:00.000Z',
  uptimeSeconds: 60,
  lastHeartbeatTime: '2026-03-01T12:00:00.000Z',
};

let h: Harness;

async function start(overrides: Partial<ApiSources> = {}, stores?: Partial<Pick<ApiSources, 'cameras' | 'events'>>): Promise<Harness> {
  const clock = new SimulatedClock();
  clock.set(Date.parse('2026-03-01T12:00:00Z'));
  const revision = new Revision();
  const store = new CameraStore(revision, clock);
  const events = new EventRecorder(revision, clock, 'camlet-controller');
  applyManifests(store, MANIFESTS);
  const logs: string[] = [];
  const logger = createLogger('api', 'debug', { write: (line: string) => void logs.push(line) });
  const metrics = new Metrics('0.0.0-test', () => [], () => 0);
  const harness = { clock, revision, store, events, logs, bodies: [], watches: [], ready: false } as Omit<Harness, 'api' | 'base'> as Harness;
  const api = await startApi(
    {
      cameras: stores?.cameras ?? store.objects,
      events: stores?.events ?? events.objects,
      metrics: metrics.registry,
      ready: () => harness.ready,
      health: () => ({ status: 'ok', cameras: store.names().length }),
      status: () => ({ version: '0.0.0-test', cameras: store.names().sort() }),
      worker: (name) => (name === 'front-door' ? frontDoorWorker : undefined),
      ...overrides,
    },
    '127.0.0.1:0',
    logger,
  );
  return Object.assign(harness, { api, base: `http://${api.address}` });
}

async function request(path: string, init?: RequestInit): Promise<Reply> {
  const response = await fetch(`${h.base}${path}`, init);
  const text = await response.text();
  h.bodies.push(text);
  return { status: response.status, headers: response.headers, text, json: <T>() => JSON.parse(text) as T };
}

async function openWatch<T extends StoredObject = CameraObject>(path: string): Promise<WatchClient<T>> {
  const response = await fetch(`${h.base}${path}`);
  if (!response.body) throw new Error('a watch response without a body');
  expect(response.status).toBe(200);
  const watch = new WatchClient<T>(response, response.body.getReader());
  h.watches.push(watch);
  return watch;
}

const camerasPath = '/apis/camlet.dev/v1/cameras';
const eventsPath = '/apis/camlet.dev/v1/events';
const query = (parameters: Record<string, string>) => `?${new URLSearchParams(parameters).toString()}`;
const names = (list: { items: StoredObject[] }) => list.items.map((item) => item.metadata.name);

/** The Status object Kubernetes sends with an error. */
function status(reason: StatusObject['reason'], code: number, message: string, details?: StatusObject['details']): StatusObject {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

function relabel(name: string, labels: Record<string, string>): void {
  applyManifests(h.store, cameraYaml(name, labels, `rtsp://10.0.0.${name.length}:554/stream1`));
}

function setRestarts(name: string, restarts: number): void {
  h.store.updateStatus(name, (current) => ({ ...current, restarts }));
}

beforeAll(() => {
  process.env[SUB_PASSWORD_VARIABLE] = SUB_PASSWORD;
});
afterAll(() => {
  delete process.env[SUB_PASSWORD_VARIABLE];
});

beforeEach(async () => {
  h = await start();
});

afterEach(async () => {
  await Promise.all(h.watches.map((watch) => watch.cancel()));
  await h.api.close();
  // Whatever a test did, no response ever carried a password.
  const everything = [...h.bodies, ...h.watches.map((watch) => watch.raw)].join('\n');
  expect(everything).not.toContain(PASSWORD);
  expect(everything).not.toContain(SUB_PASSWORD);
});

describe('the server', () => {
  it('listens on loopback, on the port the system chose', () => {
    expect(h.api.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(h.api.server.address()).toMatchObject({ address: '127.0.0.1', family: 'IPv4' });
    expect(h.api.address).not.toBe('127.0.0.1:0');
  });

  it('answers unknown paths with a NotFound Status', async () => {
    for (const path of ['/nope', '/apis/camlet.dev/v2/cameras', `${camerasPath}/front-door/logs`, '/apis/other.dev/v1']) {
      const reply = await request(path);
      expect(reply.status).toBe(404);
      expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
      expect(reply.json()).toEqual(status('NotFound', 404, `the server could not find the requested resource (GET ${path})`));
    }
  });

  it('answers a method it does not serve with a MethodNotAllowed Status', async () => {
    const reply = await request(`${camerasPath}/garage`, { method: 'DELETE' });
    expect(reply.status).toBe(405);
    expect(reply.headers.get('allow')).toContain('GET');
    expect(reply.json()).toEqual(status('MethodNotAllowed', 405, `the server does not allow this method on the requested resource (DELETE ${camerasPath}/garage)`));
  });

  it('turns a failing source into an InternalError Status and logs it', async () => {
    await h.api.close();
    h = await start({
      health: () => {
        throw new Error('health source broke');
      },
    });
    const reply = await request('/health');
    expect(reply.status).toBe(500);
    expect(reply.json()).toEqual(status('InternalError', 500, 'internal error; see the controller log'));
    const errors = h.logs.map((line) => JSON.parse(line) as { level: string; msg: string; path?: string; err?: string }).filter((line) => line.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ msg: 'API request failed', path: '/health' });
    expect(errors[0]?.err).toContain('health source broke');
  });
});

describe('health, status, workers and metrics', () => {
  it('/healthz says ok as plain text', async () => {
    const reply = await request('/healthz');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(reply.text).toBe('ok');
  });

  it('/readyz is 503 until the controller is ready, then 200', async () => {
    const notReady = await request('/readyz');
    expect(notReady.status).toBe(503);
    expect(notReady.text).toBe('not ready: manifests not yet loaded and reconciled');
    h.ready = true;
    const ready = await request('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.text).toBe('ok');
  });

  it('/health and /status serve what the controller reports', async () => {
    expect((await request('/health')).json()).toEqual({ status: 'ok', cameras: 4 });
    expect((await request('/status')).json()).toEqual({ version: '0.0.0-test', cameras: ['broken', 'front-door', 'garage', 'lobby'] });
  });

  it('/workers/:name shows the worker, or a NotFound Status', async () => {
    const found = await request('/workers/front-door');
    expect(found.status).toBe(200);
    expect(found.json()).toEqual(frontDoorWorker);
    const missing = await request('/workers/garage');
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual(status('NotFound', 404, 'no worker for camera "garage"', { name: 'garage', kind: 'workers' }));
  });

  it('/metrics serves the registry in the Prometheus text format', async () => {
    const reply = await request('/metrics');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(reply.text).toContain('# TYPE camlet_build_info gauge');
    expect(reply.text).toMatch(/^camlet_build_info\{version="0\.0\.0-test",node="v\d+\.\d+\.\d+"\} 1$/m);
    expect(reply.text).toMatch(/^camlet_workqueue_depth 0$/m);
  });
});

describe('discovery', () => {
  it('/apis lists the camlet.dev group', async () => {
    expect((await request('/apis')).json()).toEqual({
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [{ name: 'camlet.dev', versions: [{ groupVersion: 'camlet.dev/v1', version: 'v1' }], preferredVersion: { groupVersion: 'camlet.dev/v1', version: 'v1' } }],
    });
  });

  it('/apis/camlet.dev/v1 lists cameras, their status and events', async () => {
    const list = (await request('/apis/camlet.dev/v1')).json<{ kind: string; groupVersion: string; resources: { name: string; kind: string; namespaced: boolean; verbs: string[] }[] }>();
    expect(list).toMatchObject({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'camlet.dev/v1' });
    expect(list.resources.map((r) => [r.name, r.kind, r.namespaced, r.verbs.join(',')])).toEqual([
      ['cameras', 'Camera', false, 'get,list,watch'],
      ['cameras/status', 'Camera', false, 'get'],
      ['events', 'Event', false, 'get,list,watch'],
    ]);
  });
});

describe('cameras', () => {
  it('lists every camera as a CameraList, sorted by name, at the current resourceVersion', async () => {
    const reply = await request(camerasPath);
    expect(reply.status).toBe(200);
    const list = reply.json<{ kind: string; apiVersion: string; metadata: { resourceVersion: string }; items: CameraObject[] }>();
    expect(list.kind).toBe('CameraList');
    expect(list.apiVersion).toBe('camlet.dev/v1');
    expect(list.metadata).toEqual({ resourceVersion: String(h.revision.current) });
    expect(names(list)).toEqual(['broken', 'front-door', 'garage', 'lobby']);
    for (const camera of list.items) {
      expect(camera).toMatchObject({ apiVersion: 'camlet.dev/v1', kind: 'Camera', metadata: { generation: 1, creationTimestamp: '2026-03-01T12:00:00.000Z' } });
      expect(Number(camera.metadata.resourceVersion)).toBeGreaterThan(0);
    }
    const [broken, door] = list.items;
    expect(broken?.spec).toBeUndefined();
    expect(broken?.status.phase).toBe('Invalid');
    expect(door?.metadata.labels).toEqual({ site: 'home', tier: 'gold' });
    expect(door?.spec?.streams.main.url).toBe('rtsp://admin:***@10.0.0.5:554/stream1');
    // A ${VAR} reference stands where a password does: redacted all the same.
    expect(door?.spec?.streams.sub?.url).toBe('rtsp://viewer:***@10.0.0.5:554/stream2');
  });

  it('gets one camera, and the same object from its status subresource', async () => {
    const { items } = (await request(camerasPath)).json<{ items: CameraObject[] }>();
    const listed = items.find((camera) => camera.metadata.name === 'garage');
    const reply = await request(`${camerasPath}/garage`);
    expect(reply.status).toBe(200);
    expect(reply.json()).toEqual(listed);
    expect((await request(`${camerasPath}/garage/status`)).json()).toEqual(listed);
  });

  it('shows status changes with a new resourceVersion', async () => {
    const before = (await request(`${camerasPath}/garage`)).json<CameraObject>();
    h.store.updateStatus('garage', (current) => ({ ...current, phase: 'Running', restarts: 2 }));
    const after = (await request(`${camerasPath}/garage`)).json<CameraObject>();
    expect(after.status).toMatchObject({ phase: 'Running', restarts: 2 });
    expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
    expect(after.metadata.resourceVersion).toBe(String(h.revision.current));
    expect((await request(camerasPath)).json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion).toBe(String(h.revision.current));
  });

  it('answers a missing camera as Kubernetes does', async () => {
    for (const path of [`${camerasPath}/x`, `${camerasPath}/x/status`]) {
      const reply = await request(path);
      expect(reply.status).toBe(404);
      expect(reply.json()).toEqual(status('NotFound', 404, 'cameras.camlet.dev "x" not found', { name: 'x', group: 'camlet.dev', kind: 'cameras' }));
    }
  });

  it('forgets a removed camera', async () => {
    h.store.remove('lobby');
    expect((await request(`${camerasPath}/lobby`)).status).toBe(404);
    expect(names((await request(camerasPath)).json())).toEqual(['broken', 'front-door', 'garage']);
  });
});

describe('labelSelector', () => {
  it.each([
    ['site=home', ['front-door', 'garage']],
    ['site==home', ['front-door', 'garage']],
    ['site!=home', ['broken', 'lobby']],
    ['site in (office,garden)', ['lobby']],
    ['site notin (home)', ['broken', 'lobby']],
    ['tier', ['front-door']],
    ['!tier', ['broken', 'garage', 'lobby']],
    ['!site', ['broken']],
    ['site in (home,office),!tier', ['garage', 'lobby']],
    ['site=garden', []],
    ['', ['broken', 'front-door', 'garage', 'lobby']],
  ])('%j selects %j', async (selector, expected) => {
    const reply = await request(`${camerasPath}${query({ labelSelector: selector })}`);
    expect(reply.status).toBe(200);
    const list = reply.json<{ kind: string; metadata: { resourceVersion: string }; items: CameraObject[] }>();
    expect(list.kind).toBe('CameraList');
    expect(list.metadata.resourceVersion).toBe(String(h.revision.current));
    expect(names(list)).toEqual(expected);
  });

  it.each([
    ['site in (home', `unable to parse labelSelector "site in (home": unable to parse requirement: found end of string, expected: ',' or ')' at position 14`],
    ['site>1', `unable to parse labelSelector "site>1": unable to parse requirement: found '>', expected: operator (=, ==, !=, in, notin), ',' or end of string at position 5`],
    [
      'si;te=home',
      `unable to parse labelSelector "si;te=home": invalid label key 'si;te' at position 1: name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    ],
  ])('rejects %j with a BadRequest Status, on lists and watches', async (selector, message) => {
    for (const extra of [{}, { watch: 'true' }] as Record<string, string>[]) {
      const reply = await request(`${camerasPath}${query({ labelSelector: selector, ...extra })}`);
      expect(reply.status).toBe(400);
      expect(reply.json()).toEqual(status('BadRequest', 400, message));
    }
  });

  it('rejects a selector given twice', async () => {
    const reply = await request(`${camerasPath}?labelSelector=site%3Dhome&labelSelector=tier`);
    expect(reply.status).toBe(400);
    expect(reply.json()).toEqual(status('BadRequest', 400, 'labelSelector given more than once'));
  });
});

describe('events', () => {
  const involved = (name: string) => ({ kind: 'Camera', name });
  let eventNames: Record<string, string>;

  beforeEach(() => {
    const record = (camera: string, type: 'Normal' | 'Warning', reason: string, message: string) => {
      h.clock.increment(1000);
      return h.events.record(involved(camera), type, reason, message).metadata.name;
    };
    eventNames = {
      doorStarted: record('front-door', 'Normal', 'Started', 'worker started'),
      doorBackOff: record('front-door', 'Warning', 'BackOff', `back-off restarting: rtsp://admin:${PASSWORD}@10.0.0.5:554/stream1 refused`),
      garageStarted: record('garage', 'Normal', 'Started', 'worker started'),
      garageUnhealthy: record('garage', 'Warning', 'Unhealthy', 'no heartbeat for 15s'),
    };
  });

  const listed = async (parameters: Record<string, string>) => {
    const reply = await request(`${eventsPath}${query(parameters)}`);
    expect(reply.status).toBe(200);
    return reply.json<{ kind: string; apiVersion: string; metadata: { resourceVersion: string }; items: EventObject[] }>();
  };
  const named = (list: { items: EventObject[] }) => list.items.map((event) => `${event.involvedObject.name} ${event.type} ${event.reason}`).sort();

  it('lists events as an EventList, and gets one by name', async () => {
    const list = await listed({});
    expect(list).toMatchObject({ kind: 'EventList', apiVersion: 'camlet.dev/v1', metadata: { resourceVersion: String(h.revision.current) } });
    expect(named(list)).toEqual(['front-door Normal Started', 'front-door Warning BackOff', 'garage Normal Started', 'garage Warning Unhealthy']);
    const reply = await request(`${eventsPath}/${eventNames.doorBackOff}`);
    expect(reply.status).toBe(200);
    expect(reply.json()).toMatchObject({
      kind: 'Event',
      involvedObject: { apiVersion: 'camlet.dev/v1', kind: 'Camera', name: 'front-door' },
      type: 'Warning',
      reason: 'BackOff',
      message: 'back-off restarting: rtsp://admin:***@10.0.0.5:554/stream1 refused',
      count: 1,
      source: { component: 'camlet-controller' },
    });
  });

  it('answers a missing event with a NotFound Status', async () => {
    const reply = await request(`${eventsPath}/nope`);
    expect(reply.status).toBe(404);
    expect(reply.json()).toEqual(status('NotFound', 404, 'events.camlet.dev "nope" not found', { name: 'nope', group: 'camlet.dev', kind: 'events' }));
  });

  it.each([
    ['involvedObject.name=front-door', ['front-door Normal Started', 'front-door Warning BackOff']],
    ['type=Warning', ['front-door Warning BackOff', 'garage Warning Unhealthy']],
    ['involvedObject.name=front-door,type=Warning', ['front-door Warning BackOff']],
    ['involvedObject.name==garage, type!=Warning', ['garage Normal Started']],
    ['reason=Started,involvedObject.kind=Camera', ['front-door Normal Started', 'garage Normal Started']],
    ['involvedObject.name=lobby', []],
    ['', ['front-door Normal Started', 'front-door Warning BackOff', 'garage Normal Started', 'garage Warning Unhealthy']],
  ])('fieldSelector %j', async (fieldSelector, expected) => {
    expect(named(await listed({ fieldSelector }))).toEqual(expected);
  });

  it.each(['metadata.name=x', 'type', 'type>Warning'])('rejects the field selector %j with a BadRequest Status', async (fieldSelector) => {
    const reply = await request(`${eventsPath}${query({ fieldSelector })}`);
    expect(reply.status).toBe(400);
    expect(reply.json()).toEqual(
      status('BadRequest', 400, `"${fieldSelector}" is not a supported field selector: use involvedObject.kind, involvedObject.name, type, reason with =, == or !=`),
    );
  });

  it('rejects a malformed labelSelector on events too', async () => {
    const reply = await request(`${eventsPath}${query({ labelSelector: 'a in' })}`);
    expect(reply.status).toBe(400);
    expect(reply.json<StatusObject>().reason).toBe('BadRequest');
  });

  it('watches events through a fieldSelector: new ones as ADDED, repeats as MODIFIED', async () => {
    const watch = await openWatch<EventObject>(`${eventsPath}${query({ watch: 'true', fieldSelector: 'involvedObject.name=front-door,type=Warning' })}`);
    expect(await watch.take(1)).toEqual([`ADDED ${eventNames.doorBackOff}`]);
    h.clock.increment(1000);
    h.events.record(involved('garage'), 'Warning', 'Unhealthy', 'no heartbeat for 15s');
    h.events.record(involved('front-door'), 'Normal', 'Started', 'worker started');
    const repeat = h.events.record(involved('front-door'), 'Warning', 'BackOff', `back-off restarting: rtsp://admin:${PASSWORD}@10.0.0.5:554/stream1 refused`);
    const crashed = h.events.record(involved('front-door'), 'Warning', 'Crashed', 'worker exited with code 1');
    const modified = await watch.next();
    expect(modified).toMatchObject({ type: 'MODIFIED', object: { metadata: { name: eventNames.doorBackOff }, count: 2 } });
    expect(modified.object.metadata.resourceVersion).toBe(repeat.metadata.resourceVersion);
    expect(await watch.take(1)).toEqual([`ADDED ${crashed.metadata.name}`]);
    expect(await watch.within(100)).toEqual([]);
  });
});

describe('watch', () => {
  it('sends every camera as ADDED, then each change as it happens', async () => {
    const watch = await openWatch(`${camerasPath}?watch=true`);
    expect(watch.response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await watch.take(4)).toEqual(['ADDED broken', 'ADDED front-door', 'ADDED garage', 'ADDED lobby']);

    h.store.updateStatus('garage', (current) => ({ ...current, phase: 'Running' }));
    const modified = await watch.next();
    expect(modified).toMatchObject({ type: 'MODIFIED', object: { metadata: { name: 'garage', resourceVersion: String(h.revision.current) }, status: { phase: 'Running' } } });

    h.store.remove('lobby');
    const deleted = await watch.next();
    expect(summary(deleted)).toBe('DELETED lobby');
    expect(deleted.object.metadata.resourceVersion).toBe(String(h.revision.current));

    applyManifests(h.store, cameraYaml('porch', { site: 'home' }, 'rtsp://10.0.0.9:554/stream1'));
    expect(await watch.take(1)).toEqual(['ADDED porch']);
    expect(await watch.within(100)).toEqual([]);
    expect(watch.ended).toBeUndefined();
  });

  it('treats resourceVersion=0 and watch=1 as "from now, with every current object"', async () => {
    const watch = await openWatch(`${camerasPath}?watch=1&resourceVersion=0`);
    expect(await watch.take(4)).toEqual(['ADDED broken', 'ADDED front-door', 'ADDED garage', 'ADDED lobby']);
  });

  it('from a resourceVersion, sends only the changes after it, then keeps streaming', async () => {
    const { metadata } = (await request(camerasPath)).json<{ metadata: { resourceVersion: string } }>();
    setRestarts('garage', 1);
    const afterFirst = h.revision.current;
    h.store.remove('lobby');
    setRestarts('front-door', 1);

    const all = await openWatch(`${camerasPath}${query({ watch: 'true', resourceVersion: metadata.resourceVersion })}`);
    expect(await all.take(3)).toEqual(['MODIFIED garage', 'DELETED lobby', 'MODIFIED front-door']);
    expect(await all.within(100)).toEqual([]);

    const later = await openWatch(`${camerasPath}${query({ watch: 'true', resourceVersion: String(afterFirst) })}`);
    expect(await later.take(2)).toEqual(['DELETED lobby', 'MODIFIED front-door']);
    expect(await later.within(100)).toEqual([]);

    setRestarts('broken', 1);
    expect(await all.take(1)).toEqual(['MODIFIED broken']);
    expect(await later.take(1)).toEqual(['MODIFIED broken']);
  });

  it('with a labelSelector, sends objects that start matching as ADDED and those that stop as DELETED', async () => {
    const watch = await openWatch(`${camerasPath}${query({ watch: 'true', labelSelector: 'site=home' })}`);
    expect(await watch.take(2)).toEqual(['ADDED front-door', 'ADDED garage']);

    setRestarts('lobby', 3); // not selected: nothing
    setRestarts('front-door', 3);
    expect(await watch.take(1)).toEqual(['MODIFIED front-door']);

    relabel('garage', { site: 'office' });
    const left = await watch.next();
    expect(summary(left)).toBe('DELETED garage');
    expect(left.object.metadata.resourceVersion).toBe(String(h.revision.current));

    relabel('lobby', { site: 'home' });
    const entered = await watch.next();
    expect(summary(entered)).toBe('ADDED lobby');
    expect(entered.object.metadata.labels).toEqual({ site: 'home' });

    setRestarts('garage', 4); // no longer selected: nothing
    h.store.remove('lobby');
    h.store.remove('garage');
    expect(await watch.take(1)).toEqual(['DELETED lobby']);
    expect(await watch.within(100)).toEqual([]);
  });

  it('applies the labelSelector to the changes replayed from a resourceVersion', async () => {
    const from = String(h.revision.current);
    relabel('garage', { site: 'office' });
    relabel('lobby', { site: 'home' });
    setRestarts('broken', 1);
    const watch = await openWatch(`${camerasPath}${query({ watch: 'true', labelSelector: 'site in (home)', resourceVersion: from })}`);
    expect(await watch.take(2)).toEqual(['DELETED garage', 'ADDED lobby']);
    expect(await watch.within(100)).toEqual([]);
  });

  it('ends the stream cleanly after timeoutSeconds', async () => {
    const started = Date.now();
    const watch = await openWatch(`${camerasPath}${query({ watch: 'true', timeoutSeconds: '1' })}`);
    expect(await watch.take(4)).toHaveLength(4);
    expect(await watch.closed(5000)).toBe(true);
    expect(watch.ended).toBe('done');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeLessThan(4000);
    // The server is none the worse for it.
    expect((await request('/healthz')).status).toBe(200);
  });

  it('rejects a resourceVersion that is no number', async () => {
    const reply = await request(`${camerasPath}${query({ watch: 'true', resourceVersion: 'abc' })}`);
    expect(reply.status).toBe(400);
    expect(reply.json()).toEqual(status('BadRequest', 400, 'resourceVersion must be a number, got "abc"'));
  });

  it('answers 410 Expired once the history no longer reaches back to the resourceVersion', async () => {
    const { metadata } = (await request(camerasPath)).json<{ metadata: { resourceVersion: string } }>();
    // CameraStore keeps the last 1 000 changes; a flapping camera makes more.
    for (let restarts = 1; restarts <= 1_001; restarts++) setRestarts('garage', restarts);
    const reply = await request(`${camerasPath}${query({ watch: 'true', resourceVersion: metadata.resourceVersion })}`);
    expect(reply.status).toBe(410);
    const expired = reply.json<StatusObject>();
    expect(expired).toEqual(status('Expired', 410, `too old resource version: ${metadata.resourceVersion} (${Number(metadata.resourceVersion) + 1})`));

    // As client-go does: list again, and watch from the list's resourceVersion.
    const relist = (await request(camerasPath)).json<{ metadata: { resourceVersion: string } }>();
    const watch = await openWatch(`${camerasPath}${query({ watch: 'true', resourceVersion: relist.metadata.resourceVersion })}`);
    setRestarts('garage', 0);
    expect(await watch.take(1)).toEqual(['MODIFIED garage']);
  });

  it('serves a watch from the oldest resourceVersion still in the history, and 410 from the one before', async () => {
    // An ObjectStore with a short history, served as the cameras.
    const revision = new Revision();
    const cameras = new ObjectStore<CameraObject>(revision, 3);
    const template = h.store.objects.get('garage');
    if (!template) throw new Error('garage is missing');
    await h.api.close();
    h = await start({}, { cameras });
    for (let restarts = 0; restarts < 5; restarts++) cameras.put({ ...template, status: { ...template.status, restarts } });
    // Revisions 1..5; the history holds 3, 4 and 5.
    const oldest = await openWatch(`${camerasPath}${query({ watch: 'true', resourceVersion: '2' })}`);
    const replayed = [await oldest.next(), await oldest.next(), await oldest.next()];
    expect(replayed.map((line) => [line.type, line.object.metadata.resourceVersion, line.object.status.restarts])).toEqual([
      ['MODIFIED', '3', 2],
      ['MODIFIED', '4', 3],
      ['MODIFIED', '5', 4],
    ]);
    const reply = await request(`${camerasPath}${query({ watch: 'true', resourceVersion: '1' })}`);
    expect(reply.status).toBe(410);
    expect(reply.json()).toEqual(status('Expired', 410, 'too old resource version: 1 (2)'));
  });

  it('lets a client hang up without errors, and keeps serving the others', async () => {
    const consoleError = vi.spyOn(console, 'error');
    try {
      const leaving = await openWatch(`${camerasPath}?watch=true`);
      const staying = await openWatch(`${camerasPath}?watch=true`);
      expect(await leaving.take(4)).toHaveLength(4);
      expect(await staying.take(4)).toHaveLength(4);
      await leaving.cancel();
      await new Promise((resolve) => setTimeout(resolve, 100));
      setRestarts('garage', 9);
      expect(await staying.take(1)).toEqual(['MODIFIED garage']);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(consoleError).not.toHaveBeenCalled();
      expect(h.logs.map((line) => JSON.parse(line) as { level: string }).filter((line) => line.level === 'error')).toEqual([]);
    } finally {
      consoleError.mockRestore();
    }
  });

  it('close() ends open watches and resolves promptly', async () => {
    const first = await openWatch(`${camerasPath}?watch=true`);
    const second = await openWatch<EventObject>(`${eventsPath}?watch=true`);
    expect(await first.take(4)).toHaveLength(4);
    const started = Date.now();
    await h.api.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await first.closed(1000)).toBe(true);
    expect(await second.closed(1000)).toBe(true);
    await expect(fetch(`${h.base}/healthz`)).rejects.toThrow();
  });
});

describe('secrets', () => {
  it('never sends a password from a manifest, in any body', async () => {
    h.events.record({ kind: 'Camera', name: 'front-door' }, 'Warning', 'StreamFailed', `ffmpeg: rtsp://admin:${PASSWORD}@10.0.0.5:554/stream1: 401 Unauthorized`);
    const watch = await openWatch(`${camerasPath}?watch=true`);
    const eventWatch = await openWatch<EventObject>(`${eventsPath}?watch=true`);
    await watch.take(4);
    await eventWatch.take(1);
    h.store.updateStatus('front-door', (current) => ({ ...current, phase: 'Running' }));
    await watch.take(1);

    const replies = await Promise.all(
      [camerasPath, `${camerasPath}/front-door`, `${camerasPath}/front-door/status`, `${camerasPath}/broken`, eventsPath, '/status', '/health', '/workers/front-door'].map((path) => request(path)),
    );
    expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200, 200, 200, 200, 200]);
    const broken = replies[3]?.json<CameraObject>();
    expect(broken?.status.message).toContain('http://root:***@10.0.0.8/a');
    // The afterEach hook checks every body of the test; this states it here too.
    for (const text of [...h.bodies, watch.raw, eventWatch.raw]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(SUB_PASSWORD);
    }
  });
});
