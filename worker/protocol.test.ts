import { describe, expect, it } from 'vitest';
import { readManifestFile } from '../controller/manifests/camera-document.js';
import { PROTOCOL_VERSION, parseControllerMessage, parseWorkerMessage, type ControllerMessage, type Heartbeat, type WorkerEvent } from './protocol.js';

// The settings part of the messages comes from a real, defaulted Camera spec.
const [document] = readManifestFile(
  'cam.yaml',
  `apiVersion: camlet.dev/v1
kind: Camera
metadata: { name: porch }
spec:
  streams:
    main: { url: "rtsp://10.0.0.7:554/main" }
  motion: { fps: 4, zones: [{ name: path, points: [[0, 0], [0.5, 0], [0.5, 1]] }] }
  recording: { mode: continuous }
`,
).documents;
if (!document?.valid) throw new Error('the test manifest must be valid');
const { spec } = document.camera;

const heartbeat = (): Heartbeat => ({
  v: PROTOCOL_VERSION,
  type: 'heartbeat',
  time: 1_740_823_200_000,
  healthy: true,
  detail: 'main 15.0 fps, sub 5.0 fps',
  streams: {
    main: { connected: true, fps: 15, frames: 4500, reconnects: 0, lastFrameAt: 1_740_823_199_950 },
    sub: { connected: false, fps: 0, frames: 0, reconnects: 3, error: 'rtsp://10.0.0.7:554/sub: Connection refused' },
  },
  ffmpegPids: [4242, 4243],
});

const event = (): WorkerEvent => ({ v: PROTOCOL_VERSION, type: 'event', eventType: 'Warning', reason: 'StreamStalled', message: 'no frame for 10s' });

const configure = () => ({
  v: PROTOCOL_VERSION,
  type: 'configure' as const,
  config: {
    camera: 'porch',
    streams: { main: { url: 'rtsp://admin:hunter2@10.0.0.7:554/main', transport: 'tcp' as const }, sub: { url: 'rtsp://10.0.0.7:554/sub', transport: 'udp' as const } },
    motion: structuredClone(spec.motion),
    recording: structuredClone(spec.recording),
    heartbeatSeconds: 5,
    secrets: ['hunter2'],
    storage: '/var/lib/camlet/recordings',
    logLevel: 'info' as const,
    ffmpegStopGraceMs: 3000,
  },
});

const update = () => ({
  v: PROTOCOL_VERSION,
  type: 'update' as const,
  settings: { motion: structuredClone(spec.motion), recording: structuredClone(spec.recording), heartbeatSeconds: 2 },
});

/** The error for a message, which must be rejected. */
function workerError(message: unknown): string {
  const parsed = parseWorkerMessage(message);
  if (parsed.ok) throw new Error(`accepted ${JSON.stringify(message)}`);
  return parsed.error;
}

function controllerError(message: unknown): string {
  const parsed = parseControllerMessage(message);
  if (parsed.ok) throw new Error(`accepted ${JSON.stringify(message)}`);
  return parsed.error;
}

