// The recorder against a real RTSP camera (scripts/rtsp-server.py), the real MAIN ffmpeg writing
// segments, and real MP4 files checked with ffprobe and a full decode.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnTiedToParent, stopGracefully } from '../../lib/child-process.js';
import { createLogger } from '../../lib/logger.js';
import { filesystemFull, isNoSpace } from '../../lib/no-space.js';
import { waitUntil } from '../../test/support/processes.js';
import { encodeH264Clip } from '../../test/support/h264-clip.js';
import { startRtspCamera, stopAllRtspCameras, type RtspCamera } from '../../test/support/rtsp-camera.js';
import { mountTinyFilesystem } from '../../test/support/tiny-filesystem.js';
import { listedAudioCodec, recordSegmentsArgs } from '../ffmpeg-commands.js';
import { StreamPipeline } from '../stream-pipeline.js';
import { segmentAudio, type SegmentAudio } from './audio-policy.js';
import { Recorder, type RecorderEvent, type RecordingSettings } from './recorder.js';
import { SegmentFeed } from './segment-feed.js';
import { spoolFolder, writeJournal } from './spool.js';

const run = promisify(execFile);
const CAMERA = 'porch';
const SETTINGS: RecordingSettings = { mode: 'motion', preRollSeconds: 2, postRollSeconds: 1, segmentMinutes: 10, audio: 'keep', retention: { maxAgeDays: 14, maxBytes: '1Gi' } };

type Finished = Extract<RecorderEvent, { type: 'recordingFinished' }>;

/** What ffprobe says of a file, and whether a full decode finds any error. */
async function inspect(path: string) {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,profile,width,height:format=duration', '-of', 'json', path]);
  const probe = JSON.parse(stdout) as { streams: { codec_name: string; profile: string; width: number; height: number }[]; format: { duration: string } };
  const decode = await run('ffmpeg', ['-v', 'error', '-i', path, '-f', 'null', '-']);
  return { ...probe.streams[0], duration: Number(probe.format.duration), decodeErrors: decode.stderr.trim() };
}

let camera: RtspCamera;
let storage: string;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  camera = await startRtspCamera({ main: '320x240@10', sub: '160x120@5' });
});
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  await rm(storage, { recursive: true, force: true });
});
afterAll(stopAllRtspCameras);

/** The worker's MAIN side: ffmpeg writing segments, the feed, the recorder. */
async function startRecording(settings: RecordingSettings = SETTINGS, source: RtspCamera = camera, audio: SegmentAudio = segmentAudio(undefined, settings.audio), under = tmpdir()) {
  storage = await mkdtemp(join(under, 'camlet-recorder-'));
  const events: RecorderEvent[] = [];
  const logger = createLogger('test', 'silent');
  const recorder = new Recorder({ camera: CAMERA, storage, spool: spoolFolder(storage, CAMERA), settings, emit: (event) => events.push(event), logger });
  await recorder.recover();
  const feed = new SegmentFeed(recorder, logger);
  const main = new StreamPipeline({
    name: 'main',
    secrets: [],
    logger,
    args: (probe) => recordSegmentsArgs({ url: source.url('main'), transport: 'tcp' }, feed.startRun(), probe, audio),
    output: { kind: 'progress' },
    onHealthChange: () => undefined,
    onDelivering: (stderrText) => feed.runDelivering(listedAudioCodec(stderrText, 'Output')),
    onExit: (runError) => {
      // As the worker does (camera-worker.ts).
      const outOfSpace = isNoSpace(runError) || filesystemFull(storage);
      feed.runExited(outOfSpace);
      if (outOfSpace) void recorder.segmentsOutOfSpace(runError ?? 'No space left on device');
    },
  });
  main.start();
  const stop = async () => {
    // As the worker does: a recording waiting for room is left in the spool for the next start.
    recorder.stopWaitingForSpace();
    await main.stop(2000);
    await feed.settled();
    await recorder.stop();
  };
  stops.push(stop);
  const finished = () => events.filter((e): e is Finished => e.type === 'recordingFinished');
  return { recorder, events, finished, main, stop };
}

