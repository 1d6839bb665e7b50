// One camera's worker log for the logs viewer: the last lines of the controller's ring
// (cameras/NAME/log?tailLines=N), then, while following, the lines as they come on the same
// response (follow=true). A follow cut off (the controller restarting, a slow reader dropped) is
// taken up again after a pause with a fresh tail, which replaces what was shown.
import { NdjsonDecoder } from '../api/ndjson';
import type { ApiStatus } from '../api/types';
import { toLogEntry, type LogEntry } from './log-entry';

/** Lines asked for at the start: the ring holds up to 10,000 per camera. */
export const TAIL_LINES = 1_000;
/** Lines kept in memory; the oldest go first. The viewer draws fewer than these. */
export const KEPT_LINES = 5_000;

export type LogState = 'loading' | 'following' | 'paused' | 'retrying' | 'failed';

export interface CameraLogOptions {
  fetch?: typeof fetch;
  /** Wait before following again after the stream ended. */
  retryMs?: number;
}

export class CameraLog {
  entries: LogEntry[] = [];
  state: LogState = 'loading';
  /** Why the log could not be read, for the viewer to say. */
  problem: string | undefined;
  private seq = 0;
  private abort: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly camera: string,
    private readonly options: CameraLogOptions = {},
  ) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Loads the tail again and, when `follow`, keeps reading new lines until stop() or the next load. */
  load(follow: boolean): void {
    this.stop();
    void this.read(follow, new AbortController());
  }

  /** Stops reading; the lines stay. */
  stop(): void {
    clearTimeout(this.timer);
    this.abort?.abort();
    this.abort = undefined;
    if (this.state === 'following' || this.state === 'retrying' || this.state === 'loading') this.setState('paused');
  }

  private setState(state: LogState, problem?: string): void {
    this.state = state;
    this.problem = problem;
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }

  private async read(follow: boolean, abort: AbortController): Promise<void> {
    this.abort = abort;
    this.setState('loading');
    const url = `/apis/camlet.dev/v1/cameras/${encodeURIComponent(this.camera)}/log?tailLines=${TAIL_LINES}${follow ? '&follow=true' : ''}`;
    try {
      const response = await (this.options.fetch ?? fetch)(url, { signal: abort.signal });
      if (!response.ok || !response.body) {
        const status = (await response.json().catch(() => undefined)) as ApiStatus | undefined;
        // A 4xx will not get better by asking again; a 5xx (a controller starting) may.
        if (response.status < 500) return this.setState('failed', status?.message ?? `the log could not be read (HTTP ${response.status})`);
        throw new Error(status?.message ?? `HTTP ${response.status}`);
      }
      this.entries = [];
      this.emit();
      if (follow) this.setState('following');
      const decoder = new NdjsonDecoder();
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.append(decoder.push(value));
      }
      if (!follow) return this.setState('paused');
    } catch (error) {
      if (abort.signal.aborted) return;
      if (!follow) return this.setState('failed', `the log could not be read: ${(error as Error).message}`);
    }
    if (abort.signal.aborted) return;
    // The follow ended without being asked to: take it up again.
    this.setState('retrying');
    this.timer = setTimeout(() => void this.read(true, abort), this.options.retryMs ?? 2_000);
  }

  private append(values: unknown[]): void {
    if (values.length === 0) return;
    for (const value of values) this.entries.push(toLogEntry(value, this.seq++));
    if (this.entries.length > KEPT_LINES) this.entries.splice(0, this.entries.length - KEPT_LINES);
    this.emit();
  }
}
