// One camera stream's live view: one remux shared by every viewer. Started by the first viewer,
// stopped a short while after the last one leaves; a viewer joining gets the init segment, then
// the fragments from the next keyframe on. A viewer that cannot keep up (its socket's queue
// grows) skips to the next keyframe rather than slowing the others or piling up memory.
import type { Logger } from '../../lib/logger.js';
import type { Fragment, TrackInfo } from './fmp4.js';
import { MediaClock } from './media-clock.js';
import type { Remux, RemuxFactory, RemuxSource } from './remux.js';

/** Text messages to the page (JSON); the binary ones are the init segment and the fragments. */
export type LiveMessage =
  /** A new init segment follows: (re)start the player with this codec. */
  | { type: 'init'; camera: string; stream: 'main' | 'sub'; codec: string; width: number; height: number; serverTime: number }
  /** Wall clock (ms since the epoch) of media time 0, and the server's clock now. */
  | { type: 'clock'; originMs: number; serverTime: number }
  /** No picture for now (the stream is starting, or ffmpeg failed and is restarted). */
  | { type: 'waiting'; reason: string };

export interface Viewer {
  sendText(message: LiveMessage): void;
  sendBinary(bytes: Buffer): void;
  /** Bytes queued on the socket, not yet sent. */
  readonly bufferedBytes: number;
}

export interface ChannelOptions {
  /** How long the remux runs on after the last viewer left (a page reload does not restart it). */
  lingerMs: number;
  /** Waits before restarting a failed remux, then the last one again and again. */
  restartDelaysMs: readonly number[];
  /** A viewer with more than this queued skips to the next keyframe. */
  maxBufferedBytes: number;
  /** How often viewers are told the media clock's origin. */
  clockEveryMs: number;
}

export const defaultChannelOptions: ChannelOptions = {
  lingerMs: 5_000,
  restartDelaysMs: [500, 1_000, 2_000, 4_000, 8_000],
  maxBufferedBytes: 4 * 1024 * 1024,
  clockEveryMs: 1_000,
};

interface ViewerState {
  /** Sending fragments (false until the next keyframe). */
  joined: boolean;
}

export class LiveChannel {
  private readonly viewers = new Map<Viewer, ViewerState>();
  private remux: Remux | undefined;
  private source: RemuxSource | undefined;
  private init: { bytes: Buffer; track: TrackInfo } | undefined;
  private readonly clock = new MediaClock();
  private lastClockSentMs = 0;
  private failures = 0;
  private probe: 'fast' | 'thorough' = 'fast';
  private lingerTimer: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private stopped: Promise<void> = Promise.resolve();

  constructor(
    readonly camera: string,
    readonly stream: 'main' | 'sub',
    private readonly resolve: () => RemuxSource | undefined,
    private readonly startRemux: RemuxFactory,
    private readonly options: ChannelOptions,
    private readonly logger: Logger,
    /** Called once the channel has stopped for want of viewers; the hub forgets it. */
    private readonly onIdle: (channel: LiveChannel) => void,
  ) {}

  get viewerCount(): number {
    return this.viewers.size;
  }

  /** The remuxing ffmpeg's pid, while one runs. */
  get pid(): number | undefined {
    return this.remux?.pid;
  }

  add(viewer: Viewer): void {
    if (this.closed) throw new Error(`live channel ${this.camera}/${this.stream} is closed`);
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    this.viewers.set(viewer, { joined: false });
    if (this.init) this.greet(viewer, this.init);
    else viewer.sendText({ type: 'waiting', reason: 'starting the live stream' });
    // The spec changed since the remux started (another URL): start again on the new one.
    const source = this.remux && this.resolve();
    if (source && this.source && source.url !== this.source.url) {
      this.logger.info({ camera: this.camera, stream: this.stream }, 'live stream URL changed: restarting the remux');
      this.stopRemux();
    }
    if (!this.remux && !this.restartTimer) this.start();
  }