describe('motion recordings', () => {
  it('cover preRoll before the motion to postRoll after it, as one playable MP4 of the original stream', async () => {
    const { recorder, finished } = await startRecording();
    await sleep(5000); // segments covering the pre-roll
    const motionStart = Date.now();
    recorder.motionStarted(motionStart);
    await sleep(2000);
    const motionEnd = Date.now();
    recorder.motionEnded(motionEnd);
    const end = motionEnd + SETTINGS.postRollSeconds * 1000;
    // Cut from the segment still being written, not at the next segment boundary.
    await waitUntil(() => finished().length === 1, SETTINGS.postRollSeconds * 1000 + 1500, 'the recording');

    const [recording] = finished() as [Finished];
    expect(recording.trigger).toBe('motion');
    expect(recording.path).toMatch(/^porch\/\d{4}-\d{2}-\d{2}\/porch-\d{8}T\d{6}Z\.mp4$/);
    // From the keyframe at or before start - preRoll (a segment is at most ~2 s here).
    expect(recording.startMs).toBeLessThanOrEqual(motionStart - SETTINGS.preRollSeconds * 1000 + 100);
    expect(recording.startMs).toBeGreaterThan(motionStart - SETTINGS.preRollSeconds * 1000 - 3000);
    // To end + postRoll, within a frame or two.
    expect(Math.abs(recording.endMs - end)).toBeLessThan(400);

    const file = await inspect(join(storage, recording.path));
    expect(file).toMatchObject({ codec_name: 'h264', profile: 'Constrained Baseline', width: 320, height: 240, decodeErrors: '' });
    expect(file.duration).toBeCloseTo(recording.durationSeconds, 1);
    expect(recording.durationSeconds).toBeCloseTo((recording.endMs - recording.startMs) / 1000, 1);
  });

  it('goes on through motion that resumes within the post-roll, and starts a new recording after it', async () => {
    const { recorder, finished } = await startRecording({ ...SETTINGS, postRollSeconds: 2 });
    await sleep(3000);
    recorder.motionStarted(Date.now());
    await sleep(1000);
    recorder.motionEnded(Date.now());
    await sleep(1000); // within the 2 s post-roll
    recorder.motionStarted(Date.now());
    await sleep(1000);
    const lastEnd = Date.now();
    recorder.motionEnded(lastEnd);
    await waitUntil(() => finished().length === 1, 10_000, 'the recording');
    await sleep(500);
    expect(finished()).toHaveLength(1);
    expect(Math.abs((finished()[0] as Finished).endMs - (lastEnd + 2000))).toBeLessThan(400);

    recorder.motionStarted(Date.now());
    await sleep(500);
    recorder.motionEnded(Date.now());
    await waitUntil(() => finished().length === 2, 10_000, 'a second recording');
  });

  it('records a short motion without pre-roll from the segment being written alone', async () => {
    const { recorder, finished } = await startRecording({ ...SETTINGS, preRollSeconds: 0, postRollSeconds: 0 });
    await sleep(3000);
    recorder.motionStarted(Date.now());
    await sleep(500);
    recorder.motionEnded(Date.now());
    await waitUntil(() => finished().length === 1, 3000, 'the recording');
    const recording = finished()[0] as Finished;
    expect(recording.durationSeconds).toBeGreaterThan(0.4);
    expect(recording.durationSeconds).toBeLessThan(2.6);
    expect((await inspect(join(storage, recording.path))).decodeErrors).toBe('');
  });

  it('finishes the recording in progress with what has arrived when stopped', async () => {
    const { recorder, finished, stop } = await startRecording();
    await sleep(3000);
    const motionStart = Date.now();
    recorder.motionStarted(motionStart);
    await sleep(2500);
    const stoppedAt = Date.now();
    await stop();
    expect(finished()).toHaveLength(1);
    const recording = finished()[0] as Finished;
    expect(recording.endMs).toBeGreaterThan(stoppedAt - 1500);
    expect((await inspect(join(storage, recording.path))).decodeErrors).toBe('');
  });

  it('keeps no more of the stream in the spool than the pre-roll needs', async () => {
    const { finished } = await startRecording({ ...SETTINGS, preRollSeconds: 1 });
    await sleep(10_000);
    const spool = spoolFolder(storage, CAMERA);
    const segments = readdirSync(spool, { recursive: true }).filter((name) => String(name).endsWith('.ts'));
    // 1 s of pre-roll + 2 segments to spare + the one being written, of ~2 s each; 5 were written.
    expect(segments.length).toBeLessThanOrEqual(4);
    expect(finished()).toHaveLength(0);
  });
});

