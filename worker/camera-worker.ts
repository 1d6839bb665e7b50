import { runTiedToParent } from '../lib/child-process.js';
import type { Logger } from '../lib/logger.js';
import { filesystemFull, isNoSpace } from '../lib/no-space.js';
import { grayFramesArgs, listedAudioCodec, recordSegmentsArgs, videoProbeArgs } from './ffmpeg-commands.js';
import { MotionAnalysis } from './motion/motion-analysis.js';
import { PROTOCOL_VERSION, type Heartbeat, type LiveSettings, type ManualRecordingRequest, type StreamRole, type WorkerConfig, type WorkerMessage, type WorkerStream } from './protocol.js';
import { audioDroppedWarning, segmentAudio } from './recording/audio-policy.js';
import { Recorder } from './recording/recorder.js';
import { SegmentFeed } from './recording/segment-feed.js';
import { spoolFolder } from './recording/spool.js';
import { StreamPipeline, type PipelineOptions } from './stream-pipeline.js';

export interface CameraWorkerOptions {
  config: WorkerConfig;
  send(message: WorkerMessage): void;
  logger: Logger;
  /** Faster reconnects for tests; the defaults suit real cameras. */
  reconnectInitialMs?: number;
  stallMs?: number;
  subFallbackMs?: number;
  mainFallbackMs?: number;
  mainProbeEveryMs?: number;
}

/** How long the sub stream may deliver nothing before motion is analysed on the main stream. */
const SUB_FALLBACK_MS = 5000;
/** How long the main stream may deliver nothing before the sub stream is recorded in its stead. */
const MAIN_FALLBACK_MS = 5000;
/** How often a main stream that went down is asked whether it is back, while the sub stream is recorded. */
const MAIN_PROBE_EVERY_MS = 3000;

/**
 * One camera: the main stream copied (never decoded) into the spool's segments, from which the
 * recorder cuts recordings; the sub stream decoded to small gray frames for motion analysis; and
 * a heartbeat to the controller with what each stream delivers.
 */
export class CameraWorker {
  private readonly pipelines = new Map<StreamRole, StreamPipeline>();
  private settings: LiveSettings;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private lastHealthy: boolean | undefined;
  private readonly recorder: Recorder;
  private readonly feed: SegmentFeed;
  private readonly motion: MotionAnalysis;
  /** Options every pipeline shares. */
  private readonly common: Pick<PipelineOptions, 'secrets' | 'logger' | 'reconnectInitialMs' | 'stallMs' | 'onHealthChange'>;
  private subFallbackTimer: NodeJS.Timeout | undefined;
  /** Which stream the recording pipeline copies: the sub stream only while the main stream is down. */
  private recordingSource: 'main' | 'sub' = 'main';
  private mainFallbackTimer: NodeJS.Timeout | undefined;
  private mainProbeTimer: NodeJS.Timeout | undefined;
  /** The last Warning about dropped sound, so that each reconnection does not repeat it. */
  private audioWarned: string | undefined;
  /** Each stream's sound as its first run listed it (null: none); what the recording ffmpeg does with it follows. */
  private readonly audioCodecs: { main?: string | null; sub?: string | null } = {};
  /** The spool's recovery, after which the main stream starts. */
  private recovery: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(private readonly options: CameraWorkerOptions) {
    const { config, logger } = options;
    this.settings = { motion: config.motion, recording: config.recording, heartbeatSeconds: config.heartbeatSeconds };
    const spool = spoolFolder(config.storage, config.camera);
    this.recorder = new Recorder({
      camera: config.camera,
      storage: config.storage,
      spool,
      settings: config.recording,
      emit: (event) => options.send({ v: PROTOCOL_VERSION, ...event }),
      logger,
    });
    this.feed = new SegmentFeed(this.recorder, logger);
    this.motion = new MotionAnalysis(config.motion, {
      // The motion is reported before the recording it starts or ends.
      started: ({ at, score, boxes }) => {
        options.send({ v: PROTOCOL_VERSION, type: 'motionStarted', at, score, boxes });
        this.recorder.motionStarted(at);
      },
      ended: ({ at, startedAt, peakScore }) => {
        options.send({ v: PROTOCOL_VERSION, type: 'motionEnded', at, startedAt, peakScore });
        this.recorder.motionEnded(at);
      },
    });
    const common = {
      secrets: config.secrets,
      logger: options.logger,
      reconnectInitialMs: options.reconnectInitialMs,
      stallMs: options.stallMs,
      onHealthChange: () => this.streamsChanged(),
    };
    this.pipelines.set(
      'main',
      new StreamPipeline({
        ...common,
        name: 'main',
        args: (probe) => recordSegmentsArgs(config.streams[this.recordingSource] ?? config.streams.main, this.feed.startRun(), probe, this.segmentAudio()),
        output: { kind: 'progress' },
        onDelivering: (stderrText) => this.runDelivering(stderrText),
        onExit: (runError) => {
          // ffmpeg's last words may not have been read when its exit is seen: a filesystem left
          // with a few pages says it too (a stop asked for on a full disk cuts the segment short as well).
          const outOfSpace = isNoSpace(runError) || filesystemFull(spool);
          this.feed.runExited(outOfSpace);
          if (outOfSpace) void this.recorder.segmentsOutOfSpace(isNoSpace(runError) ? (runError ?? '') : 'No space left on device');
        },
      }),
    );
    // Motion is analysed on the sub stream; a camera without one has its main stream decoded
    // as well (the 'analysis' stream), which costs the decoding of the full picture.
    this.common = common;
    const sub = config.streams.sub;
    if (sub) this.pipelines.set('sub', this.analysisPipeline('sub', sub));
    else this.pipelines.set('analysis', this.analysisPipeline('analysis', config.streams.main));
  }

