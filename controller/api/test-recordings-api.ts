// The HTTP API with a real recordings index behind it, for the recordings endpoints' tests (a
// storage folder in /tmp, a real SQLite index, cameras from real manifests with labels) and for
// the index benchmark: the koa app listening on a port the kernel picks.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { systemClock } from '../../lib/clock.js';
import { createLogger } from '../../lib/logger.js';
import { EventRecorder } from '../events/event-recorder.js';
import { readManifestFile } from '../manifests/camera-document.js';
import { RecordingsIndex } from '../recordings/recordings-index.js';
import { ThumbnailCache } from '../recordings/thumbnail-cache.js';
import { StorageService } from '../retention/storage-service.js';
import { CameraStore } from '../store/camera-store.js';
import { Revision } from '../store/object-store.js';
import { RecordingChanges } from './recording-changes.js';
import { startApi, type RunningApi } from './server.js';

export interface RecordingsApi {
  base: string;
  storage: string;
  index: RecordingsIndex;
  store: CameraStore;
  events: EventRecorder;
  changes: RecordingChanges;
  thumbnails: ThumbnailCache;
  api: RunningApi;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  json<T>(path: string): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** Cameras porch and gate at site home, lobby at the office; their manifests say nothing else. */
export const CAMERAS = ['porch', 'gate', 'lobby']
  .map(
    (name) => `apiVersion: camlet.dev/v1
kind: Camera
metadata:
  name: ${name}
  labels: { site: ${name === 'lobby' ? 'office' : 'home'} }
spec:
  streams:
    main: { url: "rtsp://10.0.0.1:554/${name}" }
`,
  )
  .join('---\n');

/**
 * The API, listening on a port the kernel picks, in front of `index` (over `storage`) with the
 * cameras of `manifests` (YAML documents) in its store: for the recordings tests, and for the
 * index benchmark's HTTP figures. With `freeSpaceFloor`, the storage endpoint too (a
 * StorageService over the same index and cameras).
 */
export async function serveRecordingsApi(index: RecordingsIndex, storage: string, manifests: string, options: { now?: number; freeSpaceFloor?: string } = {}) {
  const revision = new Revision();
  const store = new CameraStore(revision, systemClock);
  const parsed = readManifestFile('manifests/cameras.yaml', manifests);
  for (const document of parsed.documents) if (document.valid) store.applyValid(document.camera);
  const events = new EventRecorder(revision, systemClock, 'camlet-controller');
  const changes = new RecordingChanges(revision);
  const thumbnails = new ThumbnailCache(storage);
  const now = options.now !== undefined ? { now: () => options.now as number } : {};
  const logger = createLogger('api', 'silent');
  const service =
    options.freeSpaceFloor !== undefined
      ? new StorageService({ index, storage, config: { freeSpaceFloor: options.freeSpaceFloor, intervalSeconds: 60 }, cameras: store, events, logger, ...now })
      : undefined;
  const api = await startApi(
    {
      cameras: store.objects,
      events: events.objects,
      metrics: new Registry(),
      ready: () => true,
      health: () => ({}),
      status: () => ({}),
      worker: () => undefined,
      recordings: { index, storage, cameras: store.objects, thumbnails, changes, ...now },
      ...(service ? { storage: { service, index, ...now } } : {}),
    },
    '127.0.0.1:0',
    logger,
  );
  return { store, events, changes, thumbnails, api, base: `http://${api.address}` };
}

export async function startRecordingsApi(options: { now?: number } = {}): Promise<RecordingsApi> {
  const storage = await mkdtemp(join(tmpdir(), 'camlet-recordings-api-'));
  const index = RecordingsIndex.open(storage);
  const { store, events, changes, thumbnails, api, base } = await serveRecordingsApi(index, storage, CAMERAS, options);
  return {
    base,
    storage,
    index,
    store,
    events,
    changes,
    thumbnails,
    api,
    get: (path, headers = {}) => fetch(`${base}${path}`, { headers }),
    json: async <T>(path: string) => {
      const response = await fetch(`${base}${path}`);
      return { status: response.status, body: (await response.json()) as T };
    },
    close: async () => {
      await api.close();
      index.close();
      await rm(storage, { recursive: true, force: true });
    },
  };
}
