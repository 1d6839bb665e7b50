import { mkdirSync } from 'node:fs';
import { relative } from 'node:path';
import { pino } from 'pino';
import { systemClock, type Clock } from '../lib/clock.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { projectPath } from '../lib/project-root.js';
import { ProcessRuntime } from '../runtimes/process/process-runtime.js';
import type { Runtime } from '../runtimes/runtime.js';
import { RecordingChanges } from './api/recording-changes.js';
import { startApi, type RunningApi } from './api/server.js';
import type { ControllerConfig } from './config/load-config.js';
import { EventRecorder } from './events/event-recorder.js';
import { LiveHub } from './live/live-hub.js';
import { WorkerLogs } from './logs/worker-logs.js';
import { ManifestSource } from './manifests/manifest-source.js';
import { ManifestWatcher } from './manifests/manifest-watcher.js';
import { ManifestWriter } from './manifests/manifest-writer.js';
import { Metrics, type CameraFigures } from './metrics/metrics.js';
import { IndexSink } from './recordings/index-sink.js';
import { reconcileAtStart } from './recordings/reconcile-at-start.js';
import { RecordingsIndex } from './recordings/recordings-index.js';
import { ThumbnailCache } from './recordings/thumbnail-cache.js';
import { StorageService } from './retention/storage-service.js';
import { ReconcileLoop } from './reconcile/reconcile-loop.js';
import { Reconciler } from './reconcile/reconciler.js';
import { WorkQueue } from './reconcile/work-queue.js';
import { CameraStore, type CameraObject } from './store/camera-store.js';
import { Revision } from './store/object-store.js';
import { limitHeapGrowth } from './heap-growth.js';
import { controllerVersion } from './version.js';

export interface ControllerOptions {
  config: ControllerConfig;
  /** The process runtime unless told otherwise (the benchmark's fake no-op runtime). */
  runtime?: Runtime;
  clock?: Clock;
}

/**
 * The whole controller, wired as DESIGN.md draws it: manifests → watcher → store → queue →
 * reconciler → supervisors → runtime; the API and metrics read the stores.
 */