  /**
   * ffmpeg decoding `stream` for motion. Frames of the main stream decoded in the sub stream's
   * stead are used only while the sub stream delivers none, so that the detector never sees both.
   */
  private analysisPipeline(role: 'sub' | 'analysis', stream: WorkerStream): StreamPipeline {
    return new StreamPipeline({
      ...this.common,
      name: role,
      args: (probe) => grayFramesArgs(stream, this.settings.motion.width, probe),
      output: {
        kind: 'grayFrames',
        onFrame: (frame, width, height, at) => {
          if (role === 'sub' || !this.pipelines.get('sub')?.isConnected) this.motion.frame(frame, width, height, at);
        },
      },
      onExit: () => this.motion.interrupted(),
    });
  }

  /**
   * Starts the streams and the heartbeats. The main stream waits for what an earlier worker left
   * in the spool to be finished first, so that the new run cannot be mistaken for the old.
   */
  start(): void {
    if (!this.pipelines.has('sub')) {
      this.event('Warning', 'NoSubStream', 'no sub stream declared: motion is analysed on the main stream, decoded in full, which costs more CPU; declare spec.streams.sub if the camera has one');
    }
    (this.pipelines.get('sub') ?? this.pipelines.get('analysis'))?.start();
    this.fallBackIfSubDown();
    this.scheduleHeartbeats();
    this.sendHeartbeat();
    this.recovery = this.recorder
      .recover()
      .catch((error: unknown) => this.options.logger.error({ err: String(error) }, 'finishing what the spool held failed'))
      .then(() => {
        if (!this.stopping) this.pipelines.get('main')?.start();
      });
  }

  private segmentAudio(settings = this.settings): ReturnType<typeof segmentAudio> {
    return segmentAudio(this.audioCodecs[this.recordingSource], settings.recording.audio);
  }

  /**
   * The recording pipeline's new run delivers. Its listing tells the stream's sound: a codec the
   * MP4 cannot hold has the run restarted to drop or convert it (once: the codec is remembered),
   * with a Warning when it is dropped.
   */
  private runDelivering(stderrText: string): void {
    this.feed.runDelivering(listedAudioCodec(stderrText, 'Output'));
    const codec = listedAudioCodec(stderrText, 'Input');
    if (codec === undefined) return;
    const before = this.segmentAudio();
    this.audioCodecs[this.recordingSource] = codec;
    const warning = audioDroppedWarning(codec, this.settings.recording.audio);
    if (warning && warning !== this.audioWarned) this.event('Warning', 'AudioDropped', warning);
    this.audioWarned = warning;
    // A stream without sound records the same either way: no restart.
    if (codec !== null && this.segmentAudio() !== before) {
      this.options.logger.info({ codec, audio: this.segmentAudio() }, 'the stream\'s sound needs another treatment: restarting the recording ffmpeg');
      void this.pipelines.get('main')?.restart(this.options.config.ffmpegStopGraceMs);
    }
  }

