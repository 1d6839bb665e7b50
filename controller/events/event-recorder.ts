import type { Clock } from '../../lib/clock.js';
import { copyWith, flatString, newUid } from '../../lib/fixed-shape.js';
import { redactText } from '../../lib/redact.js';
import { ObjectStore, type Revision } from '../store/object-store.js';

export type EventType = 'Normal' | 'Warning';

export interface InvolvedObject {
  kind: string;
  name: string;
  uid?: string;
}

/** An Event as Kubernetes shapes it (core/v1 Event), served under camlet.dev/v1. */
export interface EventObject {
  apiVersion: 'camlet.dev/v1';
  kind: 'Event';
  metadata: { name: string; uid: string; resourceVersion?: string; creationTimestamp: string };
  involvedObject: InvolvedObject & { apiVersion: string };
  type: EventType;
  reason: string;
  message: string;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  source: { component: string };
}

export interface EventRecorderOptions {
  /** Kubernetes keeps events an hour by default; so does camlet. */
  ttlMs?: number;
  /** Oldest events go first beyond this many, so a flapping fleet cannot exhaust memory. */
  maxEvents?: number;
}

/**
 * Records Events and folds repeats together as Kubernetes does: the same object, type, reason
 * and message within the TTL is one Event whose count grows and whose lastTimestamp moves.
 */
export class EventRecorder {
  readonly objects: ObjectStore<EventObject>;
  private readonly byKey = new Map<string, string>();
  /** Events recorded so far: the unique part of each new Event's name. */
  private recorded = 0;
  private readonly ttlMs: number;
  private readonly maxEvents: number;

  constructor(
    revision: Revision,
    private readonly clock: Clock,
    private readonly component: string,
    options: EventRecorderOptions = {},
  ) {
    this.objects = new ObjectStore<EventObject>(revision);
    this.ttlMs = options.ttlMs ?? 60 * 60 * 1000;
    this.maxEvents = options.maxEvents ?? 5000;
  }

  record(involved: InvolvedObject, type: EventType, reason: string, rawMessage: string): EventObject {
    const message = redactText(rawMessage);
    const now = new Date(this.clock.now()).toISOString();
    const key = JSON.stringify([involved.kind, involved.name, type, reason, message]);
    // Room for one more only when this is not a repeat: a repeat replaces its own Event.
    this.expire(this.byKey.has(key) ? 0 : 1);
    const existingName = this.byKey.get(key);
    const existing = existingName ? this.objects.get(existingName) : undefined;
    if (existing) {
      // Re-inserted so that byKey stays in lastTimestamp order, which expire() relies on.
      this.byKey.delete(key);
      this.byKey.set(key, existing.metadata.name);
      return this.objects.put(copyWith(existing, { count: existing.count + 1, lastTimestamp: now }));
    }
    // Named as Kubernetes names them: the object, then a suffix, here the time (a fixed 12 hex
    // digits, so that it never runs into the count) and a count of the events recorded: unique
    // within the controller. (4 random hex digits collided about once in 50 events recorded in
    // the same millisecond, one then replacing the other.)
    const name = flatString(`${involved.name}.${this.clock.now().toString(16).padStart(12, '0')}${(this.recorded++).toString(16)}`);
    this.byKey.set(key, name);
    return this.objects.put({
      apiVersion: 'camlet.dev/v1',
      kind: 'Event',
      metadata: { name, uid: newUid(), creationTimestamp: now },
      involvedObject: { apiVersion: 'camlet.dev/v1', kind: involved.kind, name: involved.name, uid: involved.uid },
      type,
      reason,
      message,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: this.component },
    });
  }

  /** Events about one object, oldest first. */
  for(kind: string, name: string): EventObject[] {
    this.expire();
    return this.objects
      .list()
      .items.filter((e) => e.involvedObject.kind === kind && e.involvedObject.name === name)
      .sort((a, b) => {
        if (a.lastTimestamp !== b.lastTimestamp) return a.lastTimestamp < b.lastTimestamp ? -1 : 1;
        // Within one millisecond, in the order recorded (resourceVersion), not by the random name.
        return Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion);
      });
  }

  /** Drops expired events, and the oldest ones beyond maxEvents with `room` more to come. */
  private expire(room = 0): void {
    const cutoff = new Date(this.clock.now() - this.ttlMs).toISOString();
    const excess = this.objects.size - this.maxEvents + room;
    let evicted = 0;
    // byKey is in lastTimestamp order, oldest first: stop at the first event worth keeping.
    for (const [key, name] of this.byKey) {
      const event = this.objects.get(name);
      if (event && event.lastTimestamp >= cutoff && evicted >= excess) break;
      this.byKey.delete(key);
      this.objects.delete(name);
      evicted++;
    }
  }
}
