// The lifecycle against real failures: a worker killed with SIGKILL is restarted after its backoff,
// and a camera whose RTSP server goes away is Unhealthy until it comes back.
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cameraManifest, startController, stopAllControllers, type ControllerUnderTest } from '../support/controller.js';
import { startRtspCamera, stopAllRtspCameras, type RtspCamera } from '../support/rtsp-camera.js';
import { isAlive } from '../support/processes.js';

const run = promisify(execFile);

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

  it('records again within 5 s of the camera coming back after a 20 s outage, the gap no longer than the outage and the reconnection', async () => {
    await controller.waitForCamera('yard', (c) => c.status.recording !== undefined, 'a recording of the moving ball', 15_000);
    const stoppedAt = Date.now();
    await rtsp.stop();
    const unhealthy = await controller.waitForCamera('yard', (c) => c.status.phase === 'Unhealthy', 'Unhealthy', 15_000);
    expect(unhealthy.status.conditions?.find((c) => c.type === 'StreamConnected')?.status).toBe('False');
    // The recording in progress ends with the stream, as a whole file.
    await controller.waitForCamera('yard', (c) => c.status.recording === undefined, 'the recording finished', 5000);
    await sleep(20_000 - (Date.now() - stoppedAt));

    rtsp = await startRtspCamera({ port: rtsp.port });
    const backAt = Date.now();
    const again = await controller.waitForCamera('yard', (c) => c.status.phase === 'Running' && c.status.recording !== undefined, 'Running and recording again', 10_000);
    const recordingAgainMs = Date.now() - backAt;
    // The new recording starts at or before the moment it was reported (its pre-roll reaches back).
    const lastEndBefore = Math.max(...(await recordingsOf(controller.storage, 'yard')).map((r) => r.endMs));
    const gapMs = Date.parse(again.status.recording?.startTime ?? '') - lastEndBefore;
    const outageMs = backAt - stoppedAt;
    console.info(`outage ${(outageMs / 1000).toFixed(1)} s: recording again ${recordingAgainMs} ms after the camera came back; gap in recordings at most ${(gapMs / 1000).toFixed(1)} s`);
    expect(recordingAgainMs).toBeLessThan(5000);
    // A file's name gives its start to the second: its end may read up to 1 s early.
    expect(gapMs).toBeLessThan(outageMs + recordingAgainMs + 1000);
  }, 90_000);
});

/** The camera's MP4 files with their start (from the name, to the second) and end (start + duration). */
async function recordingsOf(storage: string, camera: string): Promise<{ startMs: number; endMs: number }[]> {
  const files = (await readdir(join(storage, camera), { recursive: true })).filter((name) => name.endsWith('.mp4'));
  return Promise.all(
    files.map(async (name) => {
      const stamp = /(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(name)?.slice(1) ?? [];
      const startMs = Date.parse(`${stamp[0]}-${stamp[1]}-${stamp[2]}T${stamp[3]}:${stamp[4]}:${stamp[5]}Z`);
      const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', join(storage, camera, name)]);
      return { startMs, endMs: startMs + Number(stdout) * 1000 };
    }),
  );
}