  remove(viewer: Viewer): void {
    if (!this.viewers.delete(viewer) || this.viewers.size > 0 || this.closed) return;
    clearTimeout(this.lingerTimer);
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = undefined;
      if (this.viewers.size > 0) return;
      void this.close().then(() => this.onIdle(this));
    }, this.options.lingerMs);
  }

  /** Stops the remux for good; resolves once ffmpeg is gone. */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      clearTimeout(this.lingerTimer);
      clearTimeout(this.restartTimer);
      this.stopRemux();
    }
    return this.stopped;
  }

  private start(): void {
    this.restartTimer = undefined;
    if (this.closed || this.viewers.size === 0) return;
    const source = this.resolve();
    if (!source) {
      this.fail('the camera has no valid spec');
      return;
    }
    this.source = source;
    this.clock.reset();
    const probe = this.probe;
    let gotInit = false;
    const remux: Remux = this.startRemux(
      source,
      {
        init: (bytes, track) => {
          if (this.remux !== remux) return;
          gotInit = true;
          this.init = { bytes, track };
          for (const [viewer, state] of this.viewers) {
            state.joined = false;
            this.greet(viewer, this.init);
          }
        },
        fragment: (fragment) => {
          if (this.remux === remux) this.fragment(fragment);
        },
        exit: (reason) => {
          if (this.remux !== remux) return;
          this.remux = undefined;
          this.init = undefined;
          // No picture parameters in the SDP: probe the stream itself next time (and back).
          if (!gotInit) this.probe = probe === 'fast' ? 'thorough' : 'fast';
          else this.failures = 0;
          this.fail(reason);
        },
      },
      { probe },
    );
    this.remux = remux;
    this.logger.info({ camera: this.camera, stream: this.stream, pid: remux.pid, viewers: this.viewers.size }, 'live remux started');
  }

  private fail(reason: string): void {
    if (this.closed) return;
    for (const viewer of this.viewers.keys()) viewer.sendText({ type: 'waiting', reason });
    if (this.viewers.size === 0) return;
    const delays = this.options.restartDelaysMs;
    const delay = delays[Math.min(this.failures, delays.length - 1)] ?? 1_000;
    this.failures++;
    this.logger.warn({ camera: this.camera, stream: this.stream, reason, retryInMs: delay }, 'live remux ended; restarting');
    this.restartTimer = setTimeout(() => this.start(), delay);
  }

  private stopRemux(): void {
    const remux = this.remux;
    this.remux = undefined;
    this.init = undefined;
    if (!remux) return;
    this.logger.info({ camera: this.camera, stream: this.stream, pid: remux.pid }, 'live remux stopping');
    const previous = this.stopped;
    this.stopped = Promise.all([previous, remux.stop()]).then(() => undefined);
    if (!this.closed) this.start();
  }

  private greet(viewer: Viewer, init: { bytes: Buffer; track: TrackInfo }): void {
    const { codec, width, height } = init.track;
    viewer.sendText({ type: 'init', camera: this.camera, stream: this.stream, codec, width, height, serverTime: Date.now() });
    viewer.sendBinary(init.bytes);
    const originMs = this.clock.originMs;
    if (originMs !== undefined) viewer.sendText({ type: 'clock', originMs, serverTime: Date.now() });
  }

  private fragment(fragment: Fragment): void {
    const now = Date.now();
    this.clock.observe(fragment.time, now);
    const originMs = this.clock.originMs;
    const sendClock = originMs !== undefined && now - this.lastClockSentMs >= this.options.clockEveryMs;
    if (sendClock) this.lastClockSentMs = now;
    for (const [viewer, state] of this.viewers) {
      if (sendClock) viewer.sendText({ type: 'clock', originMs, serverTime: now });
      if (!state.joined) {
        if (!fragment.keyframe) continue;
        state.joined = true;
      }
      if (viewer.bufferedBytes > this.options.maxBufferedBytes) {
        state.joined = false;
        continue;
      }
      viewer.sendBinary(fragment.bytes);
    }
  }
}
