import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TrackInfo } from './fmp4.js';
import type { LiveMessage, Viewer } from './live-channel.js';
import { LiveHub } from './live-hub.js';
import type { RemuxEvents, RemuxFactory, RemuxSource } from './remux.js';

const logger = pino({ level: 'silent' });
const track: TrackInfo = { codec: 'avc1.42c01e', width: 160, height: 120, timescale: 90_000, defaultSampleFlags: 0 };
const options = { lingerMs: 5_000, restartDelaysMs: [500, 1_000], maxBufferedBytes: 1_000, clockEveryMs: 1_000 };

interface FakeRemux {
  source: RemuxSource;
  events: RemuxEvents;
  stopped: boolean;
}

function fakeFactory(): { factory: RemuxFactory; started: FakeRemux[] } {
  const started: FakeRemux[] = [];
  const factory: RemuxFactory = (source, events) => {
    const remux: FakeRemux = { source, events, stopped: false };
    started.push(remux);
    return {
      pid: 1000 + started.length,
      stop: () => {
        remux.stopped = true;
        events.exit('stopped');
        return Promise.resolve();
      },
    };
  };
  return { factory, started };
}

class FakeViewer implements Viewer {
  texts: LiveMessage[] = [];
  binaries: string[] = [];
  bufferedBytes = 0;
  sendText(message: LiveMessage): void {
    this.texts.push(message);
  }
  sendBinary(bytes: Buffer): void {
    this.binaries.push(bytes.toString());
  }
}

const source = (url: string): RemuxSource => ({ url, transport: 'tcp', secrets: [] });
let streams: Record<string, { main: RemuxSource; sub?: RemuxSource }>;

beforeEach(() => {
  vi.useFakeTimers();
  streams = { door: { main: source('rtsp://cam/main'), sub: source('rtsp://cam/sub') }, yard: { main: source('rtsp://yard/main') } };
});
afterEach(() => vi.useRealTimers());

function frag(events: RemuxEvents, name: string, keyframe: boolean, time: number): void {
  events.fragment({ bytes: Buffer.from(name), keyframe, time });
}

describe('LiveHub', () => {
  it('shares one remux between viewers; a viewer joins with the init segment, then from the next keyframe', () => {
    const { factory, started } = fakeFactory();
    const hub = new LiveHub((name) => streams[name], logger, options, factory);
    const first = new FakeViewer();
    const joined = hub.join('door', 'sub', first);
    expect(joined).toMatchObject({ stream: 'sub' });
    expect(started).toHaveLength(1);
    expect(started[0]?.source.url).toBe('rtsp://cam/sub');
    const events = started[0]!.events;
    events.init(Buffer.from('INIT'), track);
    frag(events, 'k1', true, 0);
    frag(events, 'p1', false, 0.1);

    const second = new FakeViewer();
    hub.join('door', 'sub', second);
    expect(started).toHaveLength(1);
    frag(events, 'p2', false, 0.2);
    frag(events, 'k2', true, 1);
    expect(first.binaries).toEqual(['INIT', 'k1', 'p1', 'p2', 'k2']);
    expect(second.binaries).toEqual(['INIT', 'k2']);
    expect(second.texts[0]).toMatchObject({ type: 'init', codec: 'avc1.42c01e', width: 160, height: 120 });
    expect(hub.status()).toEqual([{ camera: 'door', stream: 'sub', viewers: 2, pid: 1001 }]);

    // MAIN is another channel, another remux.
    hub.join('door', 'main', new FakeViewer());
    expect(started.map((r) => r.source.url)).toEqual(['rtsp://cam/sub', 'rtsp://cam/main']);
  });

  it('stops the remux a linger after the last viewer leaves, and not when one comes back in time', async () => {
    const { factory, started } = fakeFactory();
    const hub = new LiveHub((name) => streams[name], logger, options, factory);
    const a = hub.join('door', 'sub', new FakeViewer());
    if ('error' in a) throw new Error(a.error);
    a.leave();
    await vi.advanceTimersByTimeAsync(4_000);
    const b = hub.join('door', 'sub', new FakeViewer());
    if ('error' in b) throw new Error(b.error);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(started).toHaveLength(1);
    expect(started[0]?.stopped).toBe(false);
    b.leave();
    await vi.advanceTimersByTimeAsync(5_001);
    expect(started[0]?.stopped).toBe(true);
    expect(hub.status()).toEqual([]);
    // The next viewer starts a new one.
    hub.join('door', 'sub', new FakeViewer());
    expect(started).toHaveLength(2);
    await hub.close();
    expect(started[1]?.stopped).toBe(true);
  });

  it('restarts a failed remux while viewers remain, telling them to wait', async () => {
    const { factory, started } = fakeFactory();
    const hub = new LiveHub((name) => streams[name], logger, options, factory);
    const viewer = new FakeViewer();
    hub.join('door', 'main', viewer);
    started[0]!.events.init(Buffer.from('INIT'), track);
    started[0]!.events.exit('ffmpeg exited with code 1: Connection refused');
    expect(viewer.texts.at(-1)).toEqual({ type: 'waiting', reason: 'ffmpeg exited with code 1: Connection refused' });
    await vi.advanceTimersByTimeAsync(499);
    expect(started).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toHaveLength(2);
    started[1]!.events.init(Buffer.from('INIT2'), track);
    expect(viewer.binaries).toEqual(['INIT', 'INIT2']);
    await hub.close();
  });

  it('lets a viewer that cannot keep up skip to the next keyframe', () => {
    const { factory, started } = fakeFactory();
    const hub = new LiveHub((name) => streams[name], logger, options, factory);
    const slow = new FakeViewer();
    hub.join('door', 'sub', slow);
    const events = started[0]!.events;
    events.init(Buffer.from('INIT'), track);
    frag(events, 'k1', true, 0);
    slow.bufferedBytes = 5_000;
    frag(events, 'p1', false, 0.1);
    slow.bufferedBytes = 0;
    frag(events, 'p2', false, 0.2);
    frag(events, 'k2', true, 1);
    expect(slow.binaries).toEqual(['INIT', 'k1', 'k2']);
  });

  it('shows the MAIN stream of a camera without SUB, and refuses a camera without a spec', () => {
    const { factory, started } = fakeFactory();
    const hub = new LiveHub((name) => streams[name], logger, options, factory);
    expect(hub.join('yard', 'sub', new FakeViewer())).toMatchObject({ stream: 'main' });
    expect(started[0]?.source.url).toBe('rtsp://yard/main');
    expect(hub.join('nope', 'sub', new FakeViewer())).toEqual({ error: 'camera "nope" has no valid spec' });
  });

  it('tells viewers the media clock once fragments flow', () => {
    const { factory, started } = fakeFactory();
    const hub = new LiveHub((name) => streams[name], logger, options, factory);
    const viewer = new FakeViewer();
    hub.join('door', 'sub', viewer);
    const events = started[0]!.events;
    events.init(Buffer.from('INIT'), track);
    const t0 = Date.now();
    frag(events, 'k1', true, 0);
    vi.setSystemTime(t0 + 100);
    frag(events, 'p1', false, 0.1);
    const clock = viewer.texts.find((m) => m.type === 'clock');
    expect(clock).toMatchObject({ type: 'clock', originMs: t0 - 100 });
  });
});