describe('the camera\'s sound', () => {
  /** The streams of a 3 s motion recording of a camera sending `audio`, and whether it decodes without error. */
  async function recordWithSound(audio: 'aac' | 'mp3' | 'pcmu', setting: RecordingSettings['audio']) {
    const source = await startRtspCamera({ main: '160x120@10', mainAudio: audio });
    // As the camera worker does once a first run has listed the stream's sound.
    const codec = { aac: 'aac', mp3: 'mp3', pcmu: 'pcm_mulaw' }[audio];
    try {
      const { recorder, finished, stop, main } = await startRecording({ ...SETTINGS, preRollSeconds: 0, audio: setting }, source, segmentAudio(codec, setting));
      // When the first packet ffmpeg's fast probe sees is sound, it knows too little of the
      // picture and fails; the thorough probe of the next attempt connects.
      await waitUntil(() => main.isConnected, 10_000, 'the stream recorded');
      recorder.motionStarted(Date.now());
      await sleep(3000);
      await stop();
      const [recording] = finished() as [Finished];
      const path = join(storage, recording.path);
      const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,sample_rate', '-of', 'json', path]);
      const decode = await run('ffmpeg', ['-v', 'error', '-i', path, '-f', 'null', '-']);
      return { streams: (JSON.parse(stdout) as { streams: object[] }).streams, decodeErrors: decode.stderr.trim() };
    } finally {
      await source.stop();
    }
  }

  it('is copied as it is when an MP4 holds its codec (AAC, MP3)', async () => {
    expect(await recordWithSound('aac', 'keep')).toEqual({
      streams: [{ codec_type: 'video', codec_name: 'h264' }, { codec_type: 'audio', codec_name: 'aac', sample_rate: '16000' }],
      decodeErrors: '',
    });
    expect((await recordWithSound('mp3', 'keep')).streams).toEqual([{ codec_type: 'video', codec_name: 'h264' }, { codec_type: 'audio', codec_name: 'mp3', sample_rate: '16000' }]);
  });

  it('is left out when an MP4 cannot hold it (G.711), or converted to AAC when asked', async () => {
    expect(await recordWithSound('pcmu', 'keep')).toEqual({ streams: [{ codec_type: 'video', codec_name: 'h264' }], decodeErrors: '' });
    expect(await recordWithSound('pcmu', 'aac')).toEqual({
      streams: [{ codec_type: 'video', codec_name: 'h264' }, { codec_type: 'audio', codec_name: 'aac', sample_rate: '8000' }],
      decodeErrors: '',
    });
  });

  it('is not recorded when recording.audio is off', async () => {
    expect((await recordWithSound('aac', 'off')).streams).toEqual([{ codec_type: 'video', codec_name: 'h264' }]);
  });
});

describe('continuous recordings', () => {
  it('are back-to-back files of segmentMinutes, without gap or overlap', async () => {
    // A tenth of a minute (the schema's minimum is 1): 6 s files, so that the test takes seconds.
    const { finished } = await startRecording({ ...SETTINGS, mode: 'continuous', segmentMinutes: 0.1 });
    await waitUntil(() => finished().length >= 2, 30_000, 'two continuous files');
    const [first, second] = finished() as [Finished, Finished];
    expect(first.trigger).toBe('continuous');
    expect(first.durationSeconds).toBeGreaterThanOrEqual(6);
    expect(first.durationSeconds).toBeLessThan(9);
    expect(Math.abs(second.startMs - first.endMs)).toBeLessThan(250);
    for (const recording of [first, second]) expect((await inspect(join(storage, recording.path))).decodeErrors).toBe('');
  });
});

