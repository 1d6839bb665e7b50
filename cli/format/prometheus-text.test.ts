import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from './prometheus-text.js';

describe('parsePrometheusText', () => {
  it('reads samples and their labels, skipping comments', () => {
    const text = [
      '# HELP camlet_worker_cpu_seconds_total CPU time',
      '# TYPE camlet_worker_cpu_seconds_total counter',
      'camlet_worker_cpu_seconds_total{camera="door"} 12.5',
      'camlet_camera_stream_fps{camera="a \\"b\\"",stream="main"} 9.8 1700000000000',
      'camlet_workqueue_depth 0',
      'camlet_reconcile_duration_seconds_bucket{le="+Inf"} 3',
    ].join('\n');
    expect(parsePrometheusText(text)).toEqual([
      { name: 'camlet_worker_cpu_seconds_total', labels: { camera: 'door' }, value: 12.5 },
      { name: 'camlet_camera_stream_fps', labels: { camera: 'a "b"', stream: 'main' }, value: 9.8 },
      { name: 'camlet_workqueue_depth', labels: {}, value: 0 },
      { name: 'camlet_reconcile_duration_seconds_bucket', labels: { le: '+Inf' }, value: 3 },
    ]);
  });
});
