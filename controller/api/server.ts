import { createServer, type Server } from 'node:http';
import Router from '@koa/router';
import Koa, { type Context } from 'koa';
import type { Registry } from 'prom-client';
import type { Logger } from '../../lib/logger.js';
import type { EventObject } from '../events/event-recorder.js';
import type { WorkerInfo } from '../lifecycle/camera-supervisor.js';
import type { WorkerLogs } from '../logs/worker-logs.js';
import type { LiveHub } from '../live/live-hub.js';
import { attachLiveSockets } from '../live/live-socket.js';
import type { ManifestWriter } from '../manifests/manifest-writer.js';
import type { CameraObject } from '../store/camera-store.js';
import type { ObjectStore, StoredObject } from '../store/object-store.js';
import { controllerVersion } from '../version.js';
import { addCameraLogRoute } from './camera-log.js';
import { addCameraWriteRoutes } from './camera-writes.js';
import { LabelSelectorError, parseLabelSelector } from './label-selector.js';
import { addRecordRoutes, type ManualRecordingSources } from './record-routes.js';
import { addMultiWatchRoute } from './multi-watch.js';
import { addRecordingRoutes, type RecordingsApiSources } from './recordings-routes.js';
import { refuseCrossSiteWrites } from './same-origin.js';
import { notFound, replyStatus } from './status-error.js';
import { serveUi } from './static-ui.js';
import { addStorageRoute, type StorageApiSources } from './storage-api.js';
import { serveWatch } from './watch-stream.js';

const GROUP_VERSION = 'camlet.dev/v1';

/**
 * What the API serves; the controller provides it. The API changes nothing itself: writes go
 * to the manifests folder, through the writer, and come back through the manifest watcher.
 */
export interface ApiSources {
  cameras: ObjectStore<CameraObject>;
  events: ObjectStore<EventObject>;
  metrics: Registry;
  /** Manifests loaded and every camera reconciled once. */
  ready(): boolean;
  health(): unknown;
  status(): unknown;
  worker(name: string): WorkerInfo | undefined;
  /** Writes manifests for PUT, POST and DELETE on cameras; without it, cameras are read-only. */
  manifests?: ManifestWriter;
  /** The workers' recent log lines, for cameras/NAME/log; without it, that is not served. */
  logs?: WorkerLogs;
  /** The recordings index, its files and thumbnails; without it, recordings are not served. */
  recordings?: RecordingsApiSources;
  /** The built web dashboard's folder (dist/ui), served at /; without it, no dashboard. */
  ui?: string;
  /** Live views (WebSocket cameras/NAME/live); without it, none. */
  live?: LiveHub;
  /** Manual recordings (POST cameras/NAME/record, POST record) through the workers; without it, none. */
  record?: ManualRecordingSources['record'];
  /** The storage figures, rate and outlook (GET storage); without it, not served. */
  storage?: StorageApiSources;
}

/** GET /version, shaped as Kubernetes' version.Info (with Node's version where Go's would be). */
export function versionInfo(): Record<string, string> {
  const [major = '0', minor = '0'] = controllerVersion.split('.');
  return { major, minor, gitVersion: `v${controllerVersion}`, nodeVersion: process.version, platform: `${process.platform}/${process.arch}` };
}

function parseSelector(ctx: Context): ((labels: Record<string, string>) => boolean) | undefined {
  const text = ctx.query.labelSelector;
  if (text === undefined) return () => true;
  if (typeof text !== 'string') {
    replyStatus(ctx, 'BadRequest', 'labelSelector given more than once');
    return undefined;
  }
  try {
    const selector = parseLabelSelector(text);
    return (labels) => selector.matches(labels);
  } catch (error) {
    if (error instanceof LabelSelectorError) {
      replyStatus(ctx, 'BadRequest', `unable to parse labelSelector ${JSON.stringify(text)}: ${error.message}`);
      return undefined;
    }
    throw error;
  }
}