describe('after a kill', () => {
  it('assembles an interrupted recording from its whole segments and drops the half-written one', async () => {
    storage = await mkdtemp(join(tmpdir(), 'camlet-recorder-'));
    const spool = spoolFolder(storage, CAMERA);
    const runFolder = join(spool, 'run-00000000000001-0');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(runFolder, { recursive: true });
    // An earlier worker's ffmpeg, killed mid-segment.
    const ffmpeg = spawnTiedToParent(
      'ffmpeg',
      recordSegmentsArgs({ url: camera.url('main'), transport: 'tcp' }, { segmentPattern: join(runFolder, 'seg-%06d.ts'), segmentList: join(runFolder, 'segments.csv') }),
      { stdio: 'ignore' },
    );
    await waitUntil(async () => (await readFile(join(runFolder, 'segments.csv'), 'utf8').catch(() => '')).split('\n').length > 3, 15_000, 'three whole segments');
    await sleep(700);
    ffmpeg.kill('SIGKILL');
    await stopGracefully(ffmpeg, 1000);
    const listed = (await readFile(join(runFolder, 'segments.csv'), 'utf8')).trim().split('\n');
    const written = readdirSync(runFolder).filter((name) => name.endsWith('.ts'));
    expect(written.length).toBe(listed.length + 1); // the one being written when killed
    const startMs = Date.now() - 10_000;
    await writeJournal(spool, [{ id: 'interrupted-1', trigger: 'motion', run: 'run-00000000000001-0', firstSegment: 'seg-000001.ts', startMs }]);

    const events: RecorderEvent[] = [];
    const recorder = new Recorder({ camera: CAMERA, storage, spool, settings: SETTINGS, emit: (event) => events.push(event), logger: createLogger('test', 'silent') });
    await recorder.recover();
    const finishedEvents = events.filter((e): e is Finished => e.type === 'recordingFinished');
    expect(finishedEvents).toHaveLength(1);
    const recording = finishedEvents[0] as Finished;
    expect(recording).toMatchObject({ id: 'interrupted-1', trigger: 'motion', startMs });
    // Segments 1 .. the last whole one: about 2 s each.
    expect(recording.durationSeconds).toBeGreaterThan((listed.length - 1) * 2 - 1);
    expect(recording.durationSeconds).toBeLessThan((listed.length - 1) * 2 + 1);
    expect((await inspect(join(storage, recording.path))).decodeErrors).toBe('');
    // The spool is empty again: segments, runs and the journal's recording are gone.
    expect(readdirSync(spool)).toEqual(['recordings.json']);
    expect(JSON.parse(await readFile(join(spool, 'recordings.json'), 'utf8'))).toEqual([]);
    expect(existsSync(runFolder)).toBe(false);

    // Killed again, this time after the MP4 was in place and noted, before the journal was cleared:
    // the next worker reports the same file again (the index keeps one row per id) and makes no other.
    await writeJournal(spool, [{ id: 'interrupted-1', trigger: 'motion', run: 'run-00000000000001-0', firstSegment: 'seg-000001.ts', startMs, finished: recording }]);
    const again: RecorderEvent[] = [];
    await new Recorder({ camera: CAMERA, storage, spool, settings: SETTINGS, emit: (event) => again.push(event), logger: createLogger('test', 'silent') }).recover();
    const { type, id, trigger, path, startMs: start, endMs, bytes, durationSeconds, codec, width, height } = recording;
    expect(again).toEqual([{ type, id, trigger, path, startMs: start, endMs, bytes, durationSeconds, codec, width, height }]);
    expect(readdirSync(join(storage, CAMERA), { recursive: true }).filter((name) => String(name).endsWith('.mp4'))).toHaveLength(1);
  });
});

