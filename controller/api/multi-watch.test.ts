// GET /apis/camlet.dev/v1/watch on the real server and a real recordings index: the initial
// state of three kinds and its bookmark, changes in revision order, resuming from one
// resourceVersion, 410 for one too old or too new, heartbeat bookmarks, and the parameters.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordingRelativePath } from '../../worker/recording/recording-path.js';
import type { Recording } from '../recordings/types.js';
import { INITIAL_EVENTS_END, MULTI_WATCH_PATH, RECORDINGS_TRUNCATED } from './multi-watch.js';
import type { StatusObject } from './status-error.js';
import { startRecordingsApi, type RecordingsApi } from './test-recordings-api.js';

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const HOUR = 3_600_000;

interface Line {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  object: { kind: string; metadata: { name?: string; resourceVersion?: string; annotations?: Record<string, string> } };
}

/** A watch response read line by line as it arrives. */
class Reader {
  private text = '';
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private pending: ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']> | undefined;

  constructor(readonly response: Response) {
    if (!response.body) throw new Error('no body');
    this.reader = response.body.getReader();
  }

  async next(timeoutMs = 2_000): Promise<Line> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const newline = this.text.indexOf('\n');
      if (newline >= 0) {
        const line = JSON.parse(this.text.slice(0, newline)) as Line;
        this.text = this.text.slice(newline + 1);
        return line;
      }
      this.pending ??= this.reader.read();
      let timer: NodeJS.Timeout | undefined;
      const result = await Promise.race([this.pending, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()))))]);
      clearTimeout(timer);
      if (result === 'timeout') throw new Error(`no line within ${timeoutMs} ms`);
      this.pending = undefined;
      if (result.done) throw new Error('the watch ended');
      this.text += this.decoder.decode(result.value, { stream: true });
    }
  }

  /** Lines up to and including the first BOOKMARK, as "TYPE Kind name". */
  async untilBookmark(): Promise<{ lines: string[]; bookmark: Line }> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.next();
      if (line.type === 'BOOKMARK') return { lines, bookmark: line };
      lines.push(summary(line));
    }
  }

  async take(count: number): Promise<string[]> {
    const lines: string[] = [];
    while (lines.length < count) lines.push(summary(await this.next()));
    return lines;
  }

  close(): Promise<void> {
    return this.reader.cancel();
  }
}

const summary = (line: Line) => `${line.type} ${line.object.kind} ${line.object.metadata.name}`;

let h: RecordingsApi;
const readers: Reader[] = [];