describe('parseWorkerMessage', () => {
  it('accepts a heartbeat and gives it back as it was', () => {
    const message = heartbeat();
    expect(parseWorkerMessage(message)).toEqual({ ok: true, message: heartbeat() });
  });

  it('accepts a minimal heartbeat: no streams yet, no ffmpeg running', () => {
    const message = { ...heartbeat(), healthy: false, detail: 'starting', streams: {}, ffmpegPids: [] };
    expect(parseWorkerMessage(message).ok).toBe(true);
  });

  it('accepts events of both types', () => {
    expect(parseWorkerMessage(event())).toEqual({ ok: true, message: event() });
    expect(parseWorkerMessage({ ...event(), eventType: 'Normal', reason: 'RecordingSaved' }).ok).toBe(true);
  });

  it('rejects another protocol version, naming v', () => {
    expect(workerError({ ...heartbeat(), v: 2 })).toBe('invalid heartbeat message: v must be one of 1');
    expect(workerError({ ...event(), v: '1' })).toMatch(/^invalid event message: v /);
    const { v: _v, ...unversioned } = event();
    expect(workerError(unversioned)).toBe('invalid event message: v required field is missing');
  });

  it('rejects a type it does not know, and a controller message', () => {
    expect(workerError({ ...event(), type: 'hello' })).toBe('unknown message type "hello"');
    expect(workerError(configure())).toBe('unknown message type "configure"');
    expect(workerError({ v: 1 })).toBe('unknown message type undefined');
    expect(workerError({ ...event(), type: 7 })).toBe('unknown message type 7');
  });

  it('rejects what is not an object at all', () => {
    for (const message of [null, undefined, 'heartbeat', 42, true, [heartbeat()]]) {
      expect(workerError(message)).toMatch(/^unknown message type /);
    }
  });

  it('rejects type names that Object.prototype holds, without throwing', () => {
    for (const type of ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__', 'isPrototypeOf']) {
      expect(() => parseWorkerMessage({ v: 1, type })).not.toThrow();
      expect(workerError({ v: 1, type })).toBe(`unknown message type ${JSON.stringify(type)}`);
      expect(controllerError({ v: 1, type })).toBe(`unknown message type ${JSON.stringify(type)}`);
    }
  });

  it('names the field of the wrong type', () => {
    expect(workerError({ ...heartbeat(), time: '2025-03-01T10:00:00Z' })).toBe('invalid heartbeat message: time must be integer');
    expect(workerError({ ...heartbeat(), time: -1 })).toBe('invalid heartbeat message: time must be >= 0');
    expect(workerError({ ...heartbeat(), healthy: 'yes' })).toBe('invalid heartbeat message: healthy must be boolean');
    expect(workerError({ ...heartbeat(), detail: 12 })).toBe('invalid heartbeat message: detail must be string');
    expect(workerError({ ...heartbeat(), ffmpegPids: [0] })).toBe('invalid heartbeat message: ffmpegPids.0 must be >= 1');
    expect(workerError({ ...heartbeat(), ffmpegPids: '4242' })).toBe('invalid heartbeat message: ffmpegPids must be array');
    expect(workerError({ ...event(), eventType: 'Info' })).toBe('invalid event message: eventType must be one of "Normal", "Warning"');
    expect(workerError({ ...event(), reason: 'x'.repeat(129) })).toBe('invalid event message: reason must NOT have more than 128 characters');
    expect(workerError({ ...event(), message: 'x'.repeat(2001) })).toMatch(/^invalid event message: message /);
  });

  it('names the nested field of the wrong type in stream figures', () => {
    const bad = heartbeat();
    const main = { ...bad.streams.main, fps: -1 };
    expect(workerError({ ...bad, streams: { ...bad.streams, main } })).toBe('invalid heartbeat message: streams.main.fps must be >= 0');
    const sub = { ...bad.streams.sub, frames: 1.5 };
    expect(workerError({ ...bad, streams: { ...bad.streams, sub } })).toBe('invalid heartbeat message: streams.sub.frames must be integer');
    const { connected: _connected, ...noConnected } = bad.streams.main ?? {};
    expect(workerError({ ...bad, streams: { main: noConnected } })).toBe('invalid heartbeat message: streams.main.connected required field is missing');
  });

  it('names a missing field', () => {
    const { detail: _detail, ...noDetail } = heartbeat();
    expect(workerError(noDetail)).toBe('invalid heartbeat message: detail required field is missing');
    const { reason: _reason, ...noReason } = event();
    expect(workerError(noReason)).toBe('invalid event message: reason required field is missing');
  });

  it('rejects extra fields, naming them, at any depth', () => {
    expect(workerError({ ...heartbeat(), cpu: 0.5 })).toBe('invalid heartbeat message: cpu unknown field');
    expect(workerError({ ...event(), count: 2 })).toBe('invalid event message: count unknown field');
    const bad = heartbeat();
    expect(workerError({ ...bad, streams: { ...bad.streams, third: bad.streams.main } })).toBe('invalid heartbeat message: streams.third unknown field');
    expect(workerError({ ...bad, streams: { main: { ...bad.streams.main, bitrate: 1 } } })).toBe(
      'invalid heartbeat message: streams.main.bitrate unknown field',
    );
  });
});