export class Controller {
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly config: ControllerConfig,
    readonly api: RunningApi,
    private readonly watcher: ManifestWatcher,
    private readonly loop: ReconcileLoop,
    private readonly reconciler: Reconciler,
    private readonly logger: Logger,
    private readonly index: RecordingsIndex,
    private readonly storageService: StorageService,
    private readonly live?: LiveHub,
  ) {}

  static async start(options: ControllerOptions): Promise<Controller> {
    limitHeapGrowth();
    const { config } = options;
    const clock = options.clock ?? systemClock;
    const destination = pino.destination({ dest: 1, sync: true });
    const logger = createLogger('controller', config.logLevel, destination);
    const startTime = clock.now();
    mkdirSync(config.manifests, { recursive: true });
    mkdirSync(config.storage, { recursive: true });
    // <storage>/camlet.db; a broken or newer index stops the start here, naming the file.
    const index = RecordingsIndex.open(config.storage);
    logger.info({ index: index.file, schema: index.migration }, 'recordings index open');

    // Versions count on from the start time in microseconds: one from before a restart is older
    // than this run's history, so a client resuming from it is told 410 and starts afresh.
    const revision = new Revision(startTime * 1000);
    const store = new CameraStore(revision, clock);
    // Each worker's recent lines, for `camlet logs` (GET cameras/NAME/log).
    const workerLogs = new WorkerLogs(store.objects);
    const events = new EventRecorder(revision, clock, 'camlet-controller');
    const queue = new WorkQueue(clock);
    // Read at scrape time, when the reconciler below exists; once per scrape, not once per metric.
    let scrapeFigures: CameraFigures[] | undefined;
    const metrics: Metrics = new Metrics(
      controllerVersion,
      (): CameraFigures[] => {
        if (!scrapeFigures) {
          scrapeFigures = [...reconciler.all()].map((supervisor) => supervisor.figures(clock.now()));
          setImmediate(() => (scrapeFigures = undefined));
        }
        return scrapeFigures;
      },
      () => queue.depth,
    );
    // Recordings for the API (their changes for watchers, thumbnails) and the storage folder's
    // figures, StorageLow condition and retention, which deletes through the crash-safe delete.
    const recordingChanges = new RecordingChanges(revision);
    const thumbnails = new ThumbnailCache(config.storage);
    const storageService = new StorageService({
      index,
      storage: config.storage,
      config: config.retention,
      cameras: store,
      events,
      registry: metrics.registry,
      logger,
      onDeleted: (recording) => {
        recordingChanges.deleted(recording);
        thumbnails.forget(recording.id).catch((error: unknown) => logger.warn({ recordingID: recording.id, err: String(error) }, 'thumbnail of a deleted recording not removed'));
      },
    });
    const runtime = options.runtime ?? new ProcessRuntime();
    const reconciler: Reconciler = new Reconciler(
      store,
      {
        runtime,
        store,
        events,
        metrics,
        clock,
        logger,
        // Worker lines keep their own fields (component: worker, camera); they share our stdout.
        relayLog: (record) => {
          workerLogs.append(record);
          destination.write(`${JSON.stringify(record)}\n`);
        },
        settings: { storage: config.storage, logLevel: config.logLevel, workerStopGraceMs: config.gracePeriods.workerStopSeconds * 1000 },
        recordings: storageService.watch(new IndexSink(index, logger, () => metrics.indexWriteFailed(), (recording) => recordingChanges.added(recording))),
      },
      logger,
    );
    const loop = new ReconcileLoop(queue, reconciler, store, metrics, clock, logger, config.resyncSeconds * 1000);
    store.onSpecChange((name) => queue.add(name));
    const source = new ManifestSource(store, events, logger, (count) => metrics.setInvalidManifests(count));
    const shown = (path: string) => {
      const fromHere = relative(process.cwd(), path);
      return fromHere.startsWith('..') ? path : fromHere;
    };
    const watcher = new ManifestWatcher({
      folder: config.manifests,
      debounceMs: config.manifestDebounceMilliseconds,
      logger,
      onFile: (path, text) => source.fileChanged(shown(path), text),
    });

    const isReady = (camera: CameraObject) => camera.status.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    const cameraSummary = () =>
      store.objects.list().items.map((camera) => ({
        name: camera.metadata.name,
        phase: camera.status.phase,
        ready: isReady(camera),
        restarts: camera.status.restarts ?? 0,
        ...(camera.status.lastHeartbeatTime ? { lastHeartbeatTime: camera.status.lastHeartbeatTime } : {}),
      }));
    // The dashboard's live views: one ffmpeg remux per camera and stream, from the resolved URLs
    // of the camera's current valid spec (passwords stay here; the page sees only video).
    const live = new LiveHub((name) => {
      const manifest = store.desired(name)?.manifest;
      if (!manifest) return undefined;
      const { main, sub } = manifest.streams;
      return { main: { ...main, secrets: manifest.secrets }, ...(sub ? { sub: { ...sub, secrets: manifest.secrets } } : {}) };
    }, logger);
    const api = await startApi(
      {
        cameras: store.objects,
        events: events.objects,
        metrics: metrics.registry,
        ready: () => loop.firstPassDone,
        health: () => {
          // Counted in one pass, unsorted and without copies: health checks come often, and a
          // fleet can be large. A camera stopped on purpose (enabled: false) is not a problem.
          let total = 0;
          const notReady: string[] = [];
          for (const camera of store.objects.values()) {
            total++;
            if (!isReady(camera) && camera.status.phase !== 'Stopped') notReady.push(camera.metadata.name);
          }
          notReady.sort();
          return {
            status: !loop.firstPassDone ? 'starting' : notReady.length > 0 ? 'degraded' : 'ok',
            version: controllerVersion,
            uptimeSeconds: Math.round((clock.now() - startTime) / 1000),
            cameras: { total, ready: total - notReady.length, notReady: notReady.length, notReadyNames: notReady.slice(0, 20) },
          };
        },
        status: () => ({
          version: controllerVersion,
          pid: process.pid,
          startTime: new Date(startTime).toISOString(),
          uptimeSeconds: Math.round((clock.now() - startTime) / 1000),
          ready: loop.firstPassDone,
          config: { listen: config.listen, manifests: config.manifests, storage: config.storage, logLevel: config.logLevel, resyncSeconds: config.resyncSeconds },
          runtime: runtime.name,
          queueDepth: queue.depth,
          cameras: cameraSummary(),
          manifests: source.report(),
          storage: storageService.status(),
          conditions: storageService.conditions(),
        }),
        worker: (name) => reconciler.supervisor(name)?.info(clock.now()),
        // `camlet apply` and `camlet delete` write the manifests folder through the API.
        manifests: new ManifestWriter({ folder: config.manifests, fileOf: (name) => store.desired(name)?.source.file }),
        logs: workerLogs,
        // A camera without a supervisor (Invalid, or not yet reconciled) has no worker to record.
        record: (name, request) => {
          const supervisor = reconciler.supervisor(name);
          return supervisor ? supervisor.record(request) : `camera "${name}" is ${store.objects.get(name)?.status.phase ?? 'Pending'}: no worker runs to record`;
        },
        recordings: { index, storage: config.storage, cameras: store.objects, thumbnails, changes: recordingChanges },
        ui: projectPath('dist', 'ui'),
        storage: { service: storageService, index },
        live,
      },
      config.listen,
      logger,
    ).catch((error: unknown) => {
      index.close();
      throw error;
    });
    logger.info({ address: api.address, manifests: config.manifests, storage: config.storage, version: controllerVersion }, 'controller listening');
    const controller = new Controller(config, api, watcher, loop, reconciler, logger, index, storageService, live);
    try {
      await watcher.start();
    } catch (error) {
      await api.close();
      index.close();
      throw error;
    }
    // Before any worker runs (the loop starts them): no worker writes while files are matched with rows.
    await reconcileAtStart(index, config.storage, logger, metrics, events);
    // After the reconciliation, so that retention sees every file; then every intervalSeconds.
    storageService.start();
    loop.start();
    logger.info({ cameras: store.names().length }, 'manifests loaded');
    return controller;
  }

  /**
   * Stops everything: no more manifest changes, no more reconciles, every worker stopped
   * gracefully in parallel (each gets its grace period; the whole gets shutdownSeconds), then
   * the API.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.logger.info('shutting down: stopping every worker');
      await this.watcher.stop();
      this.loop.stop();
      const supervisors = [...this.reconciler.all()];
      for (const supervisor of supervisors) supervisor.stop();
      const deadline = Date.now() + this.config.gracePeriods.shutdownSeconds * 1000;
      while (supervisors.some((s) => !s.idle) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const left = supervisors.filter((s) => !s.idle).map((s) => s.name);
      if (left.length > 0) this.logger.warn({ cameras: left }, 'workers still stopping at the shutdown deadline; they die with the controller');
      for (const supervisor of supervisors) supervisor.dispose();
      // After the workers: their last recordings are indexed on their way out.
      await this.storageService.stop();
      this.index.close();
      await this.live?.close();
      await this.api.close();
      this.logger.info('controller stopped');
    })();
    return this.stopping;
  }
}