  /** Applies new motion and recording settings without dropping the streams. */
  async update(settings: LiveSettings): Promise<void> {
    const widthChanged = settings.motion.width !== this.settings.motion.width;
    // What the recording ffmpeg does with the sound is fixed when it starts.
    const audioChanged = this.audioCodecs[this.recordingSource] !== null && this.segmentAudio(settings) !== this.segmentAudio();
    const heartbeatChanged = settings.heartbeatSeconds !== this.settings.heartbeatSeconds;
    this.settings = settings;
    if (heartbeatChanged) this.scheduleHeartbeats();
    this.recorder.update(settings.recording);
    this.motion.update(settings.motion);
    // The decoder's output size is fixed when ffmpeg starts: only a new width needs a new ffmpeg.
    if (widthChanged) {
      const analysing = (['sub', 'analysis'] as const).flatMap((role) => this.pipelines.get(role) ?? []);
      await Promise.all(analysing.map((pipeline) => pipeline.restart(2000)));
    }
    if (audioChanged) await this.pipelines.get('main')?.restart(this.options.config.ffmpegStopGraceMs);
    this.options.logger.info({ motion: settings.motion, recording: settings.recording }, 'settings updated');
  }

  /** An operator's manual recording: started (or extended) for some seconds, or stopped (see Recorder.record). */
  record(request: ManualRecordingRequest): void {
    if ('stop' in request) this.recorder.stopManual();
    else this.recorder.record(request.seconds);
    this.options.logger.info({ request }, 'manual recording requested');
  }

  /** Stops ffmpeg gracefully, then finishes the recordings in progress with what has arrived. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.recorder.stopWaitingForSpace();
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.subFallbackTimer);
    clearTimeout(this.mainFallbackTimer);
    clearTimeout(this.mainProbeTimer);
    await this.recovery;
    await Promise.all([...this.pipelines.values()].map((pipeline) => pipeline.stop(graceMs)));
    await this.feed.settled();
    await this.recorder.stop();
  }

  heartbeat(now = Date.now()): Heartbeat {
    const pipelines = [...this.pipelines.entries()];
    const streams = Object.fromEntries(pipelines.map(([role, pipeline]) => [role, pipeline.figures(now)]));
    const describe = ([, pipeline]: [StreamRole, StreamPipeline]) => pipeline.describe(now);
    let detail = pipelines.map(describe).join(', ');
    if (this.recordingSource === 'sub' && streams.main) {
      // Recordings go on, from the sub stream, but the main stream is down: the camera is not healthy.
      const recordingSub = streams.main;
      streams.main = { ...recordingSub, connected: false, error: `down; the sub stream is recorded (${recordingSub.fps.toFixed(1)} fps) until it is back` };
      detail = pipelines.map((entry) => (entry[0] === 'main' ? `main: ${streams.main?.error ?? ''}` : describe(entry))).join(', ');
    }
    return {
      v: PROTOCOL_VERSION,
      type: 'heartbeat',
      time: now,
      healthy: Object.values(streams).every((figures) => figures.connected),
      detail,
      streams,
      ffmpegPids: pipelines.flatMap(([, pipeline]) => (pipeline.pid ? [pipeline.pid] : [])),
      ...(this.settings.motion.enabled ? { motion: this.motion.figures(now) } : {}),
    };
  }

  private scheduleHeartbeats(): void {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = setInterval(() => this.sendHeartbeat(), this.settings.heartbeatSeconds * 1000);
  }

  private sendHeartbeat(): void {
    const heartbeat = this.heartbeat();
    this.lastHealthy = heartbeat.healthy;
    this.options.send(heartbeat);
  }

  /** A stream connecting or dropping is reported at once, not at the next beat. */
  private streamsChanged(): void {
    this.fallBackIfSubDown();
    this.recordSubIfMainDown();
    if (this.heartbeat().healthy !== this.lastHealthy) this.sendHeartbeat();
  }

