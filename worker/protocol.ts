import { loadCrd, type OpenApiSchema } from '../crds-like-schemas/crd.js';
import type { CameraSpec } from '../crds-like-schemas/generated/camera.js';
import { createValidator, type Validate } from '../crds-like-schemas/validator.js';
import type { MotionFigures } from './motion/motion-analysis.js';
import type { MotionBox } from './motion/motion-detector.js';
import type { RecorderEvent } from './recording/recorder.js';

/**
 * The IPC protocol between the controller and a camera worker, over Node's IPC channel (JSON).
 * Every message carries the protocol version; each side validates what it receives against
 * the schemas below and drops (and logs) what does not fit, so a worker from another build
 * cannot put garbage into a camera's status.
 */
export const PROTOCOL_VERSION = 1;

/** `analysis`: the main stream decoded for motion, for a camera without a sub stream. */
export type StreamRole = 'main' | 'sub' | 'analysis';

export interface WorkerStream {
  url: string;
  transport: 'tcp' | 'udp';
}

/** Everything a worker needs; sent once, first, over IPC (never argv: it holds passwords). */
export interface WorkerConfig {
  camera: string;
  streams: { main: WorkerStream; sub?: WorkerStream };
  motion: CameraSpec['motion'];
  recording: CameraSpec['recording'];
  heartbeatSeconds: number;
  /** Values to redact from everything the worker prints (ffmpeg echoes its input URL). */
  secrets: string[];
  storage: string;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  /** Time ffmpeg gets to finish its files on stop; less than the controller's grace for the worker. */
  ffmpegStopGraceMs: number;
}

/** Settings a running worker applies without restarting (motion and recording). */
export interface LiveSettings {
  motion: CameraSpec['motion'];
  recording: CameraSpec['recording'];
  heartbeatSeconds: number;
}

/**
 * An operator's manual recording: for `seconds` from now (a running one is extended to the
 * later end), or stopped now. The API fills in the default; the worker takes only whole seconds
 * in 1..MANUAL_RECORDING_MAX_SECONDS.
 */
export type ManualRecordingRequest = { seconds: number } | { stop: true };
/** A manual recording asked for without a length lasts this long (an operator who forgets to stop it). */
export const MANUAL_RECORDING_DEFAULT_SECONDS = 300;
/** The longest manual recording one request asks for; "until stopped" in the dashboard asks for this. */
export const MANUAL_RECORDING_MAX_SECONDS = 3600;

export type ControllerMessage =
  | { v: typeof PROTOCOL_VERSION; type: 'configure'; config: WorkerConfig }
  | { v: typeof PROTOCOL_VERSION; type: 'update'; settings: LiveSettings }
  | { v: typeof PROTOCOL_VERSION; type: 'record'; seconds: number }
  | { v: typeof PROTOCOL_VERSION; type: 'stopRecording' };

export interface StreamFigures {
  connected: boolean;
  /** Frames per second over the last few seconds. */
  fps: number;
  frames: number;
  reconnects: number;
  /** Epoch ms of the last frame received. */
  lastFrameAt?: number;
  /** The last connection error, redacted. */
  error?: string;
}

export interface Heartbeat {
  v: typeof PROTOCOL_VERSION;
  type: 'heartbeat';
  /** Epoch ms when the worker sent it. */
  time: number;
  /** Every declared stream is connected and delivering frames. */
  healthy: boolean;
  /** One line for people: per-stream fps, or what is wrong. */
  detail: string;
  streams: Partial<Record<StreamRole, StreamFigures>>;
  /** Pids of the worker's ffmpeg processes, for /workers/:name and resource accounting. */
  ffmpegPids: number[];
  /** Motion analysis, while motion.enabled. */
  motion?: MotionFigures;
}

