import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type MetricValue } from 'prom-client';
import type { ReconcileCounts } from '../recordings/reconcile-storage.js';
import { readAtScrape } from './scrape-time.js';
import { RETENTION_REASONS } from './storage-metrics.js';

/** What the metrics read from the running cameras at each scrape. */
export interface CameraFigures {
  camera: string;
  phase: (typeof CAMERA_STATES)[number];
  /** Seconds since the last heartbeat, while a worker runs. */
  heartbeatAgeSeconds?: number;
  streams: { stream: string; fps: number; connected: boolean; reconnects: number }[];
  usage?: { cpuSeconds: number; residentBytes: number };
  motion?: { analysedFps: number; skippedFps: number };
  /** spec.motion.fps, while a worker runs with motion enabled: what analysedFps should reach. */
  motionTargetFps?: number;
}

const RECORDING_TRIGGERS = ['motion', 'continuous'] as const;

export const CAMERA_STATES = ['Pending', 'Starting', 'Running', 'Unhealthy', 'Crashed', 'Backoff', 'Stopping', 'Stopped', 'Failed', 'Invalid'] as const;

/**
 * Every metric camlet exports, in Prometheus' conventions: base units, _total on counters,
 * a `camera` label and no unbounded one (no ids, no URLs, no messages). Figures that change
 * between scrapes on their own (heartbeat age, CPU, memory, fps) are read at scrape time.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly transitions: Counter<'camera' | 'from' | 'to'>;
  private readonly restarts: Counter<'camera'>;
  private readonly motionEvents: Counter<'camera'>;
  private readonly recordings: Counter<'camera' | 'trigger'>;
  private readonly recordedBytes: Counter<'camera'>;
  private readonly recordingFailures: Counter<'camera' | 'trigger'>;
  private readonly reconciles: Counter<'result'>;
  private readonly reconcileSeconds: Histogram;
  private readonly invalid: Gauge;
  private readonly indexReconciled: Counter<'outcome'>;
  private readonly indexWriteFailures: Counter;

  constructor(version: string, figures: () => Iterable<CameraFigures>, queueDepth: () => number) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    // prom-client names these gauges *_total, which Prometheus reserves for counters (promtool
    // check metrics rejects them); the per-type nodejs_active_{handles,requests,resources} stay.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      this.registry.removeSingleMetric(name);
    }
    new Gauge({ name: 'camlet_build_info', help: 'Always 1; the labels say which camlet runs.', labelNames: ['version', 'node'], registers }).set(
      { version, node: process.version },
      1,
    );
    this.transitions = new Counter({
      name: 'camlet_camera_transitions_total',
      help: 'Lifecycle transitions of each camera, by the phase left and the phase entered.',
      labelNames: ['camera', 'from', 'to'],
      registers,
    });
    this.restarts = new Counter({
      name: 'camlet_camera_restarts_total',
      help: "Restarts of each camera's worker after a crash or a hang.",
      labelNames: ['camera'],
      registers,
    });
    this.motionEvents = new Counter({
      name: 'camlet_motion_events_total',
      help: 'Motion events detected on each camera (counted when the motion starts).',
      labelNames: ['camera'],
      registers,
    });
    this.recordings = new Counter({
      name: 'camlet_recordings_total',
      help: 'Recordings finished (MP4 files written) for each camera, by what triggered them.',
      labelNames: ['camera', 'trigger'],
      registers,
    });
    this.recordedBytes = new Counter({
      name: 'camlet_recorded_bytes_total',
      help: 'Bytes of the recordings finished for each camera.',
      labelNames: ['camera'],
      registers,
    });
    this.recordingFailures = new Counter({
      name: 'camlet_recording_failures_total',
      help: 'Recordings of each camera that could not be written, by what triggered them.',
      labelNames: ['camera', 'trigger'],
      registers,
    });
    const perCamera = <T extends string>(values: (figures: CameraFigures) => MetricValue<T>[]) => () => [...figures()].flatMap(values);
    readAtScrape(
      new Gauge({
        name: 'camlet_camera_state',
        help: 'Lifecycle phase of each camera: 1 for the phase it is in, 0 for the others.',
        labelNames: ['camera', 'state'],
        registers,
      }),
      perCamera((f) => CAMERA_STATES.map((state) => ({ labels: { camera: f.camera, state }, value: state === f.phase ? 1 : 0 }))),
    );
    readAtScrape(
      new Gauge({
        name: 'camlet_camera_heartbeat_age_seconds',
        help: "Seconds since the camera's worker last reported; absent while no worker runs.",
        labelNames: ['camera'],
        registers,
      }),
      perCamera((f) => (f.heartbeatAgeSeconds === undefined ? [] : [{ labels: { camera: f.camera }, value: f.heartbeatAgeSeconds }])),
    );
    readAtScrape(
      new Gauge({
        name: 'camlet_camera_stream_fps',
        help: 'Frames per second received on each stream of each camera, over the last few seconds.',
        labelNames: ['camera', 'stream'],
        registers,
      }),
      perCamera((f) => f.streams.map((s) => ({ labels: { camera: f.camera, stream: s.stream }, value: s.fps }))),
    );
    readAtScrape(
      new Gauge({
        name: 'camlet_camera_stream_up',
        help: 'Whether each stream of each camera delivers frames (1) or not (0).',
        labelNames: ['camera', 'stream'],
        registers,
      }),
      perCamera((f) => f.streams.map((s) => ({ labels: { camera: f.camera, stream: s.stream }, value: s.connected ? 1 : 0 }))),
    );
    readAtScrape(
      new Counter({
        name: 'camlet_camera_stream_reconnects_total',
        help: 'Reconnections of each stream by the current worker of each camera (starts from 0 when the worker restarts).',
        labelNames: ['camera', 'stream'],
        registers,
      }),
      perCamera((f) => f.streams.map((s) => ({ labels: { camera: f.camera, stream: s.stream }, value: s.reconnects }))),
    );
    readAtScrape(
      new Gauge({
        name: 'camlet_motion_analysed_fps',
        help: "Frames of each camera's analysis stream checked for motion per second; motion.fps when the stream keeps up.",
        labelNames: ['camera'],
        registers,
      }),
      perCamera((f) => (f.motion ? [{ labels: { camera: f.camera }, value: f.motion.analysedFps }] : [])),
    );
    readAtScrape(
      new Gauge({
        name: 'camlet_motion_skipped_fps',
        help: "Frames of each camera's analysis stream decoded but not checked for motion per second (the stream's rate above motion.fps).",
        labelNames: ['camera'],
        registers,
      }),
      perCamera((f) => (f.motion ? [{ labels: { camera: f.camera }, value: f.motion.skippedFps }] : [])),
    );
    readAtScrape(
      new Gauge({
        name: 'camlet_motion_target_fps',
        help: "Frames per second each camera's manifest asks motion analysis for (spec.motion.fps), while its worker runs: what camlet_motion_analysed_fps should reach.",
        labelNames: ['camera'],
        registers,
      }),
      perCamera((f) => (f.motionTargetFps === undefined ? [] : [{ labels: { camera: f.camera }, value: f.motionTargetFps }])),
    );
    readAtScrape(
      new Counter({
        name: 'camlet_worker_cpu_seconds_total',
        help: "CPU time used by each camera's worker and its ffmpeg processes (starts from 0 when the worker restarts).",
        labelNames: ['camera'],
        registers,
      }),
      perCamera((f) => (f.usage ? [{ labels: { camera: f.camera }, value: f.usage.cpuSeconds }] : [])),
    );
    readAtScrape(
      new Gauge({
        name: 'camlet_worker_resident_memory_bytes',
        help: "Resident memory of each camera's worker and its ffmpeg processes.",
        labelNames: ['camera'],
        registers,
      }),
      perCamera((f) => (f.usage ? [{ labels: { camera: f.camera }, value: f.usage.residentBytes }] : [])),
    );
    this.reconciles = new Counter({
      name: 'camlet_reconcile_total',
      help: 'Reconciles of a camera by the controller, by result (success or error).',
      labelNames: ['result'],
      registers,
    });
    this.reconcileSeconds = new Histogram({
      name: 'camlet_reconcile_duration_seconds',
      help: 'Time one reconcile of one camera takes.',
      buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
      registers,
    });
    new Gauge({
      name: 'camlet_workqueue_depth',
      help: 'Cameras waiting to be reconciled.',
      registers,
      collect() {
        this.set(queueDepth());
      },
    });
    this.invalid = new Gauge({
      name: 'camlet_manifests_invalid',
      help: 'Manifest documents (or whole files) that failed validation and are not applied.',
      registers,
    });
    this.indexReconciled = new Counter({
      name: 'camlet_index_reconciled_total',
      help: 'What the start-up reconciliation of the recordings index with the storage folder did, by outcome: files indexed, files moved to lost+found, rows marked missing, interrupted deletions finished, missing files found again.',
      labelNames: ['outcome'],
      registers,
    });
    this.indexWriteFailures = new Counter({
      name: 'camlet_index_write_failures_total',
      help: 'Reports of recordings or motion that could not be written to the recordings index (the files are indexed at the next start).',
      registers,
    });
  }

  /**
   * A camera's counters start at 0 when it appears, not at its first event: Prometheus'
   * increase() and rate() see the first restart, motion or recording only against an earlier
   * 0, and dashboards and alerts find the series from the first scrape. forgetCamera removes them.
   */
  cameraAdded(camera: string): void {
    this.restarts.inc({ camera }, 0);
    this.motionEvents.inc({ camera }, 0);
    this.recordedBytes.inc({ camera }, 0);
    for (const trigger of RECORDING_TRIGGERS) {
      this.recordings.inc({ camera, trigger }, 0);
      this.recordingFailures.inc({ camera, trigger }, 0);
    }
  }

  transition(camera: string, from: string, to: string): void {
    this.transitions.inc({ camera, from, to });
  }

  restart(camera: string): void {
    this.restarts.inc({ camera });
  }

  motionStarted(camera: string): void {
    this.motionEvents.inc({ camera });
  }

  recorded(camera: string, trigger: string, bytes: number): void {
    this.recordings.inc({ camera, trigger });
    this.recordedBytes.inc({ camera }, bytes);
  }

  recordingFailed(camera: string, trigger: string): void {
    this.recordingFailures.inc({ camera, trigger });
  }

  reconciled(result: 'success' | 'error', seconds: number): void {
    this.reconciles.inc({ result });
    this.reconcileSeconds.observe(seconds);
  }

  /** Every outcome is exported, 0 included, so that alerts see the series from the first scrape. */
  indexReconciledCounts(counts: ReconcileCounts): void {
    this.indexReconciled.inc({ outcome: 'indexed' }, counts.indexed);
    this.indexReconciled.inc({ outcome: 'lost_and_found' }, counts.lostAndFound);
    this.indexReconciled.inc({ outcome: 'missing' }, counts.missing);
    this.indexReconciled.inc({ outcome: 'deletion_finished' }, counts.deletionsFinished);
    this.indexReconciled.inc({ outcome: 'restored' }, counts.restored);
  }

  indexWriteFailed(): void {
    this.indexWriteFailures.inc();
  }

  setInvalidManifests(count: number): void {
    this.invalid.set(count);
  }

  /**
   * A deleted camera's series disappear instead of going stale. (Series read at scrape time
   * vanish by themselves; prom-client removes only exact label sets, hence the loops.)
   */
  forgetCamera(camera: string): void {
    for (const from of CAMERA_STATES) for (const to of CAMERA_STATES) this.transitions.remove({ camera, from, to });
    this.restarts.remove({ camera });
    this.recordedBytes.remove({ camera });
    this.motionEvents.remove({ camera });
    for (const trigger of RECORDING_TRIGGERS) {
      this.recordings.remove({ camera, trigger });
      this.recordingFailures.remove({ camera, trigger });
    }
    // Retention's counters (storage-metrics.ts), registered on the same registry when storage is.
    for (const name of ['camlet_retention_deleted_total', 'camlet_retention_deleted_bytes_total']) {
      const counter = this.registry.getSingleMetric(name) as Counter<'camera' | 'reason'> | undefined;
      for (const reason of RETENTION_REASONS) counter?.remove({ camera, reason });
    }
    (this.registry.getSingleMetric('camlet_retention_failures_total') as Counter<'camera'> | undefined)?.remove({ camera });
  }
}