async function watch(query = ''): Promise<Reader> {
  const response = await fetch(`${h.base}${MULTI_WATCH_PATH}${query}`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const reader = new Reader(response);
  readers.push(reader);
  return reader;
}

async function refused(query: string): Promise<StatusObject> {
  const response = await fetch(`${h.base}${MULTI_WATCH_PATH}${query}`);
  return (await response.json()) as StatusObject;
}

function recording(camera: string, startMs: number): Recording {
  const row = { id: `${camera}-${startMs}`, camera, path: recordingRelativePath(camera, startMs), startMs, endMs: startMs + 10_000, durationSeconds: 10, bytes: 1000, codec: 'h264', width: 640, height: 360, trigger: 'motion' as const };
  h.index.insertRecording(row);
  return { ...row, state: 'complete', createdMs: row.endMs };
}

const restart = (name: string, restarts: number) => h.store.updateStatus(name, (status) => ({ ...status, restarts }));
const record = (name: string, reason: string) => h.events.record({ kind: 'Camera', name }, 'Normal', reason, `${reason} on ${name}`).metadata.name;

beforeEach(async () => {
  h = await startRecordingsApi({ now: NOW });
});
afterEach(async () => {
  await Promise.all(readers.splice(0).map((reader) => reader.close().catch(() => undefined)));
  await h.close();
});

describe('the watch of every kind over one connection', () => {
  it('sends cameras, events and the last day’s recordings, a bookmark, then each change with its kind', async () => {
    const event = record('porch', 'Tested');
    const old = recording('porch', NOW - 30 * HOUR);
    const recent = recording('gate', NOW - HOUR);
    const reader = await watch();
    const { lines, bookmark } = await reader.untilBookmark();
    expect(lines).toEqual(['ADDED Camera gate', 'ADDED Camera lobby', 'ADDED Camera porch', `ADDED Event ${event}`, `ADDED Recording ${recent.id}`]);
    expect(bookmark.object.metadata.annotations).toEqual({ [INITIAL_EVENTS_END]: 'true' });
    expect(bookmark.object.metadata.resourceVersion).toBe(h.store.objects.resourceVersion);

    restart('lobby', 1);
    const second = record('lobby', 'Restarted');
    const added = recording('lobby', NOW);
    h.changes.added(added);
    h.changes.deleted(old); // older than the day sent: the client never had it
    h.changes.deleted(recent);
    expect(await reader.take(4)).toEqual(['MODIFIED Camera lobby', `ADDED Event ${second}`, `ADDED Recording ${added.id}`, `DELETED Recording ${recent.id}`]);
  });

  it('resumes every kind from one resourceVersion, in revision order, even for a change made while another is published', async () => {
    // A listener that records an Event as a camera changes, as the controller does, there before
    // the watch: the Event's revision is the next, yet it reaches the watch before the camera's change.
    const stop = h.store.objects.watch(Number(h.store.objects.resourceVersion), (change) => {
      if (change.type === 'MODIFIED') record(change.object.metadata.name, 'Noticed');
    });
    const first = await watch();
    const { bookmark } = await first.untilBookmark();
    const from = bookmark.object.metadata.resourceVersion as string;
    restart('gate', 2);
    stop();
    h.changes.added(recording('porch', NOW));
    const live = await first.take(3);
    expect(live[0]).toBe('MODIFIED Camera gate');
    expect(live.slice(1).map((line) => line.split(' ')[1])).toEqual(['Event', 'Recording']);

    const resumed = await watch(`?resourceVersion=${from}`);
    expect(await resumed.take(3)).toEqual(live);
    // Asked for cameras only, from the same version: only the camera.
    const cameras = await watch(`?kinds=cameras&resourceVersion=${from}`);
    expect(await cameras.take(1)).toEqual(['MODIFIED Camera gate']);
  });

  it('is 410 Expired for a resourceVersion older than the history or newer than the server', async () => {
    const tooNew = await refused('?resourceVersion=999999');
    expect(tooNew).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
    expect(tooNew.message).toMatch(/too new resource version: 999999 .*not one of this controller's/);
    const from = h.store.objects.resourceVersion;
    for (let i = 1; i <= 1_001; i++) restart('porch', i);
    expect(await refused(`?resourceVersion=${from}`)).toMatchObject({ reason: 'Expired', code: 410 });
  });

  it('sends a bookmark with the current resourceVersion every bookmarkSeconds, and ends after timeoutSeconds', async () => {
    const reader = await watch('?kinds=cameras&bookmarkSeconds=1&timeoutSeconds=3');
    await reader.untilBookmark();
    restart('gate', 7);
    expect(await reader.take(1)).toEqual(['MODIFIED Camera gate']);
    const started = Date.now();
    const heartbeat = await reader.next(1_500);
    expect(heartbeat.type).toBe('BOOKMARK');
    expect(heartbeat.object.metadata).toEqual({ resourceVersion: h.store.objects.resourceVersion });
    expect(Date.now() - started).toBeLessThan(1_500);
    await expect(async () => {
      for (;;) await reader.next(3_000);
    }).rejects.toThrow('the watch ended');
  });

  it('sends at most recordingsLimit recordings since recordingsSince, newest first, and says when there were more', async () => {
    const a = recording('porch', NOW - 3 * HOUR);
    const b = recording('gate', NOW - 2 * HOUR);
    recording('lobby', NOW - 5 * HOUR);
    const since = new Date(NOW - 4 * HOUR).toISOString();
    const two = await watch(`?kinds=recordings&recordingsSince=${since}`);
    const all = await two.untilBookmark();
    expect(all.lines).toEqual([`ADDED Recording ${b.id}`, `ADDED Recording ${a.id}`]);
    expect(all.bookmark.object.metadata.annotations).toEqual({ [INITIAL_EVENTS_END]: 'true' });
    const one = await watch(`?kinds=recordings&recordingsSince=${since}&recordingsLimit=1`);
    const newest = await one.untilBookmark();
    expect(newest.lines).toEqual([`ADDED Recording ${b.id}`]);
    expect(newest.bookmark.object.metadata.annotations).toEqual({ [INITIAL_EVENTS_END]: 'true', [RECORDINGS_TRUNCATED]: 'true' });
  });

  it.each([
    ['?kinds=cameras,pods', /kinds: "pods" cannot be watched here; the kinds are cameras, events, recordings/],
    ['?resourceVersion=abc', /resourceVersion "abc" must be an integer/],
    ['?recordingsLimit=0', /recordingsLimit "0" must be an integer from 1 to 1000/],
    ['?recordingsSince=yesterday', /recordingsSince "yesterday" is neither an RFC 3339 time/],
    ['?bookmarkSeconds=0', /bookmarkSeconds "0" must be an integer from 1 to 300/],
    ['?kinds=cameras&kinds=events', /kinds given more than once/],
  ])('refuses %s with a BadRequest naming the parameter', async (query, message) => {
    const status = await refused(query);
    expect(status).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    expect(status.message).toMatch(message);
  });
});
