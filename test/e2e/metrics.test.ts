// A live scrape passes `promtool check metrics` (Debian's prometheus package) and carries every
// per-camera series of DESIGN.md.
import { spawnSync } from 'node:child_process';
import { unlink } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cameraManifest, startController, stopAllControllers, type ControllerUnderTest } from '../support/controller.js';
import { startRtspCamera, stopAllRtspCameras } from '../support/rtsp-camera.js';

describe('/metrics', () => {
  let controller: ControllerUnderTest;

  beforeAll(async () => {
    const rtsp = await startRtspCamera();
    controller = await startController({ manifests: { 'cams.yaml': cameraManifest('porch', rtsp.url('main'), rtsp.url('sub')) } });
    await controller.waitForCamera('porch', (c) => c.status.phase === 'Running', 'Running');
  });
  afterAll(async () => {
    await stopAllControllers();
    await stopAllRtspCameras();
  });

  it('passes promtool check metrics', async () => {
    const scrape = (await controller.get('/metrics')).text;
    const check = spawnSync('promtool', ['check', 'metrics'], { input: scrape, encoding: 'utf8' });
    expect(check.error).toBeUndefined();
    expect(`${check.stdout}${check.stderr}`).toBe('');
    expect(check.status).toBe(0);
  });

  it('exports the per-camera and controller series with real values', async () => {
    await controller.waitForCamera('porch', (c) => (c.status.streams?.main?.fps ?? 0) > 5, 'fps measured');
    const scrape = (await controller.get('/metrics')).text;
    const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(scrape)?.[1]);
    expect(value('camlet_camera_state{camera="porch",state="Running"}')).toBe(1);
    expect(value('camlet_camera_state{camera="porch",state="Starting"}')).toBe(0);
    expect(value('camlet_camera_stream_fps{camera="porch",stream="main"}')).toBeGreaterThan(5);
    expect(value('camlet_camera_stream_up{camera="porch",stream="sub"}')).toBe(1);
    expect(value('camlet_camera_heartbeat_age_seconds{camera="porch"}')).toBeLessThan(3);
    expect(value('camlet_worker_cpu_seconds_total{camera="porch"}')).toBeGreaterThan(0);
    expect(value('camlet_worker_resident_memory_bytes{camera="porch"}')).toBeGreaterThan(10_000_000);
    expect(value('camlet_reconcile_total{result="success"}')).toBeGreaterThanOrEqual(1);
    expect(value('camlet_workqueue_depth')).toBe(0);
    expect(value('camlet_manifests_invalid')).toBe(0);
    expect(scrape).toMatch(/^camlet_reconcile_duration_seconds_count \d+$/m);
    expect(scrape).toMatch(/^camlet_build_info\{version="\d+\.\d+\.\d+",node="v20\.[\d.]+"\} 1$/m);
    expect(scrape).toMatch(/^process_cpu_seconds_total /m);
  });

  it('drops the series of a deleted camera', async () => {
    await unlink(`${controller.manifests}/cams.yaml`);
    await expect.poll(async () => (await controller.get('/metrics')).text, { timeout: 15_000 }).not.toContain('camera="porch"');
  });
});
