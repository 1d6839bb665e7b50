// The recordings, motionevents and timeline endpoints on a real SQLite index: Kubernetes-style
// lists and pages, every filter, errors that name the parameter, and the watch.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordingRelativePath } from '../../worker/recording/recording-path.js';
import type { NewRecording, RecordingTrigger } from '../recordings/types.js';
import type { MotionEventObject, RecordingObject } from './recording-object.js';
import type { StatusObject } from './status-error.js';
import { startRecordingsApi, type RecordingsApi } from './test-recordings-api.js';

const API = '/apis/camlet.dev/v1';
const T0 = Date.UTC(2025, 8, 1, 0, 0, 0);
const MIN = 60_000;

let h: RecordingsApi;
beforeEach(async () => {
  h = await startRecordingsApi({ now: T0 + 24 * 60 * MIN });
});
afterEach(() => h.close());

function insert(camera: string, startMs: number, seconds: number, trigger: RecordingTrigger = 'motion'): NewRecording {
  const recording: NewRecording = {
    id: `${camera}-${startMs}`,
    camera,
    path: recordingRelativePath(camera, startMs),
    startMs,
    endMs: startMs + seconds * 1000,
    durationSeconds: seconds,
    bytes: seconds * 1000,
    codec: 'h264',
    width: 1920,
    height: 1080,
    trigger,
  };
  h.index.insertRecording(recording);
  return recording;
}

interface List<T> {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion?: string; continue?: string };
  items: T[];
}
const names = (list: List<{ metadata: { name: string } }>) => list.items.map((item) => item.metadata.name);

/** Every page of a list, following continue tokens. */
async function allPages<T>(path: string): Promise<{ pages: number; items: T[] }> {
  const items: T[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const { status, body } = await h.json<List<T>>(`${path}${token ? `${separator}continue=${encodeURIComponent(token)}` : ''}`);
    expect(status).toBe(200);
    items.push(...body.items);
    token = body.metadata.continue;
    pages++;
  } while (token);
  return { pages, items };
}

