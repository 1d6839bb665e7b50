// The test camera is itself checked against a real client: ffprobe.
import { spawnTiedToParent, stopGracefully } from '../../lib/child-process.js';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeH264Clip } from './h264-clip.js';
import { descendantsOf, freePort, isAlive, processesMatching, waitUntil } from './processes.js';
import { startRtspCamera, stopAllRtspCameras, type RtspCamera } from './rtsp-camera.js';

interface ProbedStream {
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  width?: number;
  height?: number;
}

interface ProbedPacket {
  pts_time?: string;
  flags: string;
  data?: string;
  data_hash?: string;
}

interface Probe {
  code: number | null;
  stderr: string;
  streams: ProbedStream[];
  packets: ProbedPacket[];
}

/** Runs ffprobe with `args` (JSON output), stopped after `timeoutMs`. */
async function runFfprobe(args: string[], timeoutMs: number): Promise<Probe> {
  const child = spawnTiedToParent('ffprobe', ['-v', 'error', '-print_format', 'json', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const closed = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  const timer = setTimeout(() => void stopGracefully(child, 500), timeoutMs);
  const code = await closed.finally(() => clearTimeout(timer));
  if (code !== 0) return { code, stderr, streams: [], packets: [] }; // its JSON cut short when it was stopped
  const parsed = (stdout.trim() ? JSON.parse(stdout) : {}) as Partial<Pick<Probe, 'streams' | 'packets'>>;
  return { code, stderr, streams: parsed.streams ?? [], packets: parsed.packets ?? [] };
}

/** Runs ffprobe on `url`; a short analyze duration keeps it near 1 s instead of 3 to 6 s. */
function ffprobe(url: string, transport: 'tcp' | 'udp'): Promise<Probe> {
  return runFfprobe(['-rtsp_transport', transport, '-analyzeduration', '500000', '-show_streams', url], 10_000);
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

/** A video packet as ffprobe sees it: time, keyframe flag, MD5 of its bytes, types of its NAL units. */
interface Frame {
  seconds: number | undefined;
  key: boolean;
  hash: string | undefined;
  nalTypes: number[];
}

/** The bytes of ffprobe's hex dump, lines of "00000000: 0000 0001 6742 ... (39 columns)  ascii". */
function bytesOfHexDump(dump: string): Buffer {
  const lines = dump.split('\n').filter((line) => /^[0-9a-f]{8}: /.test(line));
  return Buffer.from(lines.map((line) => line.slice(10, 49).replaceAll(' ', '')).join(''), 'hex');
}

/** NAL unit types in Annex-B bytes: the low 5 bits of the byte after each 00 00 01 start code. */
function nalTypes(bytes: Buffer): number[] {
  const types: number[] = [];
  for (let i = bytes.indexOf('000001', 0, 'hex'); i >= 0; i = bytes.indexOf('000001', i + 3, 'hex')) {
    const header = bytes[i + 3];
    if (header !== undefined) types.push(header & 0x1f);
  }
  return types;
}

function framesOf(probe: Probe): Frame[] {
  return probe.packets.map((packet) => ({
    seconds: packet.pts_time === undefined ? undefined : Number(packet.pts_time),
    key: packet.flags.startsWith('K'),
    hash: packet.data_hash,
    nalTypes: nalTypes(bytesOfHexDump(packet.data ?? '')),
  }));
}

const PACKET_ENTRIES = ['-show_entries', 'packet=pts_time,flags,data,data_hash', '-show_data', '-show_data_hash', 'MD5'];

/** What a client reading `seconds` of stream time from `url` receives, and how long that took. */
async function readStream(url: string, transport: 'tcp' | 'udp', seconds: number): Promise<{ probe: Probe; elapsedMs: number }> {
  const started = Date.now();
  const args = ['-rtsp_transport', transport, '-analyzeduration', '500000', '-read_intervals', `%+${seconds}`];
  args.push('-select_streams', 'v', '-show_streams', ...PACKET_ENTRIES, url);
  const probe = await runFfprobe(args, (seconds + 10) * 1000);
  return { probe, elapsedMs: Date.now() - started };
}

/** A clip's own frames, in Annex-B form (as an RTSP client writes them) so that their bytes compare. */
async function fileFrames(path: string): Promise<Frame[]> {
  let annexB = path;
  if (path.endsWith('.mp4')) {
    annexB = `${path}.h264`;
    await promisify(execFile)('ffmpeg', ['-v', 'error', '-y', '-i', path, '-c', 'copy', '-f', 'h264', annexB]);
  }
  return framesOf(await runFfprobe([...PACKET_ENTRIES, annexB], 10_000));
}

/**
 * Where the frames received differ from the clip played in a loop: [] when each frame is the file's
 * next one, byte for byte (keyframes, which the camera sends with SPS and PPS ahead, by their flag).
 */
function differencesFromLoopedClip(received: Frame[], clip: Frame[]): string[] {
  const anchor = received.findIndex((frame) => !frame.key && clip.some((c) => c.hash === frame.hash));
  const start = clip.findIndex((c) => c.hash === received[anchor]?.hash);
  if (anchor < 0 || start < 0) return ['no frame of the clip was received'];
  return received.flatMap((frame, i) => {
    const index = (((start + i - anchor) % clip.length) + clip.length) % clip.length;
    const expected = clip[index];
    if (expected === undefined) return [`frame ${i}: no clip frame ${index}`];
    const same = frame.key === expected.key && (frame.key || frame.hash === expected.hash);
    return same ? [] : [`frame ${i}: not clip frame ${index} (key ${String(frame.key)}, ${frame.hash ?? 'no hash'})`];
  });
}

describe('a camera serving H.264 clips, looped without re-encoding', () => {
  const READ_SECONDS = 7; // more than two loops of either clip
  const clips = {
    main: { file: 'main.mp4', source: 'testsrc2=size=320x180:rate=10', seconds: 3, fps: 10 },
    sub: { file: 'sub.h264', source: 'testsrc2=size=160x96:rate=5', seconds: 2, fps: 5 },
  };
  let folder: string;
  let camera: RtspCamera;
  let received: Record<'mainTcp' | 'mainUdp' | 'subTcp', { probe: Probe; elapsedMs: number }>;
  let files: Record<'main' | 'sub', { probe: Probe; frames: Frame[] }>;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'camlet-rtsp-clips-'));
    const path = (mount: 'main' | 'sub') => join(folder, clips[mount].file);
    await Promise.all((['main', 'sub'] as const).map((mount) => encodeH264Clip(path(mount), clips[mount])));
    camera = await startRtspCamera({ mainFile: path('main'), subFile: path('sub') });
    // Three clients of the shared mounts at once; the UDP one joins a second late, mid-stream.
    const [mainTcp, mainUdp, subTcp] = await Promise.all([
      readStream(camera.url('main'), 'tcp', READ_SECONDS),
      sleep(1_000).then(() => readStream(camera.url('main'), 'udp', READ_SECONDS)),
      readStream(camera.url('sub'), 'tcp', READ_SECONDS),
    ]);
    received = { mainTcp, mainUdp, subTcp };
    const fileOf = async (mount: 'main' | 'sub') => ({
      probe: await runFfprobe(['-show_streams', path(mount)], 10_000),
      frames: await fileFrames(path(mount)),
    });
    files = { main: await fileOf('main'), sub: await fileOf('sub') };
  }, 30_000);
  afterAll(async () => {
    await camera.stop();
    await rm(folder, { recursive: true, force: true });
  });

  const reads = [
    { name: 'main over TCP', read: 'mainTcp', mount: 'main' },
    { name: 'main over UDP, joining mid-stream', read: 'mainUdp', mount: 'main' },
    { name: 'sub (a raw .h264 file) over TCP', read: 'subTcp', mount: 'sub' },
  ] as const;

  it('runs the script with the files in place of the modes', () => {
    const [self] = processesMatching(/rtsp-server\.py/).filter((p) => p.pid === camera.pid);
    expect(self?.cmdline).toMatch(/rtsp-server\.py --port 0 --main-file \S+main\.mp4 --sub-file \S+sub\.h264$/);
  });

  it.each(reads)('$name: the file\'s own H.264, frame for frame and loop after loop', ({ read, mount }) => {
    const { probe } = received[read];
    expect(probe.code, probe.stderr).toBe(0);
    const params = (p: Probe) =>
      p.streams.map(({ codec_name, profile, width, height }) => ({ codec_name, profile, width, height }));
    expect(params(probe)).toEqual(params(files[mount].probe));
    expect(params(probe)).toMatchObject([{ codec_name: 'h264', profile: 'Constrained Baseline' }]);
    expect(differencesFromLoopedClip(framesOf(probe), files[mount].frames)).toEqual([]);
  });

  it.each(reads)('$name: timestamps that keep increasing at the clip\'s rate, in real time', ({ read, mount }) => {
    const { probe, elapsedMs } = received[read];
    const { fps } = clips[mount];
    const frames = framesOf(probe);
    const times = frames.flatMap((frame) => (frame.seconds === undefined ? [] : [frame.seconds]));
    // ffmpeg gives the very first packet of an RTSP stream no timestamp (the live encoder's too).
    expect(frames.length - times.length).toBeLessThanOrEqual(1);
    const steps = times.slice(1).map((time, i) => time - (times[i] ?? NaN));
    expect(steps.filter((step) => Math.abs(step * fps - 1) > 0.1)).toEqual([]);
    expect(frames.length).toBeGreaterThanOrEqual(Math.floor(READ_SECONDS * fps * 0.9));
    expect(frames.length).toBeLessThanOrEqual(Math.ceil(READ_SECONDS * fps * 1.1));
    // Paced by the clock, not sent as fast as the file reads.
    expect(elapsedMs).toBeGreaterThan(READ_SECONDS * 1000 * 0.8);
  });

  it.each(reads)('$name: SPS and PPS ahead of every keyframe, one each second', ({ read }) => {
    const SPS = 7;
    const PPS = 8;
    const IDR = 5;
    const keyframes = framesOf(received[read].probe).filter((frame) => frame.key);
    expect(keyframes.length).toBeGreaterThanOrEqual(READ_SECONDS - 1);
    // In-band, whatever the file carries (an MP4 keeps them in its header), so that a client
    // joining mid-stream decodes from the next keyframe.
    const parameterSetsFirst = (types: number[]) => {
      const ahead = types.slice(0, Math.max(0, types.indexOf(IDR)));
      return ahead.includes(SPS) && ahead.includes(PPS);
    };
    // The first keyframe is left out: a client whose session starts between the RTP packets of the
    // parameter sets and those of the picture (a busy machine) receives that one picture alone.
    const afterJoining = keyframes.slice(1);
    expect(afterJoining.map((frame) => frame.nalTypes).filter((types) => !parameterSetsFirst(types))).toEqual([]);
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

  it('reports a clip that it cannot serve, and a mount given both a mode and a file', async () => {
    await expect(startRtspCamera({ mainFile: '/nonexistent/door.mp4' })).rejects.toThrow(
      /exited \(code 2\) before READY; stderr:\ncannot read H\.264 from \/nonexistent\/door\.mp4: Resource not found/,
    );
    await expect(startRtspCamera({ sub: '160x120@5', subFile: 'door.h264' })).rejects.toThrow(/give sub or subFile, not both/);
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
