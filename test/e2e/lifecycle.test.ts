// The lifecycle against real failures: a worker killed with SIGKILL is restarted after its backoff,
// and a camera whose RTSP server goes away is Unhealthy until it comes back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cameraManifest, startController, stopAllControllers, type ControllerUnderTest } from '../support/controller.js';
import { startRtspCamera, stopAllRtspCameras, type RtspCamera } from '../support/rtsp-camera.js';
import { isAlive } from '../support/processes.js';

describe('camera lifecycle end to end', () => {
  let rtsp: RtspCamera;
  let controller: ControllerUnderTest;

  beforeAll(async () => {
    rtsp = await startRtspCamera();
    controller = await startController({ manifests: { 'cams.yaml': cameraManifest('yard', rtsp.url('main'), rtsp.url('sub')) } });
    await controller.waitForCamera('yard', (c) => c.status.phase === 'Running', 'Running');
  });
  afterAll(async () => {
    await stopAllControllers();
    await stopAllRtspCameras();
  });

  it('restarts a worker killed with SIGKILL: Crashed, Backoff, Running, restarts counted', async () => {
    const before = await controller.waitForCamera('yard', (c) => c.status.phase === 'Running', 'Running');
    const pid = before.status.worker?.pid as number;
    process.kill(pid, 'SIGKILL');
    const after = await controller.waitForCamera(
      'yard',
      (c) => c.status.phase === 'Running' && c.status.restarts === 1 && c.status.worker?.pid !== pid,
      'Running again with restarts 1',
    );
    expect(isAlive(pid)).toBe(false);
    const events = await controller.events('yard');
    const reasons = events.map((e) => e.reason);
    const crashed = events.find((e) => e.reason === 'Crashed');
    expect(crashed).toMatchObject({ type: 'Warning', message: 'worker was killed by SIGKILL' });
    expect(events.find((e) => e.reason === 'BackOff')).toMatchObject({ type: 'Warning', message: 'back-off 0.5s restarting the failed worker' });
    expect(reasons).toEqual(expect.arrayContaining(['Crashed', 'BackOff', 'Restarting']));
    expect(after.status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    const metrics = (await controller.get('/metrics')).text;
    expect(metrics).toMatch(/^camlet_camera_restarts_total\{camera="yard"\} 1$/m);
    expect(metrics).toMatch(/^camlet_camera_transitions_total\{camera="yard",from="Running",to="Crashed"\} 1$/m);
    expect(metrics).toMatch(/^camlet_camera_transitions_total\{camera="yard",from="Backoff",to="Starting"\} 1$/m);
  });

  it('goes Unhealthy while the RTSP server is down and Running when it is back', async () => {
    const before = await controller.waitForCamera('yard', (c) => c.status.phase === 'Running', 'Running');
    await rtsp.stop();
    const unhealthy = await controller.waitForCamera('yard', (c) => c.status.phase === 'Unhealthy', 'Unhealthy', 10_000);
    expect(unhealthy.status.reason).toBe('StreamStalled');
    expect(unhealthy.status.conditions?.find((c) => c.type === 'StreamConnected')?.status).toBe('False');
    expect(unhealthy.status.worker?.pid).toBe(before.status.worker?.pid);

    rtsp = await startRtspCamera({ port: rtsp.port });
    const back = await controller.waitForCamera('yard', (c) => c.status.phase === 'Running', 'Running again', 20_000);
    // The worker reconnected by itself: same process, no restart counted.
    expect(back.status.worker?.pid).toBe(before.status.worker?.pid);
    expect(back.status.restarts).toBe(before.status.restarts);
    expect(back.status.streams?.main?.reconnects).toBeGreaterThan(0);
    const reasons = (await controller.events('yard')).map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['StreamStalled', 'Recovered']));
  });
});
