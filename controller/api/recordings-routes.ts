// GET /apis/camlet.dev/v1/recordings (list, ?watch=true), recordings/ID, recordings/ID/content
// (the MP4, with ranges), recordings/ID/thumbnail (a JPEG), motionevents, motionevents/ID and
// timeline: the recordings index, served. Files are found by id through the index, never by a
// path from the request.
import { basename, relative } from 'node:path';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from '../../lib/logger.js';
import { DurationError, parseDuration } from '../../lib/duration.js';
import { ContinueTokenError } from '../recordings/continue-token.js';
import type { RecordingQuery } from '../recordings/recordings-table.js';
import type { RecordingsIndex } from '../recordings/recordings-index.js';
import type { ThumbnailCache } from '../recordings/thumbnail-cache.js';
import type { Recording } from '../recordings/types.js';
import type { CameraObject } from '../store/camera-store.js';
import type { ObjectStore } from '../store/object-store.js';
import type { RecordingChanges } from './recording-changes.js';
import { openStoredFile } from './recording-file.js';
import { motionEventObject, recordingObject, type RecordingObject } from './recording-object.js';
import { cameraFilter, optionalTime, pageParameters, QueryError, single, stateParameter } from './recording-query.js';
import { serveOpenedFile } from './serve-file.js';
import { notFound, replyStatus } from './status-error.js';
import { serveWatch } from './watch-stream.js';

export interface RecordingsApiSources {
  index: RecordingsIndex;
  storage: string;
  /** For labelSelector: recordings are selected by their camera's labels. */
  cameras: ObjectStore<CameraObject>;
  thumbnails: ThumbnailCache;
  /** Changes for ?watch=true; without it, recordings are list-only. */
  changes?: RecordingChanges;
  now?: () => number;
}

const API = '/apis/camlet.dev/v1';
const GROUP_VERSION = 'camlet.dev/v1';
/** What worker ids (UUIDs) and derived ids look like; anything else (a path, "..") is refused before the index is asked. */
const RECORDING_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** A watch without resourceVersion sends every matching recording first; beyond this many, list and watch from the list. */
export const MAX_WATCH_INITIAL = 10_000;
const DAY_MS = 86_400_000;
/** Slots of a timeline when no resolution is asked: a minute per slot over 24 hours. */
const DEFAULT_SLOTS = 1440;

/** Runs a handler; a bad parameter (ours, or one the index refuses) is a 400 naming it. */
async function guarded(ctx: Context, handler: () => void | Promise<void>): Promise<void> {
  try {
    await handler();
  } catch (error) {
    if (error instanceof QueryError || error instanceof ContinueTokenError || error instanceof RangeError) {
      replyStatus(ctx, 'BadRequest', error.message);
      return;
    }
    throw error;
  }
}

function findRecording(ctx: Context, index: RecordingsIndex, id: string): Recording | undefined {
  if (!RECORDING_ID.test(id)) {
    replyStatus(ctx, 'BadRequest', `recording id ${JSON.stringify(id.slice(0, 200))} is malformed: ids are 1 to 128 letters, digits, '.', '_' or '-'`);
    return undefined;
  }
  const recording = index.getRecording(id);
  if (!recording) notFound(ctx, 'recordings', id);
  return recording;
}

const watchAsked = (ctx: Context) => ctx.query.watch === 'true' || ctx.query.watch === '1';

/** Whether a recording (as a watch event carries it) is one the query selects. */
function matcher(query: RecordingQuery): (object: RecordingObject) => boolean {
  return ({ spec, status }) =>
    (query.camera === undefined || spec.camera === query.camera) &&
    (query.cameras === undefined || query.cameras.includes(spec.camera)) &&
    !(query.excludeCameras?.includes(spec.camera) ?? false) &&
    (query.trigger === undefined || spec.trigger === query.trigger) &&
    (query.state === undefined || status.state === query.state) &&
    (query.from === undefined || Date.parse(spec.end) > query.from) &&
    (query.to === undefined || Date.parse(spec.start) < query.to);
}

