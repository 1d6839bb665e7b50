// A Kubernetes-style informer for one resource: list, then watch from the list's resourceVersion,
// keeping a map of the objects by name; when the watch ends or fails it watches again from the
// last version seen, and lists again when that is too old (410 Expired), waiting longer after
// each failure. Subscribers hear about every change.
import { NdjsonDecoder } from './ndjson';
import type { WatchEvent } from './types';

interface Named {
  metadata: { name: string; resourceVersion?: string };
}

export type Connection = 'connecting' | 'live' | 'retrying';

export interface ResourceWatchOptions {
  /** Minimum and maximum wait before trying again. */
  retryMs?: [number, number];
  fetch?: typeof fetch;
}

export class ResourceWatch<T extends Named> {
  readonly objects = new Map<string, T>();
  connection: Connection = 'connecting';
  private resourceVersion: string | undefined;
  private readonly listeners = new Set<(change: WatchEvent<T> | undefined) => void>();
  private abort: AbortController | undefined;
  private stopped = false;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly path: string,
    private readonly options: ResourceWatchOptions = {},
  ) {}

  /** `change` is undefined after a (re)list or a change of connection. */
  subscribe(listener: (change: WatchEvent<T> | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.stopped = false;
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort?.abort();
  }

  private emit(change: WatchEvent<T> | undefined): void {
    for (const listener of this.listeners) listener(change);
  }

  private setConnection(connection: Connection): void {
    if (this.connection === connection) return;
    this.connection = connection;
    this.emit(undefined);
  }

  private async run(): Promise<void> {
    const fetcher = this.options.fetch ?? fetch.bind(globalThis);
    while (!this.stopped) {
      this.abort = new AbortController();
      try {
        if (this.resourceVersion === undefined) await this.list(fetcher, this.abort.signal);
        const separator = this.path.includes('?') ? '&' : '?';
        const response = await fetcher(`${this.path}${separator}watch=true&resourceVersion=${this.resourceVersion ?? ''}`, { signal: this.abort.signal });
        if (response.status === 410) {
          this.resourceVersion = undefined; // too old: list again
          continue;
        }
        if (!response.ok || !response.body) throw new Error(`watch ${this.path}: HTTP ${response.status}`);
        this.failures = 0;
        this.setConnection('live');
        const reader = response.body.getReader();
        const decoder = new NdjsonDecoder();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          for (const line of decoder.push(value)) this.apply(line as WatchEvent<T>);
        }
        // The server ended the watch (a timeout, a restart): watch again at once.
      } catch (error) {
        if (this.stopped) return;
        this.failures++;
        this.setConnection('retrying');
        const [min, max] = this.options.retryMs ?? [500, 10_000];
        const wait = Math.min(max, min * 2 ** Math.min(this.failures - 1, 10));
        console.warn(`camlet: ${this.path}: ${String(error)}; again in ${wait} ms`);
        await new Promise<void>((resolve) => (this.timer = setTimeout(resolve, wait)));
      }
    }
  }

  private async list(fetcher: typeof fetch, signal: AbortSignal): Promise<void> {
    const response = await fetcher(this.path, { signal });
    if (!response.ok) throw new Error(`list ${this.path}: HTTP ${response.status}`);
    const body = (await response.json()) as { metadata: { resourceVersion?: string }; items: T[] };
    this.objects.clear();
    for (const item of body.items) this.objects.set(item.metadata.name, item);
    this.resourceVersion = body.metadata.resourceVersion;
    this.emit(undefined);
  }

  private apply(event: WatchEvent<T>): void {
    if (event.type === 'ERROR') {
      this.resourceVersion = undefined;
      throw new Error('watch error: listing again');
    }
    const version = event.object.metadata.resourceVersion;
    if (version !== undefined) this.resourceVersion = version;
    if (event.type === 'DELETED') this.objects.delete(event.object.metadata.name);
    else this.objects.set(event.object.metadata.name, event.object);
    this.emit(event);
  }
}
