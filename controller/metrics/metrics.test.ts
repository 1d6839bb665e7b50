// The metrics' exposition follows Prometheus' conventions (promtool check metrics, HELP on every
// series, _total counters, base units, no unbounded label), and a deleted camera leaves no series.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CAMERA_STATES, Metrics, type CameraFigures } from './metrics.js';
import { registerStorageMetrics } from './storage-metrics.js';

function figuresOf(camera: string): CameraFigures {
  return {
    camera,
    phase: 'Running',
    heartbeatAgeSeconds: 0.5,
    streams: [
      { stream: 'main', fps: 10, connected: true, reconnects: 0 },
      { stream: 'sub', fps: 5, connected: true, reconnects: 1 },
    ],
    usage: { cpuSeconds: 1.5, residentBytes: 50e6 },
    motion: { analysedFps: 5, skippedFps: 0 },
    motionTargetFps: 5,
  };
}

function fleet(cameras: string[]) {
  const running = new Set(cameras);
  const metrics = new Metrics('1.2.3', () => [...running].map(figuresOf), () => 0);
  const retention = registerStorageMetrics(metrics.registry, {
    snapshot: () => ({ atMs: 0, disk: { totalBytes: 100e9, freeBytes: 40e9, usedBytes: 60e9 }, floorBytes: 5e9, cameras: [] }),
    declared: () => running,
  });
  for (const camera of cameras) {
    metrics.cameraAdded(camera);
    metrics.transition(camera, 'Pending', 'Starting');
    metrics.transition(camera, 'Starting', 'Running');
  }
  metrics.reconciled('success', 0.001);
  return { metrics, running, retention };
}

/** Series names and label sets of an exposition, without comments. */
function series(text: string): string[] {
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

describe('Metrics', () => {
  it('passes promtool check metrics', async () => {
    const { metrics } = fleet(['porch', 'garage']);
    metrics.motionStarted('porch');
    metrics.recorded('porch', 'motion', 1_000_000);
    const check = spawnSync('promtool', ['check', 'metrics'], { input: await metrics.registry.metrics(), encoding: 'utf8' });
    expect(`${check.stdout}${check.stderr}`).toBe('');
    expect(check.status).toBe(0);
  });

  it('gives every camlet metric HELP text, Prometheus names and bounded labels', async () => {
    const { metrics } = fleet(['porch']);
    const text = await metrics.registry.metrics();
    const help = new Map([...text.matchAll(/^# HELP (camlet_\w+) (.*)$/gm)].map((m) => [m[1], m[2]]));
    const types = new Map([...text.matchAll(/^# TYPE (camlet_\w+) (\w+)$/gm)].map((m) => [m[1], m[2]]));
    expect(help.size).toBeGreaterThan(20);
    for (const [name, type] of types) {
      const words = help.get(name) ?? '';
      expect(words.split(' ').length, `${name} HELP`).toBeGreaterThanOrEqual(4);
      if (type === 'counter') expect(name, 'counters end in _total').toMatch(/_total$/);
      else expect(name, 'only counters end in _total').not.toMatch(/_total$/);
      // Base units: seconds and bytes, never ms, kb, percent.
      expect(name).not.toMatch(/_(milliseconds|ms|kilobytes|kb|mb|percent|minutes|hours)(_|$)/);
    }
    const labels = new Set(series(text).flatMap((line) => [...(/\{(.*)\}/.exec(line)?.[1] ?? '').matchAll(/(\w+)="/g)].map((m) => m[1])));
    for (const unbounded of ['id', 'recording', 'recordingID', 'path', 'url', 'message', 'msg', 'error', 'reason_message', 'pid', 'file']) {
      expect(labels, unbounded).not.toContain(unbounded);
    }
    // Every per-camera series (the controller's own carry none) has the camera label.
    for (const line of series(text).filter((l) => /^camlet_(camera|motion|recording|recorded|worker)_/.test(l))) {
      expect(line).toContain('camera="porch"');
    }
  });

  it('exports camlet_build_info with the version', async () => {
    const { metrics } = fleet([]);
    expect(await metrics.registry.metrics()).toMatch(/^camlet_build_info\{version="1\.2\.3",node="v\d+[\d.]*"\} 1$/m);
  });

  it('exports the figures DESIGN.md lists for each camera, counters from 0', async () => {
    const { metrics } = fleet(['porch']);
    const text = await metrics.registry.metrics();
    for (const expected of [
      'camlet_camera_state{camera="porch",state="Running"} 1',
      'camlet_camera_restarts_total{camera="porch"} 0',
      'camlet_camera_heartbeat_age_seconds{camera="porch"} 0.5',
      'camlet_camera_stream_fps{camera="porch",stream="main"} 10',
      'camlet_motion_events_total{camera="porch"} 0',
      'camlet_motion_analysed_fps{camera="porch"} 5',
      'camlet_motion_target_fps{camera="porch"} 5',
      'camlet_recordings_total{camera="porch",trigger="motion"} 0',
      'camlet_recording_failures_total{camera="porch",trigger="motion"} 0',
      'camlet_recorded_bytes_total{camera="porch"} 0',
      'camlet_worker_cpu_seconds_total{camera="porch"} 1.5',
      'camlet_worker_resident_memory_bytes{camera="porch"} 50000000',
      'camlet_reconcile_total{result="success"} 1',
      'camlet_reconcile_duration_seconds_count 1',
      'camlet_workqueue_depth 0',
      'camlet_manifests_invalid 0',
      'camlet_storage_used_bytes 60000000000',
      'camlet_storage_free_bytes 40000000000',
    ]) {
      expect(series(text), expected).toContain(expected);
    }
    expect(series(text).filter((l) => l.startsWith('camlet_camera_state{camera="porch"'))).toHaveLength(CAMERA_STATES.length);
  });

  it('removes every series of a deleted camera and keeps the others', async () => {
    const { metrics, running, retention } = fleet(['porch', 'garage']);
    retention.deleted('porch', 'age', 1000);
    retention.deleted('porch', 'free_space', 1000);
    retention.failed('porch');
    retention.deleted('garage', 'bytes', 1000);
    metrics.restart('porch');
    metrics.motionStarted('porch');
    metrics.recorded('porch', 'motion', 1234);
    metrics.recorded('porch', 'continuous', 1234);
    metrics.recordingFailed('porch', 'motion');
    running.delete('porch');
    metrics.forgetCamera('porch');
    const text = await metrics.registry.metrics();
    expect(series(text).filter((line) => line.includes('camera="porch"'))).toEqual([]);
    expect(series(text)).toContain('camlet_camera_restarts_total{camera="garage"} 0');
    expect(series(text)).toContain('camlet_camera_state{camera="garage",state="Running"} 1');
    expect(series(text)).toContain('camlet_retention_deleted_bytes_total{camera="garage",reason="bytes"} 1000');
  });
});
