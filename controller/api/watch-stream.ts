import type { Context } from 'koa';
import type { ObjectStore, StoredObject, WatchEvent } from '../store/object-store.js';
import { ResourceVersionTooOld } from '../store/object-store.js';
import { LineStream } from './line-stream.js';
import { replyStatus } from './status-error.js';

/** The longest timeoutSeconds a watch keeps: a timer holds at most 2^31 - 1 ms. */
export const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** The type a filtered watcher sees for an event, or undefined when the object is not its business. */
function filtered<T extends StoredObject>(event: WatchEvent<T>, matches: (object: T) => boolean): WatchEvent<T>['type'] | undefined {
  const before = event.previous !== undefined && matches(event.previous);
  const after = event.type !== 'DELETED' && matches(event.object);
  if (before && after) return 'MODIFIED';
  if (after) return 'ADDED';
  if (before) return 'DELETED';
  return undefined;
}

/**
 * Serves `?watch=true` as the Kubernetes API does: one JSON object per line,
 * {"type":"ADDED|MODIFIED|DELETED","object":{...}}, from the given resourceVersion (or all
 * current objects first), for as long as the client stays or `timeoutSeconds` runs.
 * With a filter, an object that starts matching arrives as ADDED and one that stops as DELETED,
 * so the client's picture of "the matching objects" stays right. Anything with an ObjectStore's
 * watch() can be served: recordings, which live in the index, have their own (recording-changes.ts).
 */
export function serveWatch<T extends StoredObject>(ctx: Context, store: Pick<ObjectStore<T>, 'watch'>, matches: (object: T) => boolean, closeAll: Set<() => void>): void {
  const rawVersion = ctx.query.resourceVersion;
  const resourceVersion = typeof rawVersion === 'string' && rawVersion !== '' && rawVersion !== '0' ? Number(rawVersion) : undefined;
  if (resourceVersion !== undefined && !Number.isSafeInteger(resourceVersion)) {
    replyStatus(ctx, 'BadRequest', `resourceVersion must be a number, got ${JSON.stringify(rawVersion)}`);
    return;
  }
  // Capped to what a timer holds (2^31 - 1 ms): Node fires a longer one at once.
  const timeoutSeconds = Math.min(Number(ctx.query.timeoutSeconds ?? 0), MAX_TIMEOUT_SECONDS);

  const lines = new LineStream(closeAll);
  const send = (event: WatchEvent<T>) => {
    const type = filtered(event, matches);
    if (type) lines.write(JSON.stringify({ type, object: event.object }));
  };

  let unsubscribe: () => void;
  try {
    unsubscribe = store.watch(resourceVersion, send);
  } catch (error) {
    if (error instanceof ResourceVersionTooOld) {
      replyStatus(ctx, 'Expired', error.message);
      return;
    }
    throw error;
  }

  const timer = timeoutSeconds > 0 ? setTimeout(lines.end, timeoutSeconds * 1000) : undefined;
  lines.answer(ctx, 'application/json', () => {
    unsubscribe();
    clearTimeout(timer);
  });
}
