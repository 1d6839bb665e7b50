import { mkdirSync } from 'node:fs';
import { relative } from 'node:path';
import { pino } from 'pino';
import { systemClock, type Clock } from '../lib/clock.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { ProcessRuntime } from '../runtimes/process/process-runtime.js';
import type { Runtime } from '../runtimes/runtime.js';
import { startApi, type RunningApi } from './api/server.js';
import type { ControllerConfig } from './config/load-config.js';
import { EventRecorder } from './events/event-recorder.js';
import { ManifestSource } from './manifests/manifest-source.js';
import { ManifestWatcher } from './manifests/manifest-watcher.js';
import { Metrics, type CameraFigures } from './metrics/metrics.js';
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

    const revision = new Revision();
    const store = new CameraStore(revision, clock);
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
        relayLog: (record) => destination.write(`${JSON.stringify(record)}\n`),
        settings: { storage: config.storage, logLevel: config.logLevel, workerStopGraceMs: config.gracePeriods.workerStopSeconds * 1000 },
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
        }),
        worker: (name) => reconciler.supervisor(name)?.info(clock.now()),
      },
      config.listen,
      logger,
    );
    logger.info({ address: api.address, manifests: config.manifests, storage: config.storage, version: controllerVersion }, 'controller listening');
    const controller = new Controller(config, api, watcher, loop, reconciler, logger);
    try {
      await watcher.start();
    } catch (error) {
      await api.close();
      throw error;
    }
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
      await this.api.close();
      this.logger.info('controller stopped');
    })();
    return this.stopping;
  }
}
