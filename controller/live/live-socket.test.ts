import { createServer, type Server } from 'node:http';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { TrackInfo } from './fmp4.js';
import { LiveHub } from './live-hub.js';
import { attachLiveSockets, originAllowed } from './live-socket.js';
import type { RemuxEvents, RemuxFactory } from './remux.js';

const track: TrackInfo = { codec: 'avc1.42c01e', width: 320, height: 240, timescale: 90_000, defaultSampleFlags: 0 };
let server: Server;
let port: number;
let closeSockets: () => void;
let hub: LiveHub;
const remuxes: RemuxEvents[] = [];

beforeAll(async () => {
  // A remux that answers at once with an init segment and a keyframe fragment.
  const factory: RemuxFactory = (_source, events) => {
    remuxes.push(events);
    setTimeout(() => {
      events.init(Buffer.from('INIT'), track);
      events.fragment({ bytes: Buffer.from('KEY'), keyframe: true, time: 0 });
    }, 10);
    return { pid: 1, stop: () => Promise.resolve(events.exit('stopped')) };
  };
  const source = { url: 'rtsp://u:secret@cam/x', transport: 'tcp' as const, secrets: ['secret'] };
  hub = new LiveHub((name) => (name === 'door' ? { main: source } : undefined), pino({ level: 'silent' }), { lingerMs: 50, restartDelaysMs: [10], maxBufferedBytes: 1 << 20, clockEveryMs: 1000 }, factory);
  server = createServer((_request, response) => response.end());
  closeSockets = attachLiveSockets(server, hub, pino({ level: 'silent' }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});
afterAll(async () => {
  closeSockets();
  await hub.close();
  await new Promise((resolve) => server.close(resolve));
});

function open(path: string, headers: Record<string, string> = {}): Promise<{ texts: string[]; binaries: string[]; status?: number; close: () => void }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers });
    const texts: string[] = [];
    const binaries: string[] = [];
    socket.on('unexpected-response', (_request, response) => resolve({ texts, binaries, status: response.statusCode, close: () => socket.terminate() }));
    socket.on('message', (data: Buffer, binary) => {
      (binary ? binaries : texts).push(data.toString());
      if (binaries.length === 2) resolve({ texts, binaries, close: () => socket.close() });
    });
    socket.on('close', () => resolve({ texts, binaries, close: () => {} }));
  });
}

describe('the live WebSocket', () => {
  it('sends the init message, the init segment and fragments; never the URL', async () => {
    const viewer = await open('/apis/camlet.dev/v1/cameras/door/live?stream=sub', { Origin: `http://127.0.0.1:${port}` });
    expect(viewer.binaries).toEqual(['INIT', 'KEY']);
    const init = viewer.texts.map((text) => JSON.parse(text) as { type: string }).find((m) => m.type === 'init');
    expect(init).toMatchObject({ type: 'init', camera: 'door', stream: 'main', codec: 'avc1.42c01e', width: 320, height: 240 });
    expect(viewer.texts.join('')).not.toContain('secret');
    viewer.close();
  });

  it('refuses other origins, other paths, unknown streams, and says why for a camera without a spec', async () => {
    expect((await open('/apis/camlet.dev/v1/cameras/door/live', { Origin: 'https://evil.example' })).status).toBe(403);
    expect((await open('/apis/camlet.dev/v1/cameras/door/nope')).status).toBe(404);
    expect((await open('/apis/camlet.dev/v1/cameras/door/live?stream=third')).status).toBe(400);
    const missing = await open('/apis/camlet.dev/v1/cameras/ghost/live');
    expect(missing.texts).toEqual([JSON.stringify({ type: 'waiting', reason: 'camera "ghost" has no valid spec' })]);
  });

  it('checks the Origin against the Host asked for', () => {
    expect(originAllowed({ headers: { host: '127.0.0.1:5001' } })).toBe(true);
    expect(originAllowed({ headers: { host: '127.0.0.1:5001', origin: 'http://127.0.0.1:5001' } })).toBe(true);
    expect(originAllowed({ headers: { host: '127.0.0.1:5001', origin: 'http://localhost:5001' } })).toBe(false);
    expect(originAllowed({ headers: { host: '127.0.0.1:5001', origin: 'null' } })).toBe(false);
  });
});