/** fieldSelector on events, the fields kubectl uses: involvedObject.kind/name, type, reason. */
function parseEventFieldSelector(ctx: Context): ((event: EventObject) => boolean) | undefined {
  const text = ctx.query.fieldSelector;
  if (text === undefined || text === '') return () => true;
  if (typeof text !== 'string') {
    replyStatus(ctx, 'BadRequest', 'fieldSelector given more than once');
    return undefined;
  }
  const fields: Record<string, (e: EventObject) => string> = {
    'involvedObject.kind': (e) => e.involvedObject.kind,
    'involvedObject.name': (e) => e.involvedObject.name,
    type: (e) => e.type,
    reason: (e) => e.reason,
  };
  const tests: ((e: EventObject) => boolean)[] = [];
  for (const requirement of text.split(',')) {
    const match = /^\s*([\w.]+)\s*(==|=|!=)\s*([^,]*?)\s*$/.exec(requirement);
    const field = match?.[1];
    const read = field ? fields[field] : undefined;
    if (!match || !read) {
      replyStatus(ctx, 'BadRequest', `"${requirement}" is not a supported field selector: use ${Object.keys(fields).join(', ')} with =, == or !=`);
      return undefined;
    }
    const [, , operator, value] = match;
    tests.push(operator === '!=' ? (e) => read(e) !== value : (e) => read(e) === value);
  }
  return (event) => tests.every((test) => test(event));
}

function listOrWatch<T extends StoredObject>(ctx: Context, store: ObjectStore<T>, listKind: string, matches: (object: T) => boolean, watches: Set<() => void>): void {
  if (ctx.query.watch === 'true' || ctx.query.watch === '1') {
    serveWatch(ctx, store, matches, watches);
    return;
  }
  const { items, resourceVersion } = store.list();
  ctx.body = { kind: listKind, apiVersion: GROUP_VERSION, metadata: { resourceVersion }, items: items.filter(matches) };
}

const labelsOf = (object: { metadata: { labels?: Record<string, string> } }) => object.metadata.labels ?? {};

