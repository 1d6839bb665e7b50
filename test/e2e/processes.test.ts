// No process outlives the controller: not after a graceful stop, not after SIGKILL.
import { afterEach, describe, expect, it } from 'vitest';
import { cameraManifest, startController, stopAllControllers } from '../support/controller.js';
import { startRtspCamera, stopAllRtspCameras } from '../support/rtsp-camera.js';
import { descendantsOf, isAlive, waitUntil } from '../support/processes.js';

async function runningFleet() {
  const rtsp = await startRtspCamera();
  const controller = await startController({
    manifests: {
      'a.yaml': cameraManifest('cam-a', rtsp.url('main'), rtsp.url('sub')),
      'b.yaml': cameraManifest('cam-b', rtsp.url('main'), rtsp.url('sub')),
    },
  });
  for (const name of ['cam-a', 'cam-b']) await controller.waitForCamera(name, (c) => c.status.phase === 'Running', 'Running');
  const workers = descendantsOf(controller.pid).filter(isAlive);
  return { controller, workers };
}

describe('processes under the controller', () => {
  afterEach(async () => {
    await stopAllControllers();
    await stopAllRtspCameras();
  });

  it('leaves no worker or ffmpeg behind when killed with SIGKILL', async () => {
    const { controller, workers } = await runningFleet();
    // Two workers, each with two ffmpeg processes.
    expect(workers.length).toBeGreaterThanOrEqual(6);
    process.kill(controller.pid, 'SIGKILL');
    const killed = Date.now();
    await waitUntil(() => workers.every((pid) => !isAlive(pid)), 2000, 'every worker and ffmpeg to die within 2 s of the controller');
    expect(Date.now() - killed).toBeLessThan(2000);
  });

  it('stops every worker gracefully on SIGTERM and exits 0', async () => {
    const { controller, workers } = await runningFleet();
    const stopped = Date.now();
    expect(await controller.stop()).toBe(0);
    expect(Date.now() - stopped).toBeLessThan(10_000);
    expect(workers.filter(isAlive)).toEqual([]);
    const log = controller.output.join('\n');
    expect(log).toContain('"msg":"controller stopped"');
    // Stopped, not crashed: the shutdown was orderly.
    expect(log).not.toMatch(/"reason":"Crashed"/);
  });
});
