// The API's watch of every kind over one connection (GET /apis/camlet.dev/v1/watch; see
// controller/api/multi-watch.ts), feeding one store per kind (kind-store.ts). It starts without a
// resourceVersion: the server sends every object as ADDED, then a bookmark marking their end, at
// which each store takes its new set whole (objects deleted while away go, and views never see
// a half-filled set). Then it applies changes and keeps the last resourceVersion seen. When the
// connection ends, fails, or falls silent (not even the server's periodic bookmark for
// `silenceMs`: a connection dead without a word, as after a laptop's sleep or a cut network), it
// watches again from that version, or afresh when the server answers 410 (the version is too
// old, or the controller restarted), waiting longer after each failure.
import type { Named } from './kind-store';
import { NdjsonDecoder } from './ndjson';
import type { WatchEvent } from './types';

const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

interface Line {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Named & { kind?: string; metadata: { annotations?: Record<string, string> } };
}

/** What the watch needs of a kind's store (KindStore is one). */
export interface WatchedKind {
  /** The objects' kind, as the lines say it: Camera, Event, Recording. */
  readonly kind: string;
  apply(event: WatchEvent<Named>): void;
  replace(items: Iterable<Named>): void;
  setConnection(connection: 'live' | 'retrying'): void;
}

export interface MultiWatchOptions {
  /** Minimum and maximum wait before trying again. */
  retryMs?: [number, number];
  /** How often the server is asked to send a bookmark. */
  bookmarkSeconds?: number;
  /** Silence after which the connection counts as dead; three bookmarks' time by default. */
  silenceMs?: number;
  fetch?: typeof fetch;
}

export class MultiWatch {
  private resourceVersion: string | undefined;
  /** The objects of a fresh start, by store, until its initial-events-end bookmark. */
  private staged: Map<WatchedKind, Map<string, Named>> | undefined;
  private abort: AbortController | undefined;
  private stopped = true;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly byKind: Map<string, WatchedKind>;
  private readonly bookmarkSeconds: number;

  /** `stores` by the API's resource name (cameras, events, recordings). */
  constructor(
    private readonly path: string,
    private readonly stores: Record<string, WatchedKind>,
    private readonly options: MultiWatchOptions = {},
  ) {
    this.byKind = new Map(Object.values(stores).map((store) => [store.kind, store]));
    this.bookmarkSeconds = options.bookmarkSeconds ?? 10;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort?.abort();
  }

  private url(): string {
    const query = new URLSearchParams({ kinds: Object.keys(this.stores).join(','), bookmarkSeconds: String(this.bookmarkSeconds) });
    if (this.resourceVersion !== undefined) query.set('resourceVersion', this.resourceVersion);
    return `${this.path}?${query.toString()}`;
  }

  private setConnection(connection: 'live' | 'retrying'): void {
    for (const store of this.byKind.values()) store.setConnection(connection);
  }

  private async run(): Promise<void> {
    const fetcher = this.options.fetch ?? fetch.bind(globalThis);
    const silenceMs = this.options.silenceMs ?? 3 * this.bookmarkSeconds * 1000;
    while (!this.stopped) {
      const abort = (this.abort = new AbortController());
      let silence: ReturnType<typeof setTimeout> | undefined;
      const alive = () => {
        clearTimeout(silence);
        silence = setTimeout(() => abort.abort(new Error(`nothing heard for ${silenceMs} ms`)), silenceMs);
      };
      try {
        alive();
        const response = await fetcher(this.url(), { signal: abort.signal });
        if (response.status === 410 && this.resourceVersion !== undefined) {
          await response.body?.cancel();
          this.resourceVersion = undefined; // too old, or from before a restart: start afresh
          continue;
        }
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        this.failures = 0;
        this.staged = this.resourceVersion === undefined ? new Map() : undefined;
        if (!this.staged) this.setConnection('live');
        const reader = response.body.getReader();
        const decoder = new NdjsonDecoder();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          alive();
          for (const line of decoder.push(value)) this.take(line as Line);
        }
        // The server ended the watch (its timeout, a restart): watch again at once.
      } catch (error) {
        if (this.stopped) return;
        this.failures++;
        this.setConnection('retrying');
        const [min, max] = this.options.retryMs ?? [500, 10_000];
        const wait = Math.min(max, min * 2 ** Math.min(this.failures - 1, 10));
        console.warn(`camlet: ${this.path}: ${String(error)}; again in ${wait} ms`);
        await new Promise<void>((resolve) => (this.timer = setTimeout(resolve, wait)));
      } finally {
        clearTimeout(silence);
      }
    }
  }

  private take(line: Line): void {
    const { type, object } = line;
    if (type === 'ERROR') {
      this.resourceVersion = undefined;
      throw new Error(`watch error ${JSON.stringify(object)}: starting afresh`);
    }
    if (type === 'BOOKMARK') {
      if (this.staged && object.metadata.annotations?.[INITIAL_EVENTS_END] === 'true') {
        for (const store of this.byKind.values()) store.replace(this.staged.get(store)?.values() ?? []);
        this.staged = undefined;
        this.setConnection('live');
      }
      if (!this.staged) this.resourceVersion = object.metadata.resourceVersion ?? this.resourceVersion;
      return;
    }
    const store = this.byKind.get(object.kind ?? '');
    if (this.staged) {
      // Initial objects carry the version of their last change, not the stream's: no resuming from them.
      if (!store) return;
      const objects = this.staged.get(store) ?? new Map<string, Named>();
      this.staged.set(store, objects);
      if (type === 'DELETED') objects.delete(object.metadata.name);
      else objects.set(object.metadata.name, object);
      return;
    }
    store?.apply(line as WatchEvent<Named>);
    this.resourceVersion = object.metadata.resourceVersion ?? this.resourceVersion;
  }
}
