// Dropping, editing, breaking, fixing and deleting manifests while the controller runs: the API
// follows within about a second, and valid neighbours are never disturbed.
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRtspCamera, stopAllRtspCameras, type RtspCamera } from '../support/rtsp-camera.js';
import { cameraManifest, startController, stopAllControllers, type ControllerUnderTest } from '../support/controller.js';
import { isAlive } from '../support/processes.js';

const condition = (camera: { status: { conditions?: { type: string; status: string; message?: string }[] } }, type: string) =>
  camera.status.conditions?.find((c) => c.type === type);

describe('manifests reconciled while the controller runs', () => {
  let rtsp: RtspCamera;
  let controller: ControllerUnderTest;

  beforeAll(async () => {
    rtsp = await startRtspCamera();
    controller = await startController({ manifests: { 'neighbour.yaml': cameraManifest('neighbour', rtsp.url('main')) } });
    await controller.waitForCamera('neighbour', (c) => c.status.phase === 'Running', 'Running');
  });
  afterAll(async () => {
    await stopAllControllers();
    await stopAllRtspCameras();
  });

  it('reports ready once the manifests are loaded and reconciled', async () => {
    expect((await controller.get('/readyz')).status).toBe(200);
    expect((await controller.get('/healthz')).text).toBe('ok');
  });

  it('adds a dropped camera and runs it', async () => {
    const dropped = Date.now();
    await controller.writeManifest('door.yaml', cameraManifest('door', rtsp.url('main'), rtsp.url('sub')));
    const seen = await controller.waitForCamera('door', () => true, 'listed', 2000);
    expect(Date.now() - dropped).toBeLessThan(1500);
    expect(seen.metadata.generation).toBe(1);
    const running = await controller.waitForCamera('door', (c) => c.status.phase === 'Running', 'Running');
    expect(running.status.observedGeneration).toBe(1);
    expect(condition(running, 'Ready')?.status).toBe('True');
    expect(condition(running, 'StreamConnected')?.status).toBe('True');
    expect(condition(running, 'StreamConnected')?.message).toMatch(/^main (connected|[\d.]+ fps), sub (connected|[\d.]+ fps)$/);
    // fps is measured after a second's warm-up and shown in the status every few seconds (paced: see
    // STATUS_FIGURES_INTERVAL_MS): it reaches the camera's 10 fps.
    await controller.waitForCamera('door', (c) => (c.status.streams?.main?.fps ?? 0) > 7, 'main fps above 7', 15_000);
  });

  it('applies a motion change live: new generation, same worker, no restart', async () => {
    const before = await controller.waitForCamera('door', (c) => c.status.phase === 'Running', 'Running');
    await controller.writeManifest('door.yaml', cameraManifest('door', rtsp.url('main'), rtsp.url('sub'), '  motion: { threshold: 40 }\n'));
    const after = await controller.waitForCamera('door', (c) => c.status.observedGeneration === 2, 'observedGeneration 2', 2000);
    expect(after.metadata.generation).toBe(2);
    expect(after.spec?.motion.threshold).toBe(40);
    expect(after.status.worker?.pid).toBe(before.status.worker?.pid);
    expect(after.status.phase).toBe('Running');
    const reasons = (await controller.events('door')).map((e) => e.reason);
    expect(reasons).toContain('Updated');

    // The test camera's moving ball is motion: a recording is under way. Turning recording off
    // finishes it (a few hundred ms to write the MP4) and then says so, without a restart.
    expect(await controller.waitForCamera('door', (c) => condition(c, 'Recording')?.status === 'True', 'a motion recording', 10_000)).toBeDefined();
    await controller.writeManifest('door.yaml', cameraManifest('door', rtsp.url('main'), rtsp.url('sub'), '  motion: { threshold: 40 }\n  recording: { mode: "off" }\n'));
    const off = await controller.waitForCamera('door', (c) => c.status.observedGeneration === 3 && condition(c, 'Recording')?.status === 'False', 'recording off', 3000);
    expect(condition(off, 'Recording')).toMatchObject({ status: 'False', reason: 'RecordingOff' });
    expect(off.status.worker?.pid).toBe(before.status.worker?.pid);
    const finished = (await controller.events('door')).find((e) => e.reason === 'RecordingFinished');
    expect(finished?.message).toMatch(/^door\/\d{4}-\d{2}-\d{2}\/door-\d{8}T\d{6}Z\.mp4: [\d.]+ s, [\d.]+ MB, h264 \d+x\d+$/);
  });

  it('restarts the worker when a stream URL changes', async () => {
    const before = await controller.waitForCamera('door', (c) => c.status.phase === 'Running', 'Running');
    await controller.writeManifest('door.yaml', cameraManifest('door', rtsp.url('main'), undefined, '  motion: { threshold: 40 }\n'));
    const after = await controller.waitForCamera(
      'door',
      (c) => c.status.observedGeneration === 4 && c.status.phase === 'Running' && c.status.worker?.pid !== before.status.worker?.pid,
      'Running with a new worker',
    );
    expect(after.status.restarts).toBe(0);
    // No SUB stream any more: MAIN is recorded, and decoded apart for motion (the 'analysis' stream).
    expect(Object.keys(after.status.streams ?? {}).sort()).toEqual(['analysis', 'main']);
  });

  it('keeps a camera running on its last valid spec when its file breaks, and recovers when fixed', async () => {
    const before = await controller.waitForCamera('door', (c) => c.status.phase === 'Running', 'Running');
    await controller.writeManifest('door.yaml', cameraManifest('door', rtsp.url('main'), undefined, '  motion: { threshold: 999 }\n'));
    const broken = await controller.waitForCamera('door', (c) => condition(c, 'ManifestValid')?.status === 'False', 'ManifestValid=False', 2000);
    expect(condition(broken, 'ManifestValid')?.message).toMatch(/door\.yaml:\d+:\d+: spec\.motion\.threshold: must be <= 255 \(value: 999\)/);
    expect(broken.status.phase).toBe('Running');
    expect(broken.metadata.generation).toBe(before.metadata.generation);
    expect(broken.status.worker?.pid).toBe(before.status.worker?.pid);
    const warning = (await controller.events('door')).find((e) => e.reason === 'InvalidManifest');
    expect(warning?.type).toBe('Warning');
    expect(warning?.message).toContain('keeps running with its last valid spec');

    await controller.writeManifest('door.yaml', cameraManifest('door', rtsp.url('main'), undefined, '  motion: { threshold: 30 }\n'));
    const fixed = await controller.waitForCamera('door', (c) => condition(c, 'ManifestValid')?.status === 'True', 'ManifestValid=True', 2000);
    expect(fixed.spec?.motion.threshold).toBe(30);
  });

  it('gives a new invalid camera phase Invalid with file, line and field, and leaves neighbours alone', async () => {
    const neighbour = await controller.camera('neighbour');
    await controller.writeManifest('bad.yaml', cameraManifest('bad', rtsp.url('main'), undefined, '  recording: { mode: always }\n'));
    const bad = await controller.waitForCamera('bad', (c) => c.status.phase === 'Invalid', 'Invalid', 2000);
    expect(bad.status.message).toMatch(/bad\.yaml:\d+:\d+: spec\.recording\.mode: must be one of "motion", "continuous", "off" \(value: "always"\)/);
    expect(bad.spec).toBeUndefined();
    expect((await controller.get<{ status: string }>('/metrics')).text).toMatch(/^camlet_manifests_invalid 1$/m);
    const after = await controller.camera('neighbour');
    expect(after?.status.worker?.pid).toBe(neighbour?.status.worker?.pid);
    expect(after?.metadata.resourceVersion).toBe(neighbour?.metadata.resourceVersion);
  });

  it('reports a second file declaring a taken name, naming both files', async () => {
    await controller.writeManifest('copy.yaml', cameraManifest('neighbour', rtsp.url('main')));
    await expect
      .poll(async () => (await controller.events('neighbour')).find((e) => e.reason === 'DuplicateName')?.message, { timeout: 2000 })
      .toMatch(/declared in .*neighbour\.yaml and again in .*copy\.yaml/);
    const status = await controller.get<{ manifests: { file: string; errors: string[] }[] }>('/status');
    expect(status.body.manifests.find((m) => m.file.endsWith('copy.yaml'))?.errors.join()).toMatch(/neighbour\.yaml/);
  });

  it('removes the cameras of a deleted file and stops their worker', async () => {
    const door = await controller.waitForCamera('door', (c) => c.status.phase === 'Running', 'Running');
    const pid = door.status.worker?.pid;
    await unlink(join(controller.manifests, 'door.yaml'));
    const deleted = Date.now();
    await expect.poll(async () => (await controller.get('/apis/camlet.dev/v1/cameras/door')).status, { timeout: 2000 }).toBe(404);
    expect(Date.now() - deleted).toBeLessThan(1500);
    const notFound = await controller.get<{ kind: string; reason: string; message: string; code: number }>('/apis/camlet.dev/v1/cameras/door');
    expect(notFound.body).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404, message: 'cameras.camlet.dev "door" not found' });
    await expect.poll(() => isAlive(pid as number), { timeout: 15_000 }).toBe(false);
  });
});