export interface WorkerEvent {
  v: typeof PROTOCOL_VERSION;
  type: 'event';
  eventType: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** A recording started, finished or failed (see RecorderEvent). */
export type RecordingMessage = { v: typeof PROTOCOL_VERSION } & RecorderEvent;

/** Motion began (at its first moving frame) or ended (at its last), on the analysis stream. */
export type MotionMessage =
  | { v: typeof PROTOCOL_VERSION; type: 'motionStarted'; at: number; score: number; boxes: MotionBox[] }
  | { v: typeof PROTOCOL_VERSION; type: 'motionEnded'; at: number; startedAt: number; peakScore: number };

export type WorkerMessage = Heartbeat | WorkerEvent | RecordingMessage | MotionMessage;

const version: OpenApiSchema = { type: 'integer', enum: [PROTOCOL_VERSION] };
const text = (maxLength: number): OpenApiSchema => ({ type: 'string', maxLength });
const count: OpenApiSchema = { type: 'integer', minimum: 0 };
const trigger: OpenApiSchema = { type: 'string', enum: ['motion', 'continuous', 'manual'] };
const fraction: OpenApiSchema = { type: 'number', minimum: 0, maximum: 1 };

function messageSchema(type: string, properties: Record<string, OpenApiSchema>, optional: Record<string, OpenApiSchema> = {}): OpenApiSchema {
  return {
    type: 'object',
    required: ['v', 'type', ...Object.keys(properties)],
    properties: { v: version, type: { type: 'string', enum: [type] }, ...properties, ...optional },
  };
}

/**
 * Each side compiles only the validators of what it receives, and only when a message of that
 * type first arrives: compiling costs a worker's start-up, which a restart waits on.
 */
function compiledOnFirstUse(schema: OpenApiSchema): Validate {
  let validate: Validate | undefined;
  return (value) => (validate ??= createValidator(schema))(value);
}

function buildValidators(): { controller: Record<string, Validate>; worker: Record<string, Validate> } {
  const spec = loadCrd('camera.yaml').schema.properties?.spec?.properties;
  const stream = spec?.streams?.properties?.main;
  const { motion, recording } = spec ?? {};
  if (!stream || !motion || !recording) throw new Error('camera.yaml: spec.streams.main, spec.motion or spec.recording missing');
  const liveSettings: Record<string, OpenApiSchema> = { motion, recording, heartbeatSeconds: { type: 'integer', minimum: 1 } };
  const figures: OpenApiSchema = {
    type: 'object',
    required: ['connected', 'fps', 'frames', 'reconnects'],
    properties: {
      connected: { type: 'boolean' },
      fps: { type: 'number', minimum: 0 },
      frames: count,
      reconnects: count,
      lastFrameAt: count,
      error: text(2000),
    },
  };
  return {
    controller: {
      configure: compiledOnFirstUse(
        messageSchema('configure', {
          config: {
            type: 'object',
            required: ['camera', 'streams', 'motion', 'recording', 'heartbeatSeconds', 'secrets', 'storage', 'logLevel', 'ffmpegStopGraceMs'],
            properties: {
              camera: text(63),
              streams: { type: 'object', required: ['main'], properties: { main: stream, sub: stream } },
              ...liveSettings,
              secrets: { type: 'array', items: text(4096) },
              storage: text(4096),
              logLevel: { type: 'string', enum: ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] },
              ffmpegStopGraceMs: { type: 'integer', minimum: 0 },
            },
          },
        }),
      ),
      update: compiledOnFirstUse(messageSchema('update', { settings: { type: 'object', required: Object.keys(liveSettings), properties: liveSettings } })),
      record: compiledOnFirstUse(messageSchema('record', { seconds: { type: 'integer', minimum: 1, maximum: MANUAL_RECORDING_MAX_SECONDS } })),
      stopRecording: compiledOnFirstUse(messageSchema('stopRecording', {})),
    },
    worker: {
      heartbeat: compiledOnFirstUse(
        messageSchema('heartbeat', {
          time: count,
          healthy: { type: 'boolean' },
          detail: text(2000),
          streams: { type: 'object', properties: { main: figures, sub: figures, analysis: figures } },
          ffmpegPids: { type: 'array', maxItems: 16, items: { type: 'integer', minimum: 1 } },
        }, {
          motion: {
            type: 'object',
            required: ['analysedFps', 'skippedFps', 'active'],
            properties: { analysedFps: { type: 'number', minimum: 0 }, skippedFps: { type: 'number', minimum: 0 }, active: { type: 'boolean' } },
          },
        }),
      ),
      event: compiledOnFirstUse(
        messageSchema('event', {
          eventType: { type: 'string', enum: ['Normal', 'Warning'] },
          reason: text(128),
          message: text(2000),
        }),
      ),
      motionStarted: compiledOnFirstUse(
        messageSchema('motionStarted', {
          at: count,
          score: fraction,
          boxes: {
            type: 'array',
            maxItems: 16,
            items: { type: 'object', required: ['x', 'y', 'width', 'height'], properties: { x: fraction, y: fraction, width: fraction, height: fraction } },
          },
        }),
      ),
      motionEnded: compiledOnFirstUse(messageSchema('motionEnded', { at: count, startedAt: count, peakScore: fraction })),
      recordingStarted: compiledOnFirstUse(messageSchema('recordingStarted', { id: text(64), trigger })),
      recordingFinished: compiledOnFirstUse(
        messageSchema('recordingFinished', {
          id: text(64),
          trigger,
          path: text(1024),
          startMs: count,
          endMs: count,
          bytes: count,
          durationSeconds: { type: 'number', minimum: 0 },
          codec: text(64),
          width: count,
          height: count,
        }),
      ),
      recordingFailed: compiledOnFirstUse(messageSchema('recordingFailed', { id: text(64), trigger, error: text(2000) })),
      storageFull: compiledOnFirstUse(messageSchema('storageFull', { needBytes: count, error: text(2000) }, { id: text(64) })),
    },
  };
}

let validators: ReturnType<typeof buildValidators> | undefined;

function check<T>(side: 'controller' | 'worker', message: unknown): { ok: true; message: T } | { ok: false; error: string } {
  validators ??= buildValidators();
  const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
  // Own properties only: a type such as "constructor" or "toString" must not find Object.prototype's.
  const validate = typeof type === 'string' && Object.hasOwn(validators[side], type) ? validators[side][type] : undefined;
  if (typeof type !== 'string' || !validate) return { ok: false, error: `unknown message type ${String(JSON.stringify(type))}` };
  const errors = validate(message);
  if (errors.length > 0) {
    const first = errors[0];
    return { ok: false, error: `invalid ${type} message: ${first?.path.join('.')} ${first?.message}` };
  }
  return { ok: true, message: message as T };
}

/** Validates a message received by the worker from the controller. */
export function parseControllerMessage(message: unknown) {
  return check<ControllerMessage>('controller', message);
}

/** Validates a message received by the controller from a worker. */
export function parseWorkerMessage(message: unknown) {
  return check<WorkerMessage>('worker', message);
}