function watchRecordings(ctx: Context, sources: RecordingsApiSources, query: RecordingQuery, closeAll: Set<() => void>): void {
  const { changes, index } = sources;
  if (!changes) {
    replyStatus(ctx, 'MethodNotAllowed', 'recordings cannot be watched here');
    return;
  }
  const raw = ctx.query.resourceVersion;
  const fromScratch = raw === undefined || raw === '' || raw === '0';
  const initial: RecordingObject[] = [];
  if (fromScratch) {
    // Read now, and subscribed in the same turn of the event loop (serveWatch below): no change can fall in between.
    const { limit: _limit, continue: _continue, ...filters } = query;
    for (let token: string | undefined, first = true; first || token; first = false) {
      const page = index.listRecordings({ ...filters, order: 'oldest', limit: 1000, ...(token ? { continue: token } : {}) });
      initial.push(...page.items.map(recordingObject));
      token = page.continue;
      if (initial.length > MAX_WATCH_INITIAL) {
        replyStatus(ctx, 'BadRequest', `more than ${MAX_WATCH_INITIAL} recordings match, too many to send before the changes: narrow the watch (camera, from, to), or list first and watch from the list's metadata.resourceVersion`);
        return;
      }
    }
  }
  serveWatch(ctx, { watch: (resourceVersion, listener) => changes.watch(resourceVersion, listener, () => initial) }, matcher(query), closeAll);
}

/** resolution= as a duration (30s, 5m, 1h) or bare seconds; by default the window in 1440 slots, whole seconds. */
function resolutionMs(ctx: Context, fromMs: number, toMs: number): number {
  const text = single(ctx, 'resolution');
  if (text === undefined || text === '') return Math.max(1000, Math.ceil((toMs - fromMs) / DEFAULT_SLOTS / 1000) * 1000);
  let ms: number;
  try {
    ms = parseDuration(text, { bareSeconds: true });
  } catch (error) {
    if (error instanceof DurationError) throw new QueryError(`resolution ${JSON.stringify(text)} must be a duration such as 60s, 5m or 1h (or a number of seconds)`);
    throw error;
  }
  if (!Number.isSafeInteger(ms) || ms < 1) throw new QueryError(`resolution ${JSON.stringify(text)} must be a whole number of milliseconds, at least 1ms`);
  return ms;
}

