import type { Recording } from '../recordings/types.js';
import { ResourceVersionTooOld, type Revision, type WatchEvent } from '../store/object-store.js';
import { recordingObject, type RecordingObject } from './recording-object.js';

type Listener = (event: WatchEvent<RecordingObject>) => void;

/**
 * Recordings as they come and go, for `recordings?watch=true`. Recordings live in the index, by
 * the hundred thousand, so unlike cameras and events they are not held in an ObjectStore: only
 * the last `historyLimit` changes are, stamped from the controller's one revision (as every
 * other kind's are), so that a client lists (the list carries the revision), then watches from
 * there, and one that reconnects within the history misses nothing; older, it is told 410 and
 * lists again, as with the other kinds.
 */
export class RecordingChanges {
  private readonly history: { revision: number; event: WatchEvent<RecordingObject> }[] = [];
  private readonly listeners = new Set<Listener>();
  private historyStart: number;

  constructor(
    private readonly revision: Revision,
    private readonly historyLimit = 1_000,
  ) {
    this.historyStart = revision.current;
  }

  /** The revision a list is consistent with. */
  get resourceVersion(): string {
    return String(this.revision.current);
  }

  /** A recording was indexed. */
  added(recording: Recording): void {
    this.publish('ADDED', recording);
  }

  /** A recording was deleted (by retention). */
  deleted(recording: Recording): void {
    this.publish('DELETED', recording);
  }

  /**
   * Calls `listener` for every change after `resourceVersion`, or, without one, first for each
   * object `initial` gives (the current recordings that match, read from the index by the
   * caller) and then for every change. Returns the function that ends the watch.
   */
  watch(resourceVersion: number | undefined, listener: Listener, initial: () => Iterable<RecordingObject> = () => []): () => void {
    if (resourceVersion === undefined) {
      for (const object of initial()) listener({ type: 'ADDED', object });
    } else {
      if (resourceVersion < this.historyStart) throw new ResourceVersionTooOld(resourceVersion, this.historyStart);
      for (const entry of this.history) if (entry.revision > resourceVersion) listener(entry.event);
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private publish(type: 'ADDED' | 'DELETED', recording: Recording): void {
    const revision = this.revision.next();
    const plain = recordingObject(recording);
    const object: RecordingObject = { ...plain, metadata: { ...plain.metadata, resourceVersion: String(revision) } };
    const event: WatchEvent<RecordingObject> = type === 'DELETED' ? { type, object, previous: object } : { type, object };
    this.history.push({ revision, event });
    if (this.history.length > this.historyLimit) {
      // At most one change a second per camera: shifting a thousand entries costs nothing here.
      const dropped = this.history.shift();
      if (dropped) this.historyStart = dropped.revision;
    }
    for (const listener of this.listeners) listener(event);
  }
}
