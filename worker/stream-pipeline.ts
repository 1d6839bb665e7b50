import type { ChildProcess } from 'node:child_process';
import { spawnTiedToParent, stopFfmpeg } from '../lib/child-process.js';
import type { Logger } from '../lib/logger.js';
import { redactText } from '../lib/redact.js';
import { FpsMeter } from './fps-meter.js';
import { FrameReader } from './frame-reader.js';
import { rawOutputSize, type Probe } from './ffmpeg-commands.js';
import { ProgressParser } from './progress-parser.js';
import type { StreamFigures } from './protocol.js';

/** How the pipeline reads what ffmpeg gives it on stdout. */
export type PipelineOutput =
  /** A `-progress` report: frames are counted from it. */
  | { kind: 'progress' }
  /** Raw gray frames of a size announced on stderr; each is handed to onFrame. */
  | { kind: 'grayFrames'; onFrame(frame: Buffer, width: number, height: number, at: number): void };

export interface PipelineOptions {
  /** Name in logs and figures: main or sub. */
  name: string;
  /**
   * ffmpeg's arguments, asked anew at each (re)connection so that settings can change; `probe` is
   * `thorough` after an attempt that delivered nothing (see Probe).
   */
  args(probe: Probe): string[];
  output: PipelineOutput;
  secrets: readonly string[];
  logger: Logger;
  /** No frame for this long: the stream is stalled; ffmpeg is restarted. */
  stallMs?: number;
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
  /** Called when `connected` flips, so the worker can report at once. */
  onHealthChange(): void;
  /** Called when an ffmpeg run passes on its first frames (each run, restarts included), with what ffmpeg printed so far (its stream listings). */
  onDelivering?(stderrText: string): void;
  /** Called when an ffmpeg run has ended, whatever the cause, before any restart; with the last error this run printed. */
  onExit?(runError: string | undefined): void;
}

const STDERR_KEPT = 16 * 1024;

/**
 * One ffmpeg reading one stream, kept alive: it is restarted with exponential backoff whenever
 * it exits or stops delivering frames, and it measures what it receives. The backoff resets
 * once a connection has delivered frames.
 */
export class StreamPipeline {
  private child: ChildProcess | undefined;
  private frames = 0;
  private reconnects = 0;
  private lastFrameAt: number | undefined;
  private lastError: string | undefined;
  private connected = false;
  private failuresInARow = 0;
  private probe: Probe = 'fast';
  /** A 3 s window; the first second of a connection is its warm-up (see FpsMeter). */
  private readonly meter = new FpsMeter(3000, 1000);
  private retryTimer: NodeJS.Timeout | undefined;
  private stallTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  /** False while a restart stops ffmpeg: the connection is not reported as lost. */
  private reportDisconnected = true;
  private stopsRequested = 0;
  private restarts: Promise<void> = Promise.resolve();
  private readonly stallMs: number;
  private readonly reconnectInitialMs: number;
  private readonly reconnectMaxMs: number;

  constructor(private readonly options: PipelineOptions) {
    this.stallMs = options.stallMs ?? 5000;
    this.reconnectInitialMs = options.reconnectInitialMs ?? 500;
    // At most 2 s between attempts: a camera that comes back records again within seconds, and
    // one ffmpeg started every 2 s for a camera that stays down costs next to nothing.
    this.reconnectMaxMs = options.reconnectMaxMs ?? 2000;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  figures(now = Date.now()): StreamFigures {
    return {
      connected: this.connected,
      fps: Math.round(this.meter.fps(now) * 10) / 10,
      frames: this.frames,
      reconnects: this.reconnects,
      ...(this.lastFrameAt !== undefined ? { lastFrameAt: this.lastFrameAt } : {}),
      ...(this.lastError !== undefined && !this.connected ? { error: this.lastError } : {}),
    };
  }

  /** A line for people: "main 15.0 fps", "main connected" or "main: Connection refused (reconnect 3)". */
  describe(now = Date.now()): string {
    const { fps } = this.figures(now);
    // 0 fps while connected: the first second of a connection, before the rate is measured.
    if (this.connected) return fps > 0 ? `${this.options.name} ${fps.toFixed(1)} fps` : `${this.options.name} connected`;
    const why = this.lastError ?? 'connecting';
    return `${this.options.name}: ${why}${this.reconnects > 0 ? ` (reconnect ${this.reconnects})` : ''}`;
  }

  start(): void {
    this.stopping = false;
    this.launch();
  }

  /**
   * Restarts ffmpeg now (new arguments), without counting a failure. Restarts run one after the
   * other, and one overtaken by stop() does not start ffmpeg again.
   */
  restart(graceMs: number): Promise<void> {
    const stopsBefore = this.stopsRequested;
    this.restarts = this.restarts.then(async () => {
      if (this.stopsRequested !== stopsBefore) return;
      // A deliberate restart (new settings) is not a lost stream: the pipeline stays connected
      // for its reports, and the stall timer still catches a new ffmpeg that delivers nothing.
      await this.halt(graceMs, { reportDisconnected: false });
      if (this.stopsRequested !== stopsBefore) return;
      // The new ffmpeg's start-up burst is measured afresh (see FpsMeter).
      this.meter.reset();
      this.start();
    });
    return this.restarts;
  }

  /** Stops ffmpeg: `q` on its stdin (it finishes its output cleanly), SIGINT, then SIGKILL after the grace period. */
  async stop(graceMs: number): Promise<void> {
    this.stopsRequested++;
    await this.halt(graceMs, { reportDisconnected: true });
  }

  private async halt(graceMs: number, { reportDisconnected }: { reportDisconnected: boolean }): Promise<void> {
    this.stopping = true;
    this.reportDisconnected = reportDisconnected;
    clearTimeout(this.retryTimer);
    clearTimeout(this.stallTimer);
    const child = this.child;
    if (child) await stopFfmpeg(child, graceMs);
    this.reportDisconnected = true;
    if (reportDisconnected) this.setConnected(false);
  }

  private launch(): void {
    const { logger, secrets, output, name } = this.options;
    let args: string[];
    try {
      args = this.options.args(this.probe);
    } catch (error) {
      // What ffmpeg needs could not be prepared (its run folder, on a full disk): an attempt that failed.
      const message = (error as Error).message;
      this.lastError = `cannot start ffmpeg: ${message}`;
      logger.error({ stream: name, err: message }, 'cannot start ffmpeg');
      this.options.onExit?.(this.lastError);
      this.failuresInARow++;
      this.reconnects++;
      this.retryTimer = setTimeout(() => this.launch(), this.retryDelay());
      return;
    }
    logger.debug({ stream: name, args: args.map((a) => redactText(a, secrets)) }, 'starting ffmpeg');
    // stdin is how it is asked to stop (`q`, see stopFfmpeg).
    const child = spawnTiedToParent('ffmpeg', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    let stderrText = '';
    /** The last error this run printed (lastError may be an earlier run's). */
    let runError: string | undefined;
    let reader: FrameReader | undefined;
    let framesThisRun = 0;
    const countFrames = (count: number) => {
      if (framesThisRun === 0 && count > 0) this.options.onDelivering?.(stderrText);
      framesThisRun += count;
      this.countFrames(count);
    };

    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (stderrText.length < STDERR_KEPT) stderrText += text;
      for (const line of text.split('\n')) {
        const clean = redactText(line.trim(), secrets);
        // "Conversion failed!" only closes a run that failed: the line before it says why.
        if (/error|failed|refused|unauthorized|not found|timed out|invalid|no space/i.test(clean) && clean !== 'Conversion failed!') {
          this.lastError = clean.replace(/^\[[^\]]+\]\s*/, '');
          runError = this.lastError;
          logger.warn({ stream: name }, `ffmpeg: ${clean}`);
        }
      }
    });

