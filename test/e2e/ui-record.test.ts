// The dashboard's Record button (camera page) and Panic button (top bar) in a real browser
// (Debian's chromium, driven by playwright-core) against the built controller, its real workers
// and a real RTSP camera: each click produces manual recordings, found through the API and played
// in full. Screenshots go to dist/screenshots/ (or $CAMLET_SCREENSHOTS).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordingObject } from '../../controller/api/recording-object.js';
import { BrowserSession, SCREENSHOTS } from '../support/chromium.js';
import { cameraManifest, startController, stopAllControllers, type ControllerUnderTest } from '../support/controller.js';
import { encodeH264Clip } from '../support/h264-clip.js';
import { waitUntil } from '../support/processes.js';
import { startRtspCamera, stopAllRtspCameras } from '../support/rtsp-camera.js';

const run = promisify(execFile);
const API = '/apis/camlet.dev/v1';
// Nothing but manual recordings: no motion analysis, recording.mode off.
const QUIET = '  motion: { enabled: false }\n  recording: { mode: "off", preRollSeconds: 1 }\n';

let controller: ControllerUnderTest;
let browser: BrowserSession;
let clips: string;

beforeAll(async () => {
  // MAIN from a clip: the camera page's live view is a second client of the MAIN stream, and the
  // test server's live-encoded pattern restarts its timestamps under the worker when one joins.
  clips = await mkdtemp(join(tmpdir(), 'camlet-ui-record-'));
  const clip = join(clips, 'main.mp4');
  await encodeH264Clip(clip, { source: 'testsrc2=size=320x240:rate=10', seconds: 6, fps: 10 });
  const camera = await startRtspCamera({ mainFile: clip, sub: '160x120@5' });
  const manifest = (name: string) => cameraManifest(name, camera.url('main'), camera.url('sub'), QUIET);
  controller = await startController({ manifests: { 'front.yaml': manifest('front'), 'back.yaml': manifest('back') } });
  await Promise.all(['front', 'back'].map((name) => controller.waitForCamera(name, (c) => c.status.phase === 'Running', 'Running', 15_000)));
  browser = await BrowserSession.launch();
}, 40_000);

afterAll(async () => {
  await browser?.close();
  await stopAllControllers();
  await stopAllRtspCameras();
  await rm(clips, { recursive: true, force: true });
}, 30_000);

async function openPage(hash = ''): Promise<Page> {
  const page = await browser.openPage();
  await page.goto(`${controller.url}/${hash}`);
  return page;
}

/** Waits for the camera's `count`th manual recording (oldest first) and plays it in full through the API. */
async function playableManual(camera: string, count: number): Promise<RecordingObject> {
  const items = await waitUntil(async () => {
    const { body } = await controller.get<{ items: RecordingObject[] }>(`${API}/recordings?trigger=manual&camera=${camera}&order=oldest`);
    return body.items.length >= count ? body.items : undefined;
  }, 12_000, `${count} manual recording(s) of ${camera}`);
  const recording = items[count - 1] as RecordingObject;
  const { stderr } = await run('ffmpeg', ['-v', 'error', '-i', `${controller.url}${API}/recordings/${recording.metadata.name}/content`, '-f', 'null', '-']);
  expect(stderr.trim()).toBe('');
  return recording;
}

describe('manual recording in the dashboard', () => {
  it('records the camera from its page until Stop is clicked', async () => {
    const page = await openPage('#/cameras/front');
    const control = page.locator('.record-control');
    await control.locator('.record-start:not([disabled])').waitFor({ timeout: 10_000 });
    await control.locator('.record-length').selectOption({ label: 'Until stopped (1 h at most)' });
    await control.locator('.record-start').click();
    await page.locator('.record-control[data-record-state="recording"]').waitFor({ timeout: 5_000 });
    expect(await control.locator('.record-state').textContent()).toBe('Manual recording · until stopped');
    // The camera's status shows it too (the REC dot in the page's head).
    await controller.waitForCamera('front', (c) => c.status.recording?.trigger === 'manual', 'recording manually');
    await page.locator('.camera-head [data-recording="true"]').waitFor({ timeout: 5_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'camera-recording.png') });
    await page.waitForTimeout(2500);
    await control.locator('.record-stop').click();
    await page.locator('.record-control[data-record-state="idle"]').waitFor({ timeout: 10_000 });
    const recording = await playableManual('front', 1);
    expect(recording.spec.durationSeconds).toBeGreaterThan(1);
    expect(recording.spec.durationSeconds).toBeLessThan(10);
    await page.close();
  });

  it('records every camera from the panic button, after a confirmation, and stops them all', async () => {
    const page = await openPage();
    await page.locator('[data-connection="live"]').waitFor({ timeout: 10_000 });
    await page.locator('.panic-button').click();
    const confirm = page.locator('.panic-confirm');
    expect(await confirm.locator('p').textContent()).toBe('Record all 2 running cameras for 5 minutes?');
    await page.screenshot({ path: join(SCREENSHOTS, 'panic-confirm.png') });
    await confirm.locator('.panic-go').click();
    await page.locator('.panic-note', { hasText: 'Recording 2 cameras' }).waitFor({ timeout: 5_000 });
    await Promise.all(['front', 'back'].map((name) => controller.waitForCamera(name, (c) => c.status.recording?.trigger === 'manual', 'recording manually')));
    await page.waitForTimeout(2000);
    await page.locator('.panic-button').click();
    await confirm.locator('.panic-stop').click();
    await page.locator('.panic-note', { hasText: 'Stopped 2 cameras' }).waitFor({ timeout: 5_000 });
    await playableManual('front', 2);
    await playableManual('back', 1);
    await page.close();
    expect(browser.requested.filter((url) => !url.startsWith(controller.url))).toEqual([]);
  });
});