describe('parseControllerMessage', () => {
  it('accepts a configure message', () => {
    const parsed = parseControllerMessage(configure());
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const message: ControllerMessage = parsed.message;
    expect(message.type).toBe('configure');
    expect(message).toEqual(configure());
  });

  it('accepts an update message', () => {
    expect(parseControllerMessage(update())).toEqual({ ok: true, message: update() });
  });

  it('accepts a manual recording request of 1 to 3600 s, and its stop', () => {
    const record = (seconds: unknown) => ({ v: PROTOCOL_VERSION, type: 'record', seconds });
    expect(parseControllerMessage(record(60))).toEqual({ ok: true, message: record(60) });
    expect(parseControllerMessage({ v: PROTOCOL_VERSION, type: 'stopRecording' })).toMatchObject({ ok: true });
    expect(controllerError(record(0))).toBe('invalid record message: seconds must be >= 1');
    expect(controllerError(record(3601))).toBe('invalid record message: seconds must be <= 3600');
    expect(controllerError({ v: PROTOCOL_VERSION, type: 'record' })).toBe('invalid record message: seconds required field is missing');
  });

  it('rejects a worker message and an unknown type', () => {
    expect(controllerError(heartbeat())).toBe('unknown message type "heartbeat"');
    expect(controllerError({ ...update(), type: 'reload' })).toBe('unknown message type "reload"');
  });

  it('rejects another protocol version', () => {
    expect(controllerError({ ...configure(), v: 0 })).toBe('invalid configure message: v must be one of 1');
    expect(controllerError({ ...update(), v: 2 })).toBe('invalid update message: v must be one of 1');
  });

  it('names the field of the wrong type in a configure message', () => {
    const message = configure();
    const config = (change: Record<string, unknown>) => ({ ...message, config: { ...message.config, ...change } });
    expect(controllerError(config({ logLevel: 'verbose' }))).toBe(
      'invalid configure message: config.logLevel must be one of "trace", "debug", "info", "warn", "error", "fatal"',
    );
    expect(controllerError(config({ secrets: 'hunter2' }))).toBe('invalid configure message: config.secrets must be array');
    expect(controllerError(config({ secrets: [7] }))).toBe('invalid configure message: config.secrets.0 must be string');
    expect(controllerError(config({ ffmpegStopGraceMs: -5 }))).toBe('invalid configure message: config.ffmpegStopGraceMs must be >= 0');
    expect(controllerError(config({ camera: 'c'.repeat(64) }))).toMatch(/^invalid configure message: config\.camera /);
    expect(controllerError(config({ streams: { main: { url: 'http://10.0.0.7/main', transport: 'tcp' } } }))).toBe(
      'invalid configure message: config.streams.main.url must match ^rtsps?://',
    );
    expect(controllerError(config({ streams: { sub: message.config.streams.sub } }))).toBe(
      'invalid configure message: config.streams.main required field is missing',
    );
    expect(controllerError(config({ motion: { ...message.config.motion, fps: 500 } }))).toBe(
      'invalid configure message: config.motion.fps must be <= 30',
    );
  });

  it('rejects extra fields in a configure message, naming them', () => {
    const message = configure();
    expect(controllerError({ ...message, token: 'x' })).toBe('invalid configure message: token unknown field');
    expect(controllerError({ ...message, config: { ...message.config, argv: [] } })).toBe('invalid configure message: config.argv unknown field');
    expect(controllerError({ ...message, config: { ...message.config, motion: { ...message.config.motion, treshold: 3 } } })).toBe(
      'invalid configure message: config.motion.treshold unknown field',
    );
  });

  it('names the field of an invalid update message', () => {
    const message = update();
    expect(controllerError({ ...message, settings: { ...message.settings, heartbeatSeconds: 0 } })).toBe(
      'invalid update message: settings.heartbeatSeconds must be >= 1',
    );
    expect(controllerError({ ...message, settings: { ...message.settings, recording: { ...message.settings.recording, mode: 'always' } } })).toBe(
      'invalid update message: settings.recording.mode must be one of "motion", "continuous", "off"',
    );
    const { heartbeatSeconds: _h, ...noHeartbeat } = message.settings;
    expect(controllerError({ ...message, settings: noHeartbeat })).toBe('invalid update message: settings.heartbeatSeconds required field is missing');
    expect(controllerError({ ...message, settings: { ...message.settings, storage: '/tmp' } })).toBe('invalid update message: settings.storage unknown field');
  });
});
