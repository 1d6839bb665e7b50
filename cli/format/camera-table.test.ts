import { describe, expect, it } from 'vitest';
import { loadCrd } from '../../crds-like-schemas/crd.js';
import type { CameraObject } from '../../controller/store/camera-store.js';
import { cameraHeaders, cameraRow } from './camera-table.js';
import { Table } from './table.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');

function camera(name: string, status: CameraObject['status'], url = 'rtsp://10.0.0.5/main'): CameraObject {
  return {
    apiVersion: 'camlet.dev/v1',
    kind: 'Camera',
    metadata: { name, uid: name, generation: 1, creationTimestamp: '2024-05-01T11:56:48Z' },
    spec: { streams: { main: { url, transport: 'tcp' } } } as CameraObject['spec'],
    status,
  };
}

describe('the cameras table', () => {
  it('has NAME and the CRD printer columns, the priority-1 ones with -o wide only', () => {
    const columns = loadCrd('camera.yaml').printerColumns;
    expect(cameraHeaders(false)).toEqual(['NAME', ...columns.filter((c) => !c.priority).map((c) => c.name.toUpperCase())]);
    expect(cameraHeaders(true)).toEqual(['NAME', ...columns.map((c) => c.name.toUpperCase())]);
  });

  it('prints ages, rounded rates, <none> for what is missing, aligned as kubectl', () => {
    const running = camera('front-door', {
      phase: 'Running',
      restarts: 2,
      conditions: [
        { type: 'Ready', status: 'True' },
        { type: 'Recording', status: 'False' },
      ],
      streams: { main: { fps: 9.96 } },
    });
    const invalid = camera('a', { phase: 'Invalid' });
    const rows = [running, invalid].map((c) => cameraRow(c, false, NOW));
    expect(new Table(cameraHeaders(false)).render(rows)).toBe(
      [
        'NAME         PHASE     READY    RESTARTS   FPS      RECORDING   AGE',
        'front-door   Running   True     2          10       False       3m12s',
        'a            Invalid   <none>   <none>     <none>   <none>      3m12s',
        '',
      ].join('\n'),
    );
  });

  it('never shows a password in -o wide, even one the server failed to hide', () => {
    const row = cameraRow(camera('x', { lastHeartbeatTime: '2024-05-01T11:59:15Z', worker: { runtime: 'process' } }, 'rtsp://admin:hunter2@10.0.0.5/main?pwd=hunter2'), true, NOW);
    expect(row.slice(-3)).toEqual(['rtsp://admin:***@10.0.0.5/main?pwd=***', '45s', 'process']);
    expect(row.join(' ')).not.toContain('hunter2');
  });

  it('keeps the widths of what was printed for rows printed later (get -w), growing a column when needed', () => {
    const table = new Table(['NAME', 'PHASE', 'AGE']);
    expect(table.render([['a', 'Running', '1s']])).toBe('NAME   PHASE     AGE\na      Running   1s\n');
    expect(table.render([['a', 'Crashed', '2s']])).toBe('a      Crashed   2s\n');
    expect(table.render([['a-longer-name', 'Backoff', '3s']])).toBe('a-longer-name   Backoff   3s\n');
  });
});