describe('recordings', () => {
  it('are listed newest first, shaped as Kubernetes resources', async () => {
    const a = insert('porch', T0, 12);
    insert('gate', T0 + MIN, 30, 'continuous');
    const { status, body } = await h.json<List<RecordingObject>>(`${API}/recordings`);
    expect(status).toBe(200);
    expect(body.kind).toBe('RecordingList');
    expect(body.apiVersion).toBe('camlet.dev/v1');
    expect(body.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(names(body)).toEqual([`gate-${T0 + MIN}`, a.id]);
    expect(body.items[1]).toEqual({
      apiVersion: 'camlet.dev/v1',
      kind: 'Recording',
      metadata: { name: a.id, creationTimestamp: '2025-09-01T00:00:00.000Z', labels: { camera: 'porch', trigger: 'motion' } },
      spec: {
        camera: 'porch',
        path: 'porch/2025-09-01/porch-20250901T000000Z.mp4',
        start: '2025-09-01T00:00:00.000Z',
        end: '2025-09-01T00:00:12.000Z',
        durationSeconds: 12,
        bytes: 12000,
        codec: 'h264',
        resolution: '1920x1080',
        trigger: 'motion',
      },
      status: { state: 'complete', indexedTime: expect.stringMatching(/Z$/) as string },
    });
    const one = await h.json<RecordingObject>(`${API}/recordings/${a.id}`);
    expect(one.body).toEqual(body.items[1]);
  });

  it('are filtered by camera, trigger, state, time (RFC 3339 or epoch ms) and the cameras’ labels', async () => {
    for (let i = 0; i < 6; i++) insert(['porch', 'gate', 'lobby'][i % 3] as string, T0 + i * 10 * MIN, 60, i % 2 === 0 ? 'motion' : 'continuous');
    // A camera no manifest declares (deleted, its recordings kept): no labels.
    insert('attic', T0 + 5 * MIN, 60);
    const list = async (query: string) => names((await h.json<List<RecordingObject>>(`${API}/recordings?${query}`)).body).sort();
    const id = (i: number) => `${['porch', 'gate', 'lobby'][i % 3]}-${T0 + i * 10 * MIN}`;

    expect(await list('camera=porch')).toEqual([id(0), id(3)].sort());
    expect(await list('trigger=continuous')).toEqual([id(1), id(3), id(5)].sort());
    expect(await list('camera=porch&trigger=motion')).toEqual([id(0)]);
    // Overlapping the window: 00:20:30 falls inside recording 2 (00:20 to 00:21).
    expect(await list('from=2025-09-01T00:20:30Z&to=2025-09-01T00:40:00Z')).toEqual([id(2), id(3)].sort());
    expect(await list(`from=${T0 + 20 * MIN + 30_000}&to=${T0 + 40 * MIN}`)).toEqual([id(2), id(3)].sort());
    expect(await list('from=2025-09-01T02:20:30%2B02:00&to=2025-09-01T00:40:00.000Z')).toEqual([id(2), id(3)].sort());
    expect(await list('labelSelector=site%3Dhome')).toEqual([id(0), id(1), id(3), id(4)].sort());
    expect(await list('labelSelector=site%20in%20(office)')).toEqual([id(2), id(5)].sort());
    // Matches cameras without the label, the undeclared one included.
    expect(await list('labelSelector=site!%3Dhome')).toEqual([id(2), id(5), `attic-${T0 + 5 * MIN}`].sort());
    expect(await list('labelSelector=!site')).toEqual([`attic-${T0 + 5 * MIN}`]);
    expect(await list('labelSelector=site%3Dnowhere')).toEqual([]);
    h.index.markMissing(id(4));
    expect(await list('state=missing')).toEqual([id(4)]);
  });

  it('come in pages with continue tokens that stay good while recordings are added', async () => {
    for (let i = 0; i < 25; i++) insert('porch', T0 + i * MIN, 10);
    const first = await h.json<List<RecordingObject>>(`${API}/recordings?camera=porch&limit=10`);
    expect(first.body.items).toHaveLength(10);
    expect(first.body.metadata.continue).toBeTruthy();
    // Newer than every page: it must not shift the pages after the first.
    insert('porch', T0 + 100 * MIN, 10);
    const second = await h.json<List<RecordingObject>>(`${API}/recordings?camera=porch&limit=10&continue=${encodeURIComponent(first.body.metadata.continue ?? '')}`);
    expect(names(second.body)).toEqual(Array.from({ length: 10 }, (_, i) => `porch-${T0 + (14 - i) * MIN}`));
    const { pages, items } = await allPages<RecordingObject>(`${API}/recordings?camera=porch&limit=7&order=oldest`);
    expect(pages).toBe(4);
    expect(items.map((r) => r.metadata.name)).toEqual([...Array.from({ length: 25 }, (_, i) => `porch-${T0 + i * MIN}`), `porch-${T0 + 100 * MIN}`]);
  });

  it('refuse bad parameters with 400, naming the parameter and the value', async () => {
    const bad = async (query: string) => {
      const { status, body } = await h.json<StatusObject>(`${API}/recordings?${query}`);
      expect(status, query).toBe(400);
      expect(body.kind).toBe('Status');
      return body.message;
    };
    expect(await bad('limit=abc')).toBe('limit "abc" must be a whole number from 1 to 1000');
    expect(await bad('limit=1001')).toBe('limit "1001" must be a whole number from 1 to 1000');
    expect(await bad('from=yesterday')).toBe('from "yesterday" is neither an RFC 3339 time (2025-07-20T12:00:00Z) nor epoch milliseconds');
    expect(await bad('to=2025-09-01T00:00:00')).toContain('to "2025-09-01T00:00:00" is neither');
    expect(await bad('from=2025-09-02T00:00:00Z&to=2025-09-01T00:00:00Z')).toBe('to (2025-09-01T00:00:00.000Z) must be after from (2025-09-02T00:00:00.000Z)');
    expect(await bad('trigger=sometimes')).toBe('trigger "sometimes" must be one of motion, continuous, manual');
    expect(await bad('state=gone')).toBe('state "gone" must be one of complete, deleting, missing');
    expect(await bad('camera=..%2F..%2Fetc')).toBe('camera "../../etc" is not a camera name (a DNS-1123 label)');
    expect(await bad('camera=a&camera=b')).toBe('camera given more than once');
    expect(await bad('labelSelector=a%3D%3D%3Db')).toMatch(/^unable to parse labelSelector "a===b"/);
    expect(await bad('continue=garbage')).toBe('continue: "garbage" is not a continue token this server made');
    insert('porch', T0, 10);
    insert('porch', T0 + MIN, 10);
    const token = (await h.json<List<RecordingObject>>(`${API}/recordings?limit=1`)).body.metadata.continue ?? '';
    expect(await bad(`camera=gate&limit=1&continue=${encodeURIComponent(token)}`)).toBe('continue: the token was made for a list with other filters or order; start again without it');
  });

  it('answers 404 for an unknown recording and 400 for a malformed id', async () => {
    const missing = await h.json<StatusObject>(`${API}/recordings/0f3c5d9e-0000-4000-8000-000000000000`);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('recordings.camlet.dev "0f3c5d9e-0000-4000-8000-000000000000" not found');
    expect((await h.json<StatusObject>(`${API}/recordings/a%20b`)).status).toBe(400);
  });

  it('are in the API discovery list', async () => {
    const { body } = await h.json<{ resources: { name: string; verbs: string[] }[] }>(API);
    expect(body.resources.filter((r) => r.name.startsWith('recordings') || r.name === 'motionevents').map((r) => [r.name, r.verbs])).toEqual([
      ['recordings', ['get', 'list', 'watch']],
      ['recordings/content', ['get']],
      ['recordings/thumbnail', ['get']],
      ['motionevents', ['get', 'list']],
    ]);
  });
});

describe('motionevents', () => {
  it('are listed, paged and filtered like recordings, with the recording that holds each', async () => {
    for (let i = 0; i < 5; i++) {
      const camera = i % 2 === 0 ? 'porch' : 'lobby';
      h.index.startMotion({ camera, startMs: T0 + i * MIN, score: 0.1, boxes: [{ x: 0.1, y: 0.2, width: 0.3, height: 0.4 }] });
      h.index.endMotion({ camera, startMs: T0 + i * MIN, endMs: T0 + i * MIN + 5000, peakScore: 0.5 });
    }
    const holder = insert('porch', T0 + 2 * MIN - 2000, 10, 'continuous');
    const { status, body } = await h.json<List<MotionEventObject>>(`${API}/motionevents?camera=porch`);
    expect(status).toBe(200);
    expect(body.kind).toBe('MotionEventList');
    expect(body.items.map((e) => e.spec.start)).toEqual(['2025-09-01T00:04:00.000Z', '2025-09-01T00:02:00.000Z', '2025-09-01T00:00:00.000Z']);
    const held = body.items[1] as MotionEventObject;
    expect(held).toEqual({
      apiVersion: 'camlet.dev/v1',
      kind: 'MotionEvent',
      metadata: { name: held.metadata.name, creationTimestamp: '2025-09-01T00:02:00.000Z', labels: { camera: 'porch' } },
      spec: { camera: 'porch', start: '2025-09-01T00:02:00.000Z', end: '2025-09-01T00:02:05.000Z', peakScore: 0.5, boxes: [{ x: 0.1, y: 0.2, width: 0.3, height: 0.4 }], recording: holder.id },
    });
    expect((await h.json<MotionEventObject>(`${API}/motionevents/${held.metadata.name}`)).body).toEqual(held);
    const list = async (query: string) => (await h.json<List<MotionEventObject>>(`${API}/motionevents?${query}`)).body.items.map((e) => e.spec.start.slice(11, 16));
    expect(await list(`recording=${holder.id}`)).toEqual(['00:02']);
    expect(await list('trigger=continuous')).toEqual(['00:02']);
    expect(await list('labelSelector=site%3Doffice')).toEqual(['00:03', '00:01']);
    expect(await list('from=2025-09-01T00:01:00Z&to=2025-09-01T00:03:00Z&order=oldest')).toEqual(['00:01', '00:02']);
    const { pages, items } = await allPages<MotionEventObject>(`${API}/motionevents?limit=2`);
    expect(pages).toBe(3);
    expect(items.map((e) => e.spec.start.slice(11, 16))).toEqual(['00:04', '00:03', '00:02', '00:01', '00:00']);
    expect((await h.json<StatusObject>(`${API}/motionevents/abc`)).status).toBe(400);
    expect((await h.json<StatusObject>(`${API}/motionevents/999`)).status).toBe(404);
    expect((await h.json<StatusObject>(`${API}/motionevents?recording=..%2Fx`)).status).toBe(400);
  });
});

interface TimelineBody {
  kind: string;
  from: string;
  to: string;
  resolutionSeconds: number;
  cameras: { camera: string; intervals: { start: string; end: string; recordings: number; triggers: string[] }[]; motion: { start: string; count: number; peakScore: number }[] }[];
}

describe('timeline', () => {
  it('merges recordings whose gaps are shorter than the resolution, clips them to the window, and counts motion per slot', async () => {
    // porch: 00:00-00:01, 00:01:20-00:02 (gap 20 s), 00:05-00:06 (gap 3 min); gate: 00:00:30-00:10:30, continuous.
    insert('porch', T0, 60);
    insert('porch', T0 + 80_000, 40, 'continuous');
    insert('porch', T0 + 5 * MIN, 60);
    insert('gate', T0 + 30_000, 600, 'continuous');
    insert('lobby', T0 - 60 * MIN, 60);
    for (const [camera, at, score] of [['porch', T0 + 10_000, 0.2], ['porch', T0 + 50_000, 0.6], ['porch', T0 + 5 * MIN + 1000, 0.3], ['gate', T0 + 2 * MIN, 0.1]] as const) {
      h.index.startMotion({ camera, startMs: at, score, boxes: [] });
      h.index.endMotion({ camera, startMs: at, endMs: at + 1000, peakScore: score });
    }
    const window = 'from=2025-09-01T00:00:00Z&to=2025-09-01T00:10:00Z';
    const { status, body } = await h.json<TimelineBody>(`${API}/timeline?${window}&resolution=1m`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ kind: 'Timeline', from: '2025-09-01T00:00:00.000Z', to: '2025-09-01T00:10:00.000Z', resolutionSeconds: 60 });
    expect(body.cameras).toEqual([
      {
        camera: 'gate',
        intervals: [{ start: '2025-09-01T00:00:30.000Z', end: '2025-09-01T00:10:00.000Z', recordings: 1, triggers: ['continuous'] }],
        motion: [{ start: '2025-09-01T00:02:00.000Z', count: 1, peakScore: 0.1 }],
      },
      {
        camera: 'porch',
        intervals: [
          { start: '2025-09-01T00:00:00.000Z', end: '2025-09-01T00:02:00.000Z', recordings: 2, triggers: ['motion', 'continuous'] },
          { start: '2025-09-01T00:05:00.000Z', end: '2025-09-01T00:06:00.000Z', recordings: 1, triggers: ['motion'] },
        ],
        motion: [
          { start: '2025-09-01T00:00:00.000Z', count: 2, peakScore: 0.6 },
          { start: '2025-09-01T00:05:00.000Z', count: 1, peakScore: 0.3 },
        ],
      },
    ]);
    // Finer than the gap: the first two stay apart. One camera only.
    const fine = await h.json<TimelineBody>(`${API}/timeline?${window}&resolution=10&camera=porch`);
    expect(fine.body.cameras.map((c) => [c.camera, c.intervals.length, c.motion.length])).toEqual([['porch', 3, 3]]);
    // By label, and by default the last 24 hours at a minute a slot.
    expect((await h.json<TimelineBody>(`${API}/timeline?${window}&labelSelector=site%3Doffice`)).body.cameras).toEqual([]);
    const day = await h.json<TimelineBody>(`${API}/timeline`);
    expect(day.body).toMatchObject({ from: '2025-09-01T00:00:00.000Z', to: '2025-09-02T00:00:00.000Z', resolutionSeconds: 60 });
  });

  it('refuses a bad resolution, a reversed window and too many slots', async () => {
    const bad = async (query: string) => {
      const { status, body } = await h.json<StatusObject>(`${API}/timeline?${query}`);
      expect(status, query).toBe(400);
      return body.message;
    };
    expect(await bad('resolution=often')).toBe('resolution "often" must be a duration such as 60s, 5m or 1h (or a number of seconds)');
    expect(await bad('resolution=1ms&from=0&to=1000000000')).toMatch(/^resolution 1 ms makes 1000000000 slots/);
    expect(await bad('from=2000&to=1000')).toMatch(/must be after from/);
  });
});

