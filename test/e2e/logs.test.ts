// The controller's output, as an operator's log pipeline sees it: JSON lines only, the worker's
// relayed with the camera on each; one recordingID on every line of one recording, from the
// worker and the controller alike; one reconcileID on every line of one reconcile; LOG_LEVEL
// respected by both; the camera's password nowhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cameraManifest, startController, stopAllControllers, type ControllerUnderTest } from '../support/controller.js';
import { waitUntil } from '../support/processes.js';
import { startRtspCamera, stopAllRtspCameras } from '../support/rtsp-camera.js';

const PASSWORD = 'Sekr3t-l0gs-pw';

type Line = Record<string, unknown> & { level: string; msg: string; component?: string; camera?: string };

describe('logs', () => {
  let controller: ControllerUnderTest;
  const lines = (): Line[] => controller.output.map((text) => JSON.parse(text) as Line);

  beforeAll(async () => {
    const rtsp = await startRtspCamera({ user: 'viewer', password: PASSWORD });
    const url = (mount: 'main' | 'sub') => rtsp.url(mount).replace(PASSWORD, '${PORCH_PASSWORD}');
    controller = await startController({
      environment: { LOG_LEVEL: 'debug', PORCH_PASSWORD: PASSWORD },
      manifests: { 'porch.yaml': cameraManifest('porch', url('main'), url('sub'), '  recording: { mode: continuous, segmentMinutes: 1 }\n') },
    });
    await controller.waitForCamera('porch', (c) => c.status.phase === 'Running', 'Running', 20_000);
  }, 60_000);

  afterAll(async () => {
    await stopAllControllers();
    await stopAllRtspCameras();
  });

  it('prints JSON lines only, the worker\'s relayed with the camera on each', () => {
    for (const text of controller.output) expect(() => JSON.parse(text) as unknown, text).not.toThrow();
    const worker = lines().filter((l) => l.component === 'worker');
    expect(worker.length).toBeGreaterThan(0);
    for (const line of worker) expect(line.camera, JSON.stringify(line)).toBe('porch');
    expect(lines().filter((l) => l.component === 'controller').length).toBeGreaterThan(0);
  });

  it('carries one recordingID and the camera on every line of one recording, from the worker and the controller', async () => {
    const started = await waitUntil(
      () => lines().find((l) => l.component === 'controller' && typeof l.recordingID === 'string' && l.msg === 'recording started'),
      20_000,
      'the controller logging a recording start',
      100,
    );
    const id = started.recordingID as string;
    const ofRecording = await waitUntil(
      () => {
        const found = lines().filter((l) => l.recordingID === id);
        return found.some((l) => l.component === 'worker') ? found : undefined;
      },
      5_000,
      `the worker's lines of recording ${id}`,
      100,
    );
    expect(new Set(ofRecording.map((l) => l.component))).toEqual(new Set(['worker', 'controller']));
    for (const line of ofRecording) expect(line.camera, JSON.stringify(line)).toBe('porch');
    // The field has one name: no line calls a recording `recording`.
    expect(lines().filter((l) => typeof l.recording === 'string')).toEqual([]);
  });

  it('carries one reconcileID on every line of one reconcile', () => {
    const reconciled = lines().filter((l) => l.msg === 'reconciled' && l.camera === 'porch');
    expect(reconciled.length).toBeGreaterThan(0);
    // The first reconcile of the camera started its worker: its lifecycle lines carry the id too.
    const first = reconciled[0]?.reconcileID;
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    const ofReconcile = lines().filter((l) => l.reconcileID === first);
    expect(ofReconcile.length).toBeGreaterThan(1);
    for (const line of ofReconcile) expect(line.camera, JSON.stringify(line)).toBe('porch');
    expect(new Set(reconciled.map((l) => l.reconcileID)).size).toBe(reconciled.length);
  });

  it('respects LOG_LEVEL in the controller and in the worker', () => {
    expect(lines().some((l) => l.component === 'controller' && l.level === 'debug')).toBe(true);
    expect(lines().some((l) => l.component === 'worker' && l.level === 'debug')).toBe(true);
  });

  it('never prints the camera password', () => {
    const output = controller.output.join('\n');
    expect(output).not.toContain(PASSWORD);
    expect(output).not.toContain(encodeURIComponent(PASSWORD));
  });
});