export function addRecordingRoutes(router: Router, sources: RecordingsApiSources, closeAll: Set<() => void>, logger: Logger): void {
  const { index, storage } = sources;

  router.get(`${API}/recordings`, (ctx) =>
    guarded(ctx, () => {
      const state = stateParameter(ctx);
      const query: RecordingQuery = { ...cameraFilter(ctx, sources.cameras), ...pageParameters(ctx), ...(state ? { state } : {}) };
      if (watchAsked(ctx)) return watchRecordings(ctx, sources, query, closeAll);
      // Taken before the read: a change made after it is replayed to a watch from this version.
      const resourceVersion = sources.changes?.resourceVersion;
      const page = index.listRecordings(query);
      ctx.body = {
        kind: 'RecordingList',
        apiVersion: GROUP_VERSION,
        metadata: { ...(resourceVersion ? { resourceVersion } : {}), ...(page.continue ? { continue: page.continue } : {}) },
        items: page.items.map(recordingObject),
      };
    }),
  );

  router.get(`${API}/recordings/:id`, (ctx) => {
    const recording = findRecording(ctx, index, ctx.params.id ?? '');
    if (recording) ctx.body = recordingObject(recording);
  });

  router.get(`${API}/recordings/:id/content`, (ctx) =>
    guarded(ctx, async () => {
      const recording = findRecording(ctx, index, ctx.params.id ?? '');
      if (!recording) return;
      const download = single(ctx, 'download');
      if (recording.state !== 'complete') return notServed(ctx, recording, `it is ${recording.state}`);
      const file = await openStoredFile(storage, recording.path, recording.id);
      if (!file) return notServed(ctx, recording, 'its file is not in storage');
      serveOpenedFile(ctx, file, { contentType: 'video/mp4', fileName: basename(recording.path), download: download === '1' || download === 'true', cacheControl: 'private, no-cache' });
    }),
  );

  router.get(`${API}/recordings/:id/thumbnail`, async (ctx) => {
    const recording = findRecording(ctx, index, ctx.params.id ?? '');
    if (!recording) return;
    if (recording.state !== 'complete') return notServed(ctx, recording, `it is ${recording.state}`);
    const video = await openStoredFile(storage, recording.path, recording.id);
    if (!video) return notServed(ctx, recording, 'its file is not in storage');
    await video.handle.close();
    // The first motion it holds; a continuous recording with none shows its start.
    const motion = index.motionEventsOf(recording.id)[0];
    const seek = motion ? Math.min(Math.max(0, (motion.startMs - recording.startMs) / 1000), Math.max(0, recording.durationSeconds - 0.05)) : 0;
    let thumbnail;
    try {
      thumbnail = await sources.thumbnails.get(recording.id, video.path, seek);
    } catch (error) {
      logger.error({ camera: recording.camera, recordingID: recording.id, err: (error as Error).message }, 'thumbnail failed');
      return replyStatus(ctx, 'InternalError', `could not make the thumbnail of recording ${recording.id}: ${(error as Error).message.slice(0, 300)}`);
    }
    const image = await openStoredFile(storage, relative(storage, thumbnail.file), `${recording.id}.jpg`);
    if (!image) return notServed(ctx, recording, 'its thumbnail went away');
    ctx.set('X-Thumbnail-Cache', thumbnail.cached ? 'hit' : 'miss');
    serveOpenedFile(ctx, image, { contentType: 'image/jpeg', fileName: `${basename(recording.path, '.mp4')}.jpg`, cacheControl: 'private, max-age=86400' });
  });

  router.get(`${API}/motionevents`, (ctx) =>
    guarded(ctx, () => {
      const recording = single(ctx, 'recording');
      if (recording !== undefined && !RECORDING_ID.test(recording)) throw new QueryError(`recording ${JSON.stringify(recording.slice(0, 200))} is not a recording id`);
      const page = index.listMotionEvents({ ...cameraFilter(ctx, sources.cameras), ...pageParameters(ctx), ...(recording !== undefined ? { recording } : {}) });
      ctx.body = { kind: 'MotionEventList', apiVersion: GROUP_VERSION, metadata: page.continue ? { continue: page.continue } : {}, items: page.items.map(motionEventObject) };
    }),
  );

  router.get(`${API}/motionevents/:id`, (ctx) => {
    const id = ctx.params.id ?? '';
    const event = /^\d{1,15}$/.test(id) ? index.getMotionEvent(Number(id)) : undefined;
    if (event) ctx.body = motionEventObject(event);
    else if (/^\d{1,15}$/.test(id)) notFound(ctx, 'motionevents', id);
    else replyStatus(ctx, 'BadRequest', `motion event id ${JSON.stringify(id.slice(0, 200))} must be a number`);
  });

  router.get(`${API}/timeline`, (ctx) =>
    guarded(ctx, () => {
      const filter = cameraFilter(ctx, sources.cameras);
      const toMs = optionalTime(ctx, 'to') ?? (sources.now ?? Date.now)();
      const fromMs = optionalTime(ctx, 'from') ?? toMs - DAY_MS;
      if (toMs <= fromMs) throw new QueryError(`to (${new Date(toMs).toISOString()}) must be after from (${new Date(fromMs).toISOString()})`);
      const resolution = resolutionMs(ctx, fromMs, toMs);
      const iso = (ms: number) => new Date(ms).toISOString();
      ctx.body = {
        kind: 'Timeline',
        apiVersion: GROUP_VERSION,
        from: iso(fromMs),
        to: iso(toMs),
        resolutionSeconds: resolution / 1000,
        cameras: index.timeline({ ...filter, fromMs, toMs, resolutionMs: resolution }).map((camera) => ({
          camera: camera.camera,
          intervals: camera.intervals.map((i) => ({ start: iso(i.startMs), end: iso(i.endMs), recordings: i.recordings, triggers: i.triggers })),
          motion: camera.motion.map((m) => ({ start: iso(m.startMs), count: m.count, peakScore: m.peakScore })),
        })),
      };
    }),
  );
}

function notServed(ctx: Context, recording: Recording, why: string): void {
  replyStatus(ctx, 'NotFound', `recording ${recording.id} cannot be served: ${why}`, { name: recording.id, group: 'camlet.dev', kind: 'recordings' });
}
