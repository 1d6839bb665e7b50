import type { CameraObject } from '../store/camera-store.js';
import type { ObjectStore } from '../store/object-store.js';

/** Lines kept per camera, as the issue sets it: enough for `camlet logs` to look back a while. */
export const LINES_PER_CAMERA = 10_000;
/** A line longer than this (a runaway stack trace) is cut, so that 10,000 lines stay a bounded amount of memory. */
export const MAX_LINE_CHARS = 16 * 1024;

interface LogLine {
  /** When the controller received it, ms since the epoch: what sinceSeconds compares with. */
  at: number;
  /** One JSON object, as the worker wrote it (with `time` added where it had none). */
  text: string;
}

/** A fixed-size ring: the newest `capacity` lines, oldest first; its array grows only as lines come. */
class Ring {
  private readonly lines: LogLine[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  push(line: LogLine): void {
    if (this.lines.length < this.capacity) this.lines.push(line);
    else this.lines[this.next] = line;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Oldest first. */
  all(): LogLine[] {
    return this.lines.length < this.capacity ? [...this.lines] : [...this.lines.slice(this.next), ...this.lines.slice(0, this.next)];
  }
}

export interface LogQuery {
  /** The last N lines only. */
  tailLines?: number;
  /** Lines received at or after this time (ms since the epoch) only. */
  since?: number;
}

interface Follower {
  write(text: string): void;
  end(): void;
}

/**
 * The recent log lines of every camera's worker, for `camlet logs` (the API's cameras/NAME/log),
 * as the kubelet keeps a container's log: bounded per camera, lost with the controller. Lines
 * of a camera no longer in the store are dropped, and so is its ring once it is deleted, so a
 * fleet that comes and goes leaves nothing behind.
 */
export class WorkerLogs {
  private readonly rings = new Map<string, Ring>();
  private readonly followers = new Map<string, Set<Follower>>();

  constructor(
    private readonly cameras: ObjectStore<CameraObject>,
    private readonly capacity = LINES_PER_CAMERA,
    private readonly now: () => number = Date.now,
  ) {
    cameras.watch(undefined, (event) => {
      if (event.type === 'DELETED') this.forget(event.object.metadata.name);
    });
  }

  /** A line from a worker (the runtime's record, with `camera` set). */
  append(record: Record<string, unknown>): void {
    const camera = record.camera;
    if (typeof camera !== 'string' || !this.cameras.get(camera)) return;
    const at = this.now();
    const stamped = typeof record.time === 'string' ? record : { ...record, time: new Date(at).toISOString() };
    let text = JSON.stringify(stamped);
    if (text.length > MAX_LINE_CHARS) {
      const message = typeof record.msg === 'string' ? record.msg : '';
      text = JSON.stringify({ level: record.level, time: stamped.time, camera, msg: `${message.slice(0, MAX_LINE_CHARS / 2)}…`, truncated: true });
    }
    let ring = this.rings.get(camera);
    if (!ring) {
      ring = new Ring(this.capacity);
      this.rings.set(camera, ring);
    }
    ring.push({ at, text });
    for (const follower of this.followers.get(camera) ?? []) follower.write(text);
  }

  /** The kept lines of a camera, oldest first. */
  lines(camera: string, query: LogQuery = {}): string[] {
    let lines = this.rings.get(camera)?.all() ?? [];
    if (query.since !== undefined) {
      const since = query.since;
      lines = lines.filter((line) => line.at >= since);
    }
    if (query.tailLines !== undefined) lines = query.tailLines === 0 ? [] : lines.slice(-query.tailLines);
    return lines.map((line) => line.text);
  }

  /** Calls `write` with each new line of the camera until the returned function is called or the camera goes (`end`). */
  follow(camera: string, write: (text: string) => void, end: () => void): () => void {
    const follower: Follower = { write, end };
    let set = this.followers.get(camera);
    if (!set) {
      set = new Set();
      this.followers.set(camera, set);
    }
    set.add(follower);
    return () => {
      const current = this.followers.get(camera);
      current?.delete(follower);
      if (current?.size === 0) this.followers.delete(camera);
    };
  }

  /** The camera is gone: its lines go, and whoever follows them is told the stream ended. */
  forget(camera: string): void {
    this.rings.delete(camera);
    const followers = this.followers.get(camera);
    this.followers.delete(camera);
    for (const follower of followers ?? []) follower.end();
  }
}