  /**
   * A main stream that delivers nothing for MAIN_FALLBACK_MS, while the sub stream does, has the
   * sub stream recorded in its stead (smaller pictures, but motion is not lost), until a probe of
   * the main stream finds it back. Each switch ends the recording pipeline's run, so a recording
   * never mixes the two streams' pictures.
   */
  private recordSubIfMainDown(): void {
    const main = this.pipelines.get('main');
    const sub = this.options.config.streams.sub;
    if (!main || !sub || this.stopping || this.recordingSource === 'sub') return;
    if (main.isConnected) {
      clearTimeout(this.mainFallbackTimer);
      this.mainFallbackTimer = undefined;
      return;
    }
    if (this.mainFallbackTimer) return;
    this.mainFallbackTimer = setTimeout(() => {
      this.mainFallbackTimer = undefined;
      if (this.stopping || main.isConnected || !this.pipelines.get('sub')?.isConnected) return;
      const why = main.describe();
      this.recordingSource = 'sub';
      this.event('Warning', 'MainStreamDown', `the main stream delivers nothing (${why}): the sub stream is recorded in its stead until it is back`);
      void main.restart(this.options.config.ffmpegStopGraceMs);
      this.probeMainUntilBack(main);
    }, this.options.mainFallbackMs ?? MAIN_FALLBACK_MS);
  }

  private probeMainUntilBack(main: StreamPipeline): void {
    this.mainProbeTimer = setTimeout(() => {
      void runTiedToParent('ffprobe', videoProbeArgs(this.options.config.streams.main))
        .then(({ stdout }) => stdout.includes('video'))
        .catch(() => false)
        .then((back) => {
          if (this.stopping) return;
          if (!back) {
            this.probeMainUntilBack(main);
            return;
          }
          this.recordingSource = 'main';
          this.event('Normal', 'MainStreamBack', 'the main stream delivers again: it is recorded, no longer the sub stream');
          void main.restart(this.options.config.ffmpegStopGraceMs);
        });
    }, this.options.mainProbeEveryMs ?? MAIN_PROBE_EVERY_MS);
  }

  /**
   * A sub stream that delivers nothing for SUB_FALLBACK_MS has motion analysed on the main
   * stream instead, until it is back: motion (and so recording) goes on through its outage.
   */
  private fallBackIfSubDown(): void {
    const sub = this.pipelines.get('sub');
    if (!sub || this.stopping) return;
    const fallback = this.pipelines.get('analysis');
    if (sub.isConnected) {
      clearTimeout(this.subFallbackTimer);
      this.subFallbackTimer = undefined;
      if (!fallback) return;
      this.pipelines.delete('analysis');
      void fallback.stop(this.options.config.ffmpegStopGraceMs);
      this.event('Normal', 'SubStreamBack', 'the sub stream delivers again: motion is analysed on it, no longer on the main stream');
      return;
    }
    if (fallback || this.subFallbackTimer) return;
    this.subFallbackTimer = setTimeout(() => {
      this.subFallbackTimer = undefined;
      if (this.stopping || sub.isConnected || this.pipelines.has('analysis')) return;
      const analysis = this.analysisPipeline('analysis', this.options.config.streams.main);
      this.pipelines.set('analysis', analysis);
      analysis.start();
      this.event('Warning', 'SubStreamDown', `the sub stream delivers nothing (${sub.describe()}): motion is analysed on the main stream, decoded in full, until it is back`);
    }, this.options.subFallbackMs ?? SUB_FALLBACK_MS);
  }

  private event(eventType: 'Normal' | 'Warning', reason: string, message: string): void {
    this.options.send({ v: PROTOCOL_VERSION, type: 'event', eventType, reason, message });
  }
}