/** The lines of a watch response, read as they arrive. */
async function readLines(response: Response, count: number, timeoutMs = 5000): Promise<{ type: string; object: RecordingObject }[]> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + timeoutMs;
  while (text.split('\n').filter(Boolean).length < count && Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), deadline - Date.now()))]);
    if (!chunk || chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
  }
  await reader.cancel();
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { type: string; object: RecordingObject });
}

describe('watch', () => {
  it('sends the matching recordings, then each one indexed and deleted, from a list’s resourceVersion on', async () => {
    const existing = insert('porch', T0, 10);
    insert('lobby', T0, 10);
    const fromScratch = await fetch(`${h.base}${API}/recordings?watch=true&labelSelector=site%3Dhome`);
    const list = await h.json<List<RecordingObject>>(`${API}/recordings?camera=porch`);
    const resumed = await fetch(`${h.base}${API}/recordings?watch=true&camera=porch&resourceVersion=${list.body.metadata.resourceVersion}`);
    const added = insert('porch', T0 + MIN, 10);
    h.changes.added({ ...added, state: 'complete', createdMs: T0 });
    const ignored = insert('lobby', T0 + MIN, 10);
    h.changes.added({ ...ignored, state: 'complete', createdMs: T0 });
    h.changes.deleted({ ...existing, state: 'deleting', createdMs: T0 });

    const first = await readLines(fromScratch, 3);
    expect(first.map((e) => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', existing.id],
      ['ADDED', added.id],
      ['DELETED', existing.id],
    ]);
    const second = await readLines(resumed, 2);
    expect(second.map((e) => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', added.id],
      ['DELETED', existing.id],
    ]);
    expect(Number(second[0]?.object.metadata.resourceVersion)).toBeGreaterThan(Number(list.body.metadata.resourceVersion));
  });
});
