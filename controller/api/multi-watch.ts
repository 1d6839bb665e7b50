// GET /apis/camlet.dev/v1/watch: the cameras, events and recordings watches over one connection,
// for the dashboard: a browser allows few connections per host (six over HTTP/1.1), and one
// stream is one thing to keep alive. Each line is a Kubernetes watch event whose object says its
// kind (Camera, Event, Recording). Every kind is stamped from the controller's one revision, so
// one resourceVersion resumes them all.
//
// Without resourceVersion: every camera and event, and the recordings of the last day (newest
// first, at most `recordingsLimit`), as ADDED, then a BOOKMARK annotated
// `k8s.io/initial-events-end: "true"` carrying the resourceVersion they are consistent with (as
// Kubernetes' sendInitialEvents does). With one: every change after it, in revision order. Then
// changes as they happen, and a BOOKMARK every `bookmarkSeconds` with the current revision, by
// which a client knows that a silent connection is alive. A resourceVersion older than a kind's
// history (one from before a restart is: versions count on from the controller's start time), or
// newer than the server's revision, is 410 Expired: start again without one.
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { EventObject } from '../events/event-recorder.js';
import { MAX_PAGE } from '../recordings/recordings-table.js';
import type { CameraObject } from '../store/camera-store.js';
import { ResourceVersionTooOld, type ObjectStore, type StoredObject, type WatchEvent } from '../store/object-store.js';
import { LineStream } from './line-stream.js';
import { recordingObject, type RecordingObject } from './recording-object.js';
import { parseTime, QueryError, single } from './recording-query.js';
import type { RecordingsApiSources } from './recordings-routes.js';
import { replyStatus } from './status-error.js';
import { MAX_TIMEOUT_SECONDS } from './watch-stream.js';

export const MULTI_WATCH_PATH = '/apis/camlet.dev/v1/watch';
const KINDS = ['cameras', 'events', 'recordings'] as const;
type Kind = (typeof KINDS)[number];
const DEFAULT_BOOKMARK_SECONDS = 10;
const MAX_BOOKMARK_SECONDS = 300;
const DAY_MS = 86_400_000;
export const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';
/** On the initial-events-end bookmark when more recordings matched than were sent. */
export const RECORDINGS_TRUNCATED = 'camlet.dev/recordings-truncated';

export interface MultiWatchSources {
  cameras: ObjectStore<CameraObject>;
  events: ObjectStore<EventObject>;
  recordings?: RecordingsApiSources;
}

type Listener = (event: WatchEvent<StoredObject>) => void;
type Subscribe = (resourceVersion: number | undefined, listener: Listener) => () => void;

interface Parameters {
  kinds: Kind[];
  resourceVersion: number | undefined;
  recordingsSince: number;
  recordingsLimit: number;
  bookmarkSeconds: number;
  timeoutSeconds: number;
}

function whole(ctx: Context, name: string, fallback: number, min: number, max: number): number {
  const text = single(ctx, name);
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new QueryError(`${name} ${JSON.stringify(text)} must be an integer from ${min} to ${max}`);
  return value;
}

function parameters(ctx: Context, sources: MultiWatchSources, now: number): Parameters {
  const served = KINDS.filter((kind) => kind !== 'recordings' || sources.recordings?.changes !== undefined);
  const kindsText = single(ctx, 'kinds');
  const kinds = kindsText === undefined || kindsText === '' ? served : [...new Set(kindsText.split(','))];
  for (const kind of kinds) {
    if (!served.includes(kind as Kind)) throw new QueryError(`kinds: ${JSON.stringify(kind)} cannot be watched here; the kinds are ${served.join(', ')}`);
  }
  const since = single(ctx, 'recordingsSince');
  return {
    kinds: kinds as Kind[],
    // 0 means "any version" in Kubernetes: from scratch, as no version does.
    resourceVersion: whole(ctx, 'resourceVersion', 0, 0, Number.MAX_SAFE_INTEGER) || undefined,
    recordingsSince: since === undefined || since === '' ? now - DAY_MS : parseTime(since, 'recordingsSince'),
    recordingsLimit: whole(ctx, 'recordingsLimit', MAX_PAGE, 1, MAX_PAGE),
    bookmarkSeconds: whole(ctx, 'bookmarkSeconds', DEFAULT_BOOKMARK_SECONDS, 1, MAX_BOOKMARK_SECONDS),
    timeoutSeconds: whole(ctx, 'timeoutSeconds', 0, 0, MAX_TIMEOUT_SECONDS),
  };
}

