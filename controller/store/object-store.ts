/**
 * Objects by name with Kubernetes' resourceVersion and watch semantics: every change gets the
 * next number of one global counter (shared by every kind, like etcd's revision), and a watcher
 * that names a resourceVersion receives every change after it, from a bounded history; one
 * that asks for a version older than that history is told it is too old (HTTP 410), and lists
 * again, as client-go's reflector does.
 */

import { copyWith } from '../../lib/fixed-shape.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredObject {
  metadata: { name: string; resourceVersion?: string };
}

export interface WatchEvent<T> {
  type: WatchEventType;
  object: T;
  /** The version replaced (MODIFIED) or removed (DELETED), so that filtered watches can tell entering from leaving. */
  previous?: T;
}

export class Revision {
  /** `start`: the last version already used (the controller starts past every earlier run's). */
  constructor(private value = 0) {}
  next(): number {
    return ++this.value;
  }
  get current(): number {
    return this.value;
  }
}

export class ResourceVersionTooOld extends Error {
  constructor(
    readonly requested: number,
    readonly oldest: number,
  ) {
    super(`too old resource version: ${requested} (${oldest})`);
  }
}

type Listener<T> = (event: WatchEvent<T>) => void;

export class ObjectStore<T extends StoredObject> {
  private readonly objects = new Map<string, T>();
  private readonly history: { revision: number; event: WatchEvent<T> }[] = [];
  /** Entries of `history` before this index are dropped already; they are spliced off in batches. */
  private historyOffset = 0;
  private readonly listeners = new Set<Listener<T>>();
  /** Revision of the oldest change still in the history: watches from before it are refused. */
  private historyStart: number;

  /**
   * `historyLimit` changes are kept for watches to resume from: enough for a watcher that
   * reconnects after a few seconds (minutes, for a fleet of tens of cameras), as Kubernetes' watch
   * cache keeps about 100 per kind. Each kept change holds two versions of an object, so a bigger
   * history costs a fleet of thousands of cameras tens of megabytes for watchers that can list again.
   */
  constructor(
    private readonly revision: Revision,
    private readonly historyLimit = 1_000,
  ) {
    this.historyStart = revision.current;
  }

  get(name: string): T | undefined {
    return this.objects.get(name);
  }

  get size(): number {
    return this.objects.size;
  }

  /** Every object, in no particular order. */
  values(): IterableIterator<T> {
    return this.objects.values();
  }

  /** The revision the store's objects are consistent with now (the one counter every kind shares). */
  get resourceVersion(): string {
    return String(this.revision.current);
  }

  /** Every object, sorted by name, and the revision the list is consistent with. */
  list(): { items: T[]; resourceVersion: string } {
    const items = [...this.objects.values()].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    return { items, resourceVersion: this.resourceVersion };
  }

  /** Stores a new version of an object; it is stamped with the next resourceVersion. */
  put(object: T): T {
    const revision = this.revision.next();
    const stamped = copyWith(object, { metadata: copyWith(object.metadata, { resourceVersion: String(revision) }) }) as T;
    const previous = this.objects.get(object.metadata.name);
    this.objects.set(object.metadata.name, stamped);
    this.publish(revision, previous ? { type: 'MODIFIED', object: stamped, previous } : { type: 'ADDED', object: stamped });
    return stamped;
  }

  delete(name: string): T | undefined {
    const existing = this.objects.get(name);
    if (!existing) return undefined;
    this.objects.delete(name);
    const revision = this.revision.next();
    const object = copyWith(existing, { metadata: copyWith(existing.metadata, { resourceVersion: String(revision) }) }) as T;
    this.publish(revision, { type: 'DELETED', object, previous: existing });
    return object;
  }

  /**
   * Calls `listener` for every change after `resourceVersion` (replayed from the history first),
   * or, without one, for every current object as ADDED and then every change, as the
   * Kubernetes API does. Throws ResourceVersionTooOld when the history no longer reaches back.
   * Returns the function that ends the watch.
   */
  watch(resourceVersion: number | undefined, listener: Listener<T>): () => void {
    if (resourceVersion === undefined) {
      for (const object of this.list().items) listener({ type: 'ADDED', object });
    } else {
      if (resourceVersion < this.historyStart) throw new ResourceVersionTooOld(resourceVersion, this.historyStart);
      for (let index = this.historyOffset; index < this.history.length; index++) {
        const entry = this.history[index] as (typeof this.history)[number];
        if (entry.revision > resourceVersion) listener(entry.event);
      }
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private publish(revision: number, event: WatchEvent<T>): void {
    this.history.push({ revision, event });
    if (this.history.length - this.historyOffset > this.historyLimit) {
      const dropped = this.history[this.historyOffset] as (typeof this.history)[number];
      this.historyStart = dropped.revision;
      this.historyOffset++;
      // Removing one entry per change would move the whole history at every change, which a
      // fleet of thousands of cameras notices: dropped entries are spliced off in batches.
      if (this.historyOffset >= Math.max(1, this.historyLimit / 4)) {
        this.history.splice(0, this.historyOffset);
        this.historyOffset = 0;
      }
    }
    for (const listener of this.listeners) listener(event);
  }
}
