// The test camera is itself checked against a real client: ffprobe.
import { spawnTiedToParent, stopGracefully } from '../../lib/child-process.js';
import { createConnection, createServer, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { descendantsOf, freePort, isAlive, processesMatching, waitUntil } from './processes.js';
import { startRtspCamera, stopAllRtspCameras, type RtspCamera } from './rtsp-camera.js';

interface ProbedStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
}

interface Probe {
  code: number | null;
  stderr: string;
  streams: ProbedStream[];
}

/** Runs ffprobe on `url`; a short analyze duration keeps it near 1 s instead of 3 to 6 s. */
async function ffprobe(url: string, transport: 'tcp' | 'udp'): Promise<Probe> {
  const args = ['-v', 'error', '-rtsp_transport', transport, '-analyzeduration', '500000'];
  args.push('-print_format', 'json', '-show_streams', url);
  const child = spawnTiedToParent('ffprobe', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const closed = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  const timer = setTimeout(() => void stopGracefully(child, 500), 10_000);
  const code = await closed.finally(() => clearTimeout(timer));
  const parsed = (stdout.trim() ? JSON.parse(stdout) : {}) as { streams?: ProbedStream[] };
  return { code, stderr, streams: parsed.streams ?? [] };
}

function video(probe: Probe): Pick<ProbedStream, 'codec_name' | 'width' | 'height'> | undefined {
  const stream = probe.streams.find((s) => s.codec_type === 'video');
  return stream && { codec_name: stream.codec_name, width: stream.width, height: stream.height };
}

afterAll(stopAllRtspCameras);

describe('a camera with the default modes', () => {
  let camera: RtspCamera;
  beforeAll(async () => {
    camera = await startRtspCamera();
  });

  it('serves H.264 at 320x240 on /main and 160x120 on /sub over RTSP/TCP', async () => {
    expect(camera.url('main')).toBe(`rtsp://127.0.0.1:${camera.port}/main`);
    const [main, sub] = await Promise.all([ffprobe(camera.url('main'), 'tcp'), ffprobe(camera.url('sub'), 'tcp')]);
    expect(main.code, main.stderr).toBe(0);
    expect(video(main)).toEqual({ codec_name: 'h264', width: 320, height: 240 });
    expect(sub.code, sub.stderr).toBe(0);
    expect(video(sub)).toEqual({ codec_name: 'h264', width: 160, height: 120 });
  });

  it('serves over RTP/UDP too', async () => {
    const main = await ffprobe(camera.url('main'), 'udp');
    expect(main.code, main.stderr).toBe(0);
    expect(video(main)).toEqual({ codec_name: 'h264', width: 320, height: 240 });
  });

  it('is the python process itself, a child of the test (setpriv execs it)', () => {
    expect(descendantsOf(process.pid)).toContain(camera.pid);
    const [self] = processesMatching(/rtsp-server\.py/).filter((p) => p.pid === camera.pid);
    expect(self?.cmdline).toMatch(/^\/usr\/bin\/python3 .*rtsp-server\.py --port 0 --main 320x240@10 --sub 160x120@5$/);
  });
});

describe('a camera with basic authentication', () => {
  const user = 'viewer';
  const password = 'p@ss w:rd/%';
  let camera: RtspCamera;
  beforeAll(async () => {
    camera = await startRtspCamera({ main: '256x144@10', user, password });
  });

  it('puts the credentials, URL-encoded, in its URLs and nowhere on its command line', () => {
    expect(camera.url('sub')).toBe(`rtsp://viewer:p%40ss%20w%3Ard%2F%25@127.0.0.1:${camera.port}/sub`);
    const [self] = processesMatching(/rtsp-server\.py/).filter((p) => p.pid === camera.pid);
    expect(self?.cmdline).toContain('--user viewer --password-env');
    expect(self?.cmdline).not.toContain(password);
  });

  it('refuses a wrong password and no password', async () => {
    const base = `127.0.0.1:${camera.port}/main`;
    const [wrong, none] = await Promise.all([
      ffprobe(`rtsp://viewer:wrong@${base}`, 'tcp'),
      ffprobe(`rtsp://${base}`, 'tcp'),
    ]);
    for (const refused of [wrong, none]) {
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/401 Unauthorized/);
      expect(refused.streams).toEqual([]);
    }
  });

  it('serves the right password', async () => {
    const main = await ffprobe(camera.url('main'), 'tcp');
    expect(main.code, main.stderr).toBe(0);
    expect(video(main)).toEqual({ codec_name: 'h264', width: 256, height: 144 });
  });
});

describe('starting and stopping', () => {
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await stopAllRtspCameras();
  });

  it('stop() leaves no process behind, and is idempotent', async () => {
    const camera = await startRtspCamera();
    expect(isAlive(camera.pid)).toBe(true);
    const first = camera.stop();
    const second = camera.stop();
    await Promise.all([first, second]);
    expect(isAlive(camera.pid)).toBe(false);
    expect(descendantsOf(process.pid)).not.toContain(camera.pid);
    await camera.stop();
  });

  it('restarts on the same port at once, even with a client connected while it stopped', async () => {
    const port = await freePort();
    const first = await startRtspCamera({ port });
    expect(first.port).toBe(port);
    // A client connected when the camera stops: the camera closes first, which leaves its side
    // of the connection in TIME_WAIT on `port`.
    const client = createConnection({ host: '127.0.0.1', port });
    sockets.push(client);
    await new Promise<void>((resolve, reject) => client.once('connect', resolve).once('error', reject));
    const clientClosed = new Promise((resolve) => client.once('close', resolve));
    await first.stop();
    await clientClosed;

    const second = await startRtspCamera({ port });
    expect(second.port).toBe(port);
    expect(second.pid).not.toBe(first.pid);
    const main = await ffprobe(second.url('main'), 'tcp');
    expect(main.code, main.stderr).toBe(0);
    expect(video(main)).toEqual({ codec_name: 'h264', width: 320, height: 240 });
  });

  it('waits for a busy port to become free', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const address = holder.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const started = Date.now();
    const release = setTimeout(() => holder.close(), 500);
    const camera = await startRtspCamera({ port: address.port }).finally(() => clearTimeout(release));
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(camera.port).toBe(address.port);
  });

  it('reports why the script failed, with its stderr', async () => {
    await expect(startRtspCamera({ main: '321x240@10' })).rejects.toThrow(
      /exited \(code 2\) before READY; stderr:\n(.|\n)*width and height must be even/,
    );
    await expect(startRtspCamera({ user: 'viewer' })).rejects.toThrow(/both user and password/);
    // Nothing left behind by the failed start.
    await waitUntil(() => processesMatching(/rtsp-server\.py .*321x240/).length === 0, 2_000, 'the failed camera to be gone');
  });
});
