// The objects of one kind as the dashboard holds them, by name, kept up to date by the one watch
// connection (multi-watch.ts); views read `objects` and `connection` and subscribe to changes.
import type { WatchEvent } from './types';

export interface Named {
  metadata: { name: string; resourceVersion?: string };
}

export type Connection = 'connecting' | 'live' | 'retrying';

/** `change` is undefined after the whole set was replaced, or the connection changed. */
export type KindListener<T> = (change: WatchEvent<T> | undefined) => void;

export class KindStore<T extends Named> {
  readonly objects = new Map<string, T>();
  connection: Connection = 'connecting';
  private readonly listeners = new Set<KindListener<T>>();

  /**
   * `kind` is the objects' own: what the watch's lines say (Camera, Event, Recording).
   * `maxObjects`: past it, the longest held go first (recordings arrive for as long as the page
   * stays open; the dashboard needs the recent ones).
   */
  constructor(
    readonly kind: string,
    private readonly maxObjects = Number.POSITIVE_INFINITY,
  ) {}

  subscribe(listener: KindListener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One change from the watch. */
  apply(event: WatchEvent<T>): void {
    if (event.type === 'DELETED') this.objects.delete(event.object.metadata.name);
    else this.objects.set(event.object.metadata.name, event.object);
    // A Map keeps insertion order: the first keys are the longest held.
    for (const name of this.objects.keys()) {
      if (this.objects.size <= this.maxObjects) break;
      this.objects.delete(name);
    }
    this.emit(event);
  }

  /** Every object, after the watch started afresh: whatever went meanwhile goes. */
  replace(items: Iterable<T>): void {
    this.objects.clear();
    for (const item of items) this.objects.set(item.metadata.name, item);
    this.emit(undefined);
  }

  setConnection(connection: Connection): void {
    if (this.connection === connection) return;
    this.connection = connection;
    this.emit(undefined);
  }

  private emit(change: WatchEvent<T> | undefined): void {
    for (const listener of this.listeners) listener(change);
  }
}
