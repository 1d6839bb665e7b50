// Plays a camera's live stream in a <video>: fragmented MP4 from the controller's WebSocket
// (controller/live/), appended to a Media Source Extensions SourceBuffer as it arrives, kept at
// the live edge (live-edge.ts). Reconnects by itself; a new init message (a restarted remux)
// starts a new MediaSource. How old the picture on screen is comes from the server's media
// clock: wall clock of media time 0 (originMs), corrected by the two clocks' difference.
import { liveEdgeAction, trimRange } from './live-edge';

export type LiveStreamName = 'main' | 'sub';

export interface PlayerState {
  status: 'connecting' | 'waiting' | 'playing' | 'unsupported';
  message?: string;
  codec?: string;
  width?: number;
  height?: number;
  latencyMs?: number;
}

type LiveMessage =
  | { type: 'init'; codec: string; width: number; height: number; serverTime: number; stream: LiveStreamName }
  | { type: 'clock'; originMs: number; serverTime: number }
  | { type: 'waiting'; reason: string };

const TICK_MS = 200;
const RETRY_MS: readonly number[] = [500, 1_000, 2_000, 4_000, 8_000];

function rangesOf(buffered: TimeRanges): [number, number][] {
  const ranges: [number, number][] = [];
  for (let i = 0; i < buffered.length; i++) ranges.push([buffered.start(i), buffered.end(i)]);
  return ranges;
}

export class LivePlayer {
  private socket: WebSocket | undefined;
  private mediaSource: MediaSource | undefined;
  private buffer: SourceBuffer | undefined;
  private objectUrl: string | undefined;
  private queue: ArrayBuffer[] = [];
  private stopped = false;
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private tickTimer: ReturnType<typeof setInterval> | undefined;
  private originMs: number | undefined;
  private skewMs = 0;
  private state: PlayerState = { status: 'connecting' };

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly camera: string,
    private readonly stream: LiveStreamName,
    private readonly onState: (state: PlayerState) => void,
  ) {}

  start(): void {
    this.video.muted = true;
    this.video.playsInline = true;
    this.connect();
    this.tickTimer = setInterval(() => this.tick(), TICK_MS);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.tickTimer);
    this.socket?.close();
    this.teardownMedia();
  }

  private setState(update: Partial<PlayerState> & Pick<PlayerState, 'status'>): void {
    const next = { ...this.state, ...update };
    if (JSON.stringify(next) === JSON.stringify(this.state)) return;
    this.state = next;
    this.onState(next);
  }

  private connect(): void {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${scheme}//${location.host}/apis/camlet.dev/v1/cameras/${encodeURIComponent(this.camera)}/live?stream=${this.stream}`);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onmessage = (message: MessageEvent<ArrayBuffer | string>) => {
      if (typeof message.data === 'string') this.onText(JSON.parse(message.data) as LiveMessage);
      else this.onBinary(message.data);
    };
    socket.onclose = () => {
      if (this.stopped || this.socket !== socket) return;
      const wait = RETRY_MS[Math.min(this.failures, RETRY_MS.length - 1)] ?? 8_000;
      this.failures++;
      this.setState({ status: 'connecting', message: 'reconnecting' });
      this.retryTimer = setTimeout(() => this.connect(), wait);
    };
  }

  private onText(message: LiveMessage): void {
    if (message.type === 'init') {
      this.failures = 0;
      this.skewMs = message.serverTime - Date.now();
      this.setState({ status: 'waiting', message: 'starting', codec: message.codec, width: message.width, height: message.height });
      this.startMedia(message.codec);
    } else if (message.type === 'clock') {
      this.originMs = message.originMs;
      this.skewMs = message.serverTime - Date.now();
      this.video.dataset.originMs = String(message.originMs);
      this.video.dataset.skewMs = String(this.skewMs);
    } else {
      this.setState({ status: 'waiting', message: message.reason });
    }
  }

  private onBinary(data: ArrayBuffer): void {
    if (!this.mediaSource) return;
    this.queue.push(data);
    this.pump();
  }

  private startMedia(codec: string): void {
    this.teardownMedia();
    const type = `video/mp4; codecs="${codec}"`;
    if (typeof MediaSource === 'undefined' || !MediaSource.isTypeSupported(type)) {
      this.setState({ status: 'unsupported', message: `this browser cannot play ${codec}` });
      return;
    }
    const mediaSource = new MediaSource();
    this.mediaSource = mediaSource;
    this.objectUrl = URL.createObjectURL(mediaSource);
    this.video.src = this.objectUrl;
    mediaSource.addEventListener(
      'sourceopen',
      () => {
        if (this.mediaSource !== mediaSource) return;
        const buffer = mediaSource.addSourceBuffer(type);
        buffer.mode = 'segments';
        buffer.addEventListener('updateend', () => this.pump());
        this.buffer = buffer;
        this.pump();
      },
      { once: true },
    );
  }

  private teardownMedia(): void {
    this.queue = [];
    this.buffer = undefined;
    this.mediaSource = undefined;
    this.originMs = undefined;
    if (this.objectUrl) {
      URL.revokeObjectURL(this.objectUrl);
      this.objectUrl = undefined;
      this.video.removeAttribute('src');
      this.video.load();
    }
  }

  private pump(): void {
    const buffer = this.buffer;
    if (!buffer || buffer.updating || this.mediaSource?.readyState !== 'open') return;
    try {
      const trim = trimRange(this.video.currentTime, rangesOf(buffer.buffered));
      if (trim) {
        buffer.remove(trim[0], trim[1]);
        return;
      }
      const next = this.queue.shift();
      if (next) buffer.appendBuffer(next);
    } catch (error) {
      // A decode error or a full buffer: start over with a fresh connection and MediaSource.
      console.warn(`camlet: live ${this.camera}/${this.stream}: ${String(error)}`);
      this.socket?.close();
    }
  }

  private tick(): void {
    const buffer = this.buffer;
    if (!buffer || this.mediaSource?.readyState !== 'open') return;
    const ranges = rangesOf(buffer.buffered);
    if (ranges.length === 0) return;
    const action = liveEdgeAction(this.video.currentTime, ranges);
    if (action.seekTo !== undefined) this.video.currentTime = action.seekTo;
    if (this.video.playbackRate !== action.playbackRate) this.video.playbackRate = action.playbackRate;
    if (this.video.paused) this.video.play().catch(() => {});
    const latencyMs = this.originMs !== undefined ? Math.max(0, Date.now() + this.skewMs - (this.originMs + this.video.currentTime * 1000)) : undefined;
    if (latencyMs !== undefined) this.video.dataset.latencyMs = latencyMs.toFixed(0);
    if (this.video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && !this.video.paused) {
      this.setState({ status: 'playing', message: undefined, ...(latencyMs !== undefined ? { latencyMs: Math.round(latencyMs / 50) * 50 } : {}) });
    }
  }
}