/**
 * How each asked kind is watched. Recordings live in the index: the initial ones are read from it
 * (the newest of those ending after recordingsSince; `outcome.truncated` says whether more
 * matched), and deletions of older ones, which the client never had, are left out.
 */
function subscriptions(sources: MultiWatchSources, p: Parameters, outcome: { truncated: boolean }): Record<Kind, Subscribe> {
  const recordings: Subscribe = (resourceVersion, listener) => {
    const { index, changes } = sources.recordings as Required<RecordingsApiSources>;
    const initial = () => {
      const page = index.listRecordings({ from: p.recordingsSince, order: 'newest', limit: p.recordingsLimit });
      outcome.truncated = page.continue !== undefined;
      return page.items.map(recordingObject);
    };
    const recent = (object: RecordingObject) => Date.parse(object.spec.end) > p.recordingsSince;
    return changes.watch(
      resourceVersion,
      (event) => {
        if (event.type === 'ADDED' || recent(event.object)) listener(event);
      },
      initial,
    );
  };
  return { cameras: (rv, listener) => sources.cameras.watch(rv, listener), events: (rv, listener) => sources.events.watch(rv, listener), recordings };
}

const revisionOf = (event: WatchEvent<StoredObject>) => Number(event.object.metadata.resourceVersion);

function bookmark(resourceVersion: string, annotations?: Record<string, string>) {
  return { type: 'BOOKMARK', object: { apiVersion: 'camlet.dev/v1', kind: 'Bookmark', metadata: { resourceVersion, ...(annotations ? { annotations } : {}) } } };
}

function serveMultiWatch(ctx: Context, sources: MultiWatchSources, closeAll: Set<() => void>): void {
  const p = parameters(ctx, sources, (sources.recordings?.now ?? Date.now)());
  // Every kind shares the controller's revision: any store tells the current one.
  const current = () => sources.cameras.resourceVersion;
  if (p.resourceVersion !== undefined && p.resourceVersion > Number(current())) {
    replyStatus(ctx, 'Expired', `too new resource version: ${p.resourceVersion} (${current()}): not one of this controller's; watch again without one`);
    return;
  }

  const lines = new LineStream(closeAll);
  const write = (line: unknown) => lines.write(JSON.stringify(line));
  // Changes are written a microtask later, sorted: a change made while another is published (an
  // Event recorded for a camera's change) gets the next revision but reaches us first, and a
  // client that resumes from the highest version it saw must not skip the lower one.
  const queued: WatchEvent<StoredObject>[] = [];
  let live = false;
  const flush = () => {
    for (const event of queued.splice(0).sort((a, b) => revisionOf(a) - revisionOf(b))) write({ type: event.type, object: event.object });
  };
  const listener: Listener = (event) => {
    if (queued.push(event) === 1 && live) queueMicrotask(flush);
  };

  const recordings = { truncated: false };
  const subscribe = subscriptions(sources, p, recordings);
  const unsubscribes: (() => void)[] = [];
  try {
    for (const kind of p.kinds) unsubscribes.push(subscribe[kind](p.resourceVersion, listener));
  } catch (error) {
    for (const unsubscribe of unsubscribes) unsubscribe();
    if (error instanceof ResourceVersionTooOld) {
      replyStatus(ctx, 'Expired', error.message);
      return;
    }
    throw error;
  }
  // Everything so far was read in this one turn of the event loop: consistent with `current()`.
  if (p.resourceVersion === undefined) {
    for (const event of queued.splice(0)) write({ type: event.type, object: event.object });
    write(bookmark(current(), { [INITIAL_EVENTS_END]: 'true', ...(recordings.truncated ? { [RECORDINGS_TRUNCATED]: 'true' } : {}) }));
  } else {
    flush();
  }
  live = true;

  const bookmarks = setInterval(() => write(bookmark(current())), p.bookmarkSeconds * 1000);
  const timeout = p.timeoutSeconds > 0 ? setTimeout(lines.end, p.timeoutSeconds * 1000) : undefined;
  lines.answer(ctx, 'application/json', () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
    clearInterval(bookmarks);
    clearTimeout(timeout);
  });
}

export function addMultiWatchRoute(router: Router, sources: MultiWatchSources, closeAll: Set<() => void>): void {
  router.get(MULTI_WATCH_PATH, (ctx) => {
    try {
      serveMultiWatch(ctx, sources, closeAll);
    } catch (error) {
      if (!(error instanceof QueryError)) throw error;
      replyStatus(ctx, 'BadRequest', error.message);
    }
  });
}
