import { PassThrough } from 'node:stream';
import type { Context } from 'koa';
import type { ObjectStore, StoredObject, WatchEvent } from '../store/object-store.js';
import { ResourceVersionTooOld } from '../store/object-store.js';
import { replyStatus } from './status-error.js';

/** A watcher this far behind (bytes not yet taken by the client) is cut off; it will list again. */
/** The longest timeoutSeconds a watch keeps: a timer holds at most 2^31 - 1 ms. */
export const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

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

  const stream = new PassThrough();
  let end = () => {};
  const send = (event: WatchEvent<T>) => {
    const type = filtered(event, matches);
    if (!type) return;
    stream.write(`${JSON.stringify({ type, object: event.object })}\n`);
    if (stream.writableLength > MAX_BUFFERED_BYTES) end();
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

  let timer: NodeJS.Timeout | undefined;
  end = () => {
    unsubscribe();
    clearTimeout(timer);
    closeAll.delete(end);
    stream.end();
  };
  closeAll.add(end);
  if (timeoutSeconds > 0) timer = setTimeout(end, timeoutSeconds * 1000);
  ctx.req.on('close', end);
  ctx.status = 200;
  ctx.type = 'application/json';
  ctx.set('Cache-Control', 'no-cache');
  // Sent at once, so a client sees the watch established before the first change.
  ctx.res.flushHeaders?.();
  ctx.body = stream;
}