    // frame= is the number of frames ffmpeg has passed on since it started.
    const progress = new ProgressParser((block) => {
      const total = Number(block.frame);
      if (Number.isFinite(total) && total > framesThisRun) countFrames(total - framesThisRun);
    });

    child.stdout?.on('data', (chunk: Buffer) => {
      if (output.kind === 'progress') {
        progress.push(chunk);
        return;
      }
      if (!reader) {
        const size = rawOutputSize(stderrText);
        if (!size) {
          logger.error({ stream: name }, 'ffmpeg sent frames before announcing their size; restarting it');
          child.kill('SIGKILL');
          return;
        }
        reader = new FrameReader(size.width * size.height, (frame) => {
          countFrames(1);
          output.onFrame(frame, size.width, size.height, Date.now());
        });
      }
      reader.push(chunk);
    });

    child.on('error', (error) => {
      this.lastError = `cannot run ffmpeg: ${error.message}`;
      logger.error({ stream: name, err: error.message }, 'cannot run ffmpeg');
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      clearTimeout(this.stallTimer);
      this.options.onExit?.(runError);
      const delivered = framesThisRun > 0;
      // After a run that delivered nothing, the other way of probing: so a camera whose SDP lacks
      // the codec parameters still connects (and keeps the thorough probing that worked for it),
      // and a camera that was only down connects fast again.
      if (!this.stopping && !delivered) this.probe = this.probe === 'fast' ? 'thorough' : 'fast';
      // Before setConnected(false): the report it triggers carries the error. A run that delivered
      // and is no longer connected was stopped for a stall, whose error is kept.
      if (!this.stopping && (!this.lastError || (delivered && this.connected))) {
        this.lastError = signal ? `ffmpeg was killed by ${signal}` : `ffmpeg exited with code ${code}`;
      }
      this.setConnected(false);
      if (this.stopping) return;
      this.failuresInARow = delivered ? 1 : this.failuresInARow + 1;
      const delay = this.retryDelay();
      this.reconnects++;
      logger.info({ stream: name, code, signal, retryInMs: delay }, `stream lost: ${this.lastError}; reconnecting`);
      this.retryTimer = setTimeout(() => this.launch(), delay);
    });
    this.armStallTimer();
  }

  /** Exponential backoff from the failures in a row, at most reconnectMaxMs. */
  private retryDelay(): number {
    return Math.min(this.reconnectInitialMs * 2 ** (this.failuresInARow - 1), this.reconnectMaxMs);
  }

  private countFrames(count: number): void {
    if (count <= 0) return;
    const now = Date.now();
    this.frames += count;
    this.lastFrameAt = now;
    this.meter.sample(now, this.frames);
    this.setConnected(true);
    this.armStallTimer();
  }

  /** ffmpeg alive but silent (a camera that stops sending without closing): restart it. */
  private armStallTimer(): void {
    clearTimeout(this.stallTimer);
    this.stallTimer = setTimeout(() => {
      const child = this.child;
      if (!child || this.stopping) return;
      this.lastError = `no frame for ${this.stallMs / 1000}s`;
      this.options.logger.warn({ stream: this.options.name }, `stream stalled: ${this.lastError}; restarting ffmpeg`);
      this.setConnected(false);
      child.kill('SIGKILL');
    }, this.stallMs);
  }

  private setConnected(connected: boolean): void {
    if (connected === this.connected || (!connected && !this.reportDisconnected)) return;
    this.connected = connected;
    if (connected) {
      this.lastError = undefined;
      this.options.logger.info({ stream: this.options.name }, 'stream connected');
    } else {
      this.meter.reset();
    }
    this.options.onHealthChange();
  }
}
