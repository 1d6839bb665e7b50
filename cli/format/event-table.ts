// The columns of `camlet get events`, as `kubectl get events` shows them.
import type { EventObject } from '../../controller/events/event-recorder.js';
import { age } from './age.js';

export function eventHeaders(wide: boolean): string[] {
  return wide ? ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'SOURCE', 'MESSAGE', 'FIRST SEEN', 'COUNT', 'NAME'] : ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'];
}

export function eventRow(event: EventObject, wide: boolean, now: number): string[] {
  const object = `${event.involvedObject.kind.toLowerCase()}/${event.involvedObject.name}`;
  if (!wide) return [age(event.lastTimestamp, now), event.type, event.reason, object, event.message];
  return [
    age(event.lastTimestamp, now),
    event.type,
    event.reason,
    object,
    event.source.component,
    event.message,
    age(event.firstTimestamp, now),
    String(event.count),
    event.metadata.name,
  ];
}

/** Oldest first, as they happened: by last time seen, then in the order the server recorded them. */
export function byLastSeen(a: EventObject, b: EventObject): number {
  if (a.lastTimestamp !== b.lastTimestamp) return a.lastTimestamp < b.lastTimestamp ? -1 : 1;
  return Number(a.metadata.resourceVersion ?? 0) - Number(b.metadata.resourceVersion ?? 0);
}