// A real full filesystem: a small tmpfs, filled by a ballast file as another program would. The
// test deletes the ballast where the controller's retention would delete the oldest recordings.
describe('on a full filesystem', () => {
  const filesystem = mountTinyFilesystem(24);
  /** A camera of 1.5 Mbit/s: a recording needs more room than the segment cut short by the full disk frees. */
  let busy: RtspCamera;
  beforeAll(async () => {
    const clip = join(filesystem.path, 'busy.mp4');
    await encodeH264Clip(clip, { source: 'testsrc2=size=640x360:rate=15,noise=alls=40:allf=t+u', seconds: 4, fps: 15, bitrateKbps: 1500 });
    busy = await startRtspCamera({ mainFile: clip, subFile: clip });
  });
  afterEach(() => filesystem.drain());
  afterAll(() => filesystem.unmount());
  type StorageFull = Extract<RecorderEvent, { type: 'storageFull' }>;
  const waitingFor = (events: RecorderEvent[]) => events.find((e): e is StorageFull => e.type === 'storageFull' && e.id !== undefined);

  it('has the recording in progress wait for room, asking for it, then makes it whole; recording goes on', async () => {
    const { recorder, events, finished } = await startRecording(SETTINGS, busy, undefined, filesystem.path);
    await sleep(4000);
    const motionStart = Date.now();
    recorder.motionStarted(motionStart);
    await sleep(1500);
    const ballast = filesystem.fill();
    await sleep(1500);
    recorder.motionEnded(Date.now());

    const full = await waitUntil(() => waitingFor(events), 10_000, 'a storageFull report for the recording');
    expect(full.error).toMatch(/No space left on device/);
    // Its segments, at least: the MP4 is about their size.
    expect(full.needBytes).toBeGreaterThan(1 << 20);
    await sleep(1000);
    expect(finished()).toHaveLength(0);
    expect(events.filter((e) => e.type === 'recordingFailed' && e.id === full.id)).toEqual([]);

    await rm(ballast);
    await waitUntil(() => finished().length === 1, 15_000, 'the recording, once there is room');
    const recording = finished()[0] as Finished;
    expect(recording.id).toBe(full.id);
    expect(recording.startMs).toBeLessThanOrEqual(motionStart - SETTINGS.preRollSeconds * 1000 + 100);
    expect((await inspect(join(storage, recording.path))).decodeErrors).toBe('');

    // The segments flow again: the next motion is recorded.
    await sleep(3000);
    recorder.motionStarted(Date.now());
    await sleep(1000);
    recorder.motionEnded(Date.now());
    await waitUntil(() => finished().length === 2, 15_000, 'a recording after room was made');
    expect((await inspect(join(storage, (finished()[1] as Finished).path))).decodeErrors).toBe('');
  });

  it('leaves a recording still waiting for room in the spool when stopped; the next start makes it', async () => {
    const first = await startRecording(SETTINGS, busy, undefined, filesystem.path);
    await sleep(4000);
    first.recorder.motionStarted(Date.now());
    await sleep(1500);
    const ballast = filesystem.fill();
    first.recorder.motionEnded(Date.now());
    const full = await waitUntil(() => waitingFor(first.events), 10_000, 'a storageFull report for the recording');
    await first.stop();
    expect(first.events.filter((e) => e.type === 'recordingFailed' || e.type === 'recordingFinished')).toEqual([]);

    await rm(ballast);
    const events: RecorderEvent[] = [];
    const next = new Recorder({ camera: CAMERA, storage, spool: spoolFolder(storage, CAMERA), settings: SETTINGS, emit: (event) => events.push(event), logger: createLogger('test', 'silent') });
    await next.recover();
    const made = events.filter((e): e is Finished => e.type === 'recordingFinished');
    expect(made.map((e) => e.id)).toEqual([full.id]);
    expect((await inspect(join(storage, (made[0] as Finished).path))).decodeErrors).toBe('');
    // The spool holds nothing more once it is made.
    expect(readdirSync(spoolFolder(storage, CAMERA)).filter((name) => name.startsWith('run-'))).toEqual([]);
  });
});