export function createApi(sources: ApiSources, logger: Logger): { app: Koa; watches: Set<() => void> } {
  const app = new Koa();
  const router = new Router();
  const watches = new Set<() => void>();

  // Errors after the response has started (a watch client hanging up mid-stream) come here; Koa's
  // default prints them to stderr as stack traces, outside the JSON log.
  app.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    logger.error({ err: error.stack ?? String(error) }, 'API response failed');
  });

  app.use(async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } catch (error) {
      logger.error({ err: error instanceof Error ? error.stack : String(error), path: ctx.path }, 'API request failed');
      replyStatus(ctx, 'InternalError', 'internal error; see the controller log');
    }
    if (ctx.status === 404 && ctx.body === undefined) {
      replyStatus(ctx, 'NotFound', `the server could not find the requested resource (${ctx.method} ${ctx.path})`);
    }
    if (ctx.status === 405 && ctx.body === undefined) {
      replyStatus(ctx, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${ctx.method} ${ctx.path})`);
    }
    logger.debug({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) }, 'request');
  });
  app.use(refuseCrossSiteWrites);

  router.get('/healthz', (ctx) => {
    ctx.type = 'text/plain';
    ctx.body = 'ok';
  });
  router.get('/readyz', (ctx) => {
    ctx.type = 'text/plain';
    const ready = sources.ready();
    ctx.status = ready ? 200 : 503;
    ctx.body = ready ? 'ok' : 'not ready: manifests not yet loaded and reconciled';
  });
  router.get('/health', (ctx) => {
    ctx.body = sources.health();
  });
  router.get('/status', (ctx) => {
    ctx.body = sources.status();
  });
  router.get('/workers/:name', (ctx) => {
    const info = sources.worker(ctx.params.name ?? '');
    if (info) ctx.body = info;
    else replyStatus(ctx, 'NotFound', `no worker for camera "${ctx.params.name}"`, { name: ctx.params.name, kind: 'workers' });
  });
  router.get('/version', (ctx) => {
    ctx.body = versionInfo();
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = sources.metrics.contentType;
    ctx.body = await sources.metrics.metrics();
  });

  router.get('/apis', (ctx) => {
    ctx.body = {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [{ name: 'camlet.dev', versions: [{ groupVersion: GROUP_VERSION, version: 'v1' }], preferredVersion: { groupVersion: GROUP_VERSION, version: 'v1' } }],
    };
  });
  router.get('/apis/camlet.dev/v1', (ctx) => {
    ctx.body = {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: GROUP_VERSION,
      resources: [
        {
          name: 'cameras',
          singularName: 'camera',
          namespaced: false,
          kind: 'Camera',
          verbs: sources.manifests ? ['create', 'delete', 'get', 'list', 'update', 'watch'] : ['get', 'list', 'watch'],
          shortNames: ['cam'],
        },
        { name: 'cameras/status', singularName: '', namespaced: false, kind: 'Camera', verbs: ['get'] },
        ...(sources.logs ? [{ name: 'cameras/log', singularName: '', namespaced: false, kind: 'Camera', verbs: ['get'] }] : []),
        ...(sources.record ? [{ name: 'cameras/record', singularName: '', namespaced: false, kind: 'ManualRecording', verbs: ['create'] }] : []),
        { name: 'events', singularName: 'event', namespaced: false, kind: 'Event', verbs: ['get', 'list', 'watch'], shortNames: ['ev'] },
        ...(sources.storage ? [{ name: 'storage', singularName: 'storage', namespaced: false, kind: 'Storage', verbs: ['get'] }] : []),
        ...(sources.recordings
          ? [
              { name: 'recordings', singularName: 'recording', namespaced: false, kind: 'Recording', verbs: sources.recordings.changes ? ['get', 'list', 'watch'] : ['get', 'list'], shortNames: ['rec'] },
              { name: 'recordings/content', singularName: '', namespaced: false, kind: 'Recording', verbs: ['get'] },
              { name: 'recordings/thumbnail', singularName: '', namespaced: false, kind: 'Recording', verbs: ['get'] },
              { name: 'motionevents', singularName: 'motionevent', namespaced: false, kind: 'MotionEvent', verbs: ['get', 'list'] },
            ]
          : []),
      ],
    };
  });

  router.get('/apis/camlet.dev/v1/cameras', (ctx) => {
    const selector = parseSelector(ctx);
    if (selector) listOrWatch(ctx, sources.cameras, 'CameraList', (camera) => selector(labelsOf(camera)), watches);
  });
  router.get(['/apis/camlet.dev/v1/cameras/:name', '/apis/camlet.dev/v1/cameras/:name/status'], (ctx) => {
    const name = ctx.params.name ?? '';
    const camera = sources.cameras.get(name);
    if (camera) ctx.body = camera;
    else notFound(ctx, 'cameras', name);
  });
  if (sources.manifests) addCameraWriteRoutes(router, { cameras: sources.cameras, manifests: sources.manifests }, logger);
  if (sources.logs) addCameraLogRoute(router, { cameras: sources.cameras, logs: sources.logs }, watches);
  if (sources.record) addRecordRoutes(router, { cameras: sources.cameras, record: sources.record }, logger);
  if (sources.recordings) addRecordingRoutes(router, sources.recordings, watches, logger);
  addMultiWatchRoute(router, sources, watches);
  if (sources.storage) addStorageRoute(router, sources.storage);
  router.get('/apis/camlet.dev/v1/events', (ctx) => {
    const selector = parseSelector(ctx);
    const fields = selector && parseEventFieldSelector(ctx);
    if (selector && fields) listOrWatch(ctx, sources.events, 'EventList', (event) => fields(event) && selector({}), watches);
  });
  router.get('/apis/camlet.dev/v1/events/:name', (ctx) => {
    const name = ctx.params.name ?? '';
    const event = sources.events.get(name);
    if (event) ctx.body = event;
    else notFound(ctx, 'events', name);
  });

  app.use(router.routes());
  app.use(router.allowedMethods({ throw: false }));
  // After the API: the dashboard's files answer only what no route took.
  if (sources.ui) app.use(serveUi(sources.ui));
  return { app, watches };
}

export interface RunningApi {
  server: Server;
  /** host:port it listens on (the port chosen, when 0 was asked). */
  address: string;
  close(): Promise<void>;
}

/** Listens on HOST:PORT (127.0.0.1 by default, never all interfaces unless told). */
export async function startApi(sources: ApiSources, listen: string, logger: Logger): Promise<RunningApi> {
  const { app, watches } = createApi(sources, logger);
  const separator = listen.lastIndexOf(':');
  const host = listen.slice(0, separator).replace(/^\[(.*)\]$/, '$1');
  const port = Number(listen.slice(separator + 1));
  const handle = app.callback();
  const server = createServer((request, response) => void handle(request, response));
  const closeLive = sources.live ? attachLiveSockets(server, sources.live, logger) : undefined;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address();
  const address = typeof bound === 'object' && bound ? `${bound.address.includes(':') ? `[${bound.address}]` : bound.address}:${bound.port}` : listen;
  return {
    server,
    address,
    close: async () => {
      for (const end of [...watches]) end();
      closeLive?.();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
