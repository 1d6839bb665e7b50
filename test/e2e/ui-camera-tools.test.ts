// The dashboard's camera tools in a real browser (Debian's chromium, driven by playwright-core)
// against the built controller with a real worker and a real RTSP camera that asks for a
// password: the logs viewer shows the worker's lines and filters them; the settings editor
// refuses an invalid value at its field with the manifest untouched, and applies a valid one
// (the file changes, its password kept; the camera's status follows); the storage page shows
// the filesystem as statfs sees it. Screenshots go to dist/screenshots/ (or $CAMLET_SCREENSHOTS).
import { statfsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StorageObject } from '../../controller/api/storage-api.js';
import { formatBytes } from '../../controller/retention/quantity.js';
import { BrowserSession, HORIZONTAL_OVERFLOW, SCREENSHOTS } from '../support/chromium.js';
import { cameraManifest, startController, stopAllControllers, type ControllerUnderTest } from '../support/controller.js';
import { waitUntil } from '../support/processes.js';
import { startRtspCamera, stopAllRtspCameras, type RtspCamera } from '../support/rtsp-camera.js';

const PASSWORD = 'pw-s3cret-4711';
/** Page width beyond the viewport: a layout that fits has none. */

let camera: RtspCamera;
let controller: ControllerUnderTest;
let browser: BrowserSession;
let manifestFile: string;

const openPage = (width = 1280, height = 900) => browser.openPage(width, height);

const field = (page: Page, path: string) => page.locator(`.settings .setting[data-field="${path}"]`);

beforeAll(async () => {
  camera = await startRtspCamera({ main: '320x180@10', sub: '160x90@5', user: 'viewer', password: PASSWORD });
  controller = await startController({ manifests: { 'porch.yaml': cameraManifest('porch', camera.url('main'), camera.url('sub')) } });
  manifestFile = join(controller.manifests, 'porch.yaml');
  await controller.waitForCamera('porch', (c) => c.status.phase === 'Running', 'Running', 20_000);
  browser = await BrowserSession.launch();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stopAllControllers();
  await stopAllRtspCameras();
}, 60_000);

describe('the camera tools', () => {
  it("show the worker's log lines, filtered by level and text", async () => {
    const page = await openPage();
    await page.goto(`${controller.url}/#/cameras/porch`);
    const logs = page.locator('.logs');
    await logs.locator('.log-line').first().waitFor({ timeout: 10_000 });
    await page.locator('.logs[data-state="following"]').waitFor({ timeout: 5_000 });
    const lines = logs.locator('.log-line');
    // The same lines as the API's ring, at the levels shown by default (info and up).
    const ring = (await controller.get<string>('/apis/camlet.dev/v1/cameras/porch/log')).text.trim().split('\n');
    const notDebug = ring.filter((line) => !['debug', 'trace'].includes((JSON.parse(line) as { level: string }).level));
    await waitUntil(async () => (await lines.count()) >= notDebug.length, 5_000, 'every line of the ring shown');
    expect(await lines.first().locator('time').textContent()).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/);

    // By level: info off leaves only warnings and errors.
    await logs.locator('.chip[data-level="info"]').click();
    const levels = await Promise.all((await lines.all()).map((row) => row.getAttribute('data-level')));
    expect(levels.every((level) => level === 'warn' || level === 'error')).toBe(true);
    await logs.locator('.chip[data-level="info"]').click();

    // By text, in the message or the fields, whatever the case: the words of the first line.
    const words = (JSON.parse(notDebug[0] ?? '{}') as { msg?: string }).msg ?? '';
    expect(words).not.toBe('');
    await logs.locator('input[type="search"]').fill(words.toUpperCase());
    await waitUntil(async () => (await lines.count()) > 0, 2_000, `lines with "${words}"`);
    const texts = await lines.allTextContents();
    expect(texts.every((text) => text.toLowerCase().includes(words.toLowerCase()))).toBe(true);
    expect(await page.locator('.logs-foot').getAttribute('data-matching')).toBe(String(texts.length));
    await logs.locator('input[type="search"]').fill('no-such-words-anywhere');
    await logs.locator('.logs-empty').waitFor();
    expect(await lines.count()).toBe(0);
    await logs.locator('input[type="search"]').fill('');

    // Pausing keeps the lines; following again reads the tail afresh and goes on.
    const shown = await lines.count();
    await logs.locator('.follow input').uncheck();
    await page.locator('.logs[data-state="paused"]').waitFor({ timeout: 2_000 });
    expect(await lines.count()).toBe(shown);
    await logs.locator('.follow input').check();
    await page.locator('.logs[data-state="following"]').waitFor({ timeout: 5_000 });
    await page.locator('.logs-panel').scrollIntoViewIfNeeded();
    await page.locator('.logs-panel').screenshot({ path: join(SCREENSHOTS, 'ui-camera-logs.png') });
    // No password on the page, whatever the worker logged.
    expect(await page.content()).not.toContain(PASSWORD);
    await page.close();
  }, 30_000);

  it('refuse an invalid setting at its field and write nothing; apply a valid one to the file and the camera', async () => {
    const page = await openPage();
    await page.goto(`${controller.url}/#/cameras/porch`);
    const before = await readFile(manifestFile, 'utf8');
    const generation = (await controller.camera('porch'))?.metadata.generation;
    const threshold = field(page, 'spec.motion.threshold');
    await threshold.locator('input').fill('300');
    await page.locator('.settings button[type="submit"]').click();
    await threshold.locator('.field-error').waitFor({ timeout: 5_000 });
    expect(await threshold.locator('.field-error').textContent()).toMatch(/255/);
    expect(await threshold.locator('input').getAttribute('aria-invalid')).toBe('true');
    expect(await readFile(manifestFile, 'utf8')).toBe(before);
    expect((await controller.camera('porch'))?.metadata.generation).toBe(generation);
    await page.locator('.settings-panel').scrollIntoViewIfNeeded();
    await page.locator('.settings-panel').screenshot({ path: join(SCREENSHOTS, 'ui-camera-settings-invalid.png') });

    // Valid values: the file changes, with its password; the camera runs the new generation.
    const logLines = page.locator('.logs .log-line');
    const linesBefore = await logLines.count();
    await threshold.locator('input').fill('40');
    await field(page, 'spec.recording.postRollSeconds').locator('input').fill('2');
    // Recording off ends the motion recording under way (the test pattern moves all the time): a file for the storage page.
    await field(page, 'spec.recording.mode').locator('select').selectOption('off');
    expect(await threshold.locator('.field-error').count()).toBe(0);
    await page.locator('.settings button[type="submit"]').click();
    await page.locator('.settings .saved').waitFor({ timeout: 10_000 });
    const after = await readFile(manifestFile, 'utf8');
    expect(after).not.toBe(before);
    expect(after).toContain(PASSWORD);
    expect(after).not.toContain('***');
    // Edited in place: the defaults the API filled in stay out of the file.
    expect(after).toMatch(/threshold: 40/);
    expect(after).not.toContain('segmentMinutes');
    const applied = await controller.waitForCamera(
      'porch',
      (c) =>
        c.spec?.motion.threshold === 40 &&
        c.spec.recording.mode === 'off' &&
        c.status.observedGeneration === c.metadata.generation &&
        c.status.phase === 'Running' &&
        c.status.recording === undefined,
      'the new generation running',
      15_000,
    );
    expect(applied.metadata.generation).toBe((generation ?? 0) + 1);
    // The page follows the watch: the form holds the new value, the status the new generation.
    expect(await threshold.locator('input').inputValue()).toBe('40');
    // The worker's lines about the change arrive in the logs viewer as they are written (follow).
    await waitUntil(async () => (await logLines.count()) > linesBefore, 5_000, 'new log lines followed');
    await page.locator('.facts dd', { hasText: `${applied.metadata.generation} (observed ${applied.metadata.generation})` }).waitFor({ timeout: 5_000 });
    await page.locator('.settings-panel').screenshot({ path: join(SCREENSHOTS, 'ui-camera-settings-saved.png') });
    // The JSON tab holds the camera as a manifest would, its password redacted.
    await page.locator('.settings .tabs button', { hasText: 'JSON' }).click();
    const json = JSON.parse(await page.locator('.settings-json').inputValue()) as { metadata: Record<string, unknown>; spec: { motion: { threshold: number }; streams: { main: { url: string } } } };
    expect(json.spec.motion.threshold).toBe(40);
    expect(json.spec.streams.main.url).toContain('viewer:***@');
    expect(Object.keys(json.metadata)).toEqual(['name', 'labels']);
    expect(await page.content()).not.toContain(PASSWORD);
    await page.close();
  }, 40_000);

  it('show storage as the filesystem has it, and fit a phone', async () => {
    const page = await openPage();
    await page.goto(`${controller.url}/`);
    await page.locator('.topbar [data-nav="storage"]').click();
    await page.locator('.storage-page .figure[data-figure="total"]').waitFor({ timeout: 5_000 });
    // The motion recording that recording off ended, in the index.
    await page.locator('.shares tr[data-camera="porch"]').waitFor({ timeout: 10_000 });
    const disk = statfsSync(controller.storage);
    const figure = (name: string) => page.locator(`.figure[data-figure="${name}"] .figure-value`).textContent();
    expect(await figure('total')).toBe(formatBytes(disk.blocks * disk.bsize));
    const { status } = (await controller.get<StorageObject>('/apis/camlet.dev/v1/storage')).body;
    expect(status.totalBytes).toBe(disk.blocks * disk.bsize);
    // Other programs write to this filesystem meanwhile: the same within 64 MiB.
    expect(Math.abs((status.freeBytes ?? 0) - disk.bavail * disk.bsize)).toBeLessThan(64 * 2 ** 20);
    const shownFree = await figure('free');
    expect([formatBytes(status.freeBytes ?? 0), formatBytes(disk.bavail * disk.bsize)]).toContain(shownFree);
    expect(await page.locator('[data-condition="StorageLow"]').textContent()).toBe('Enough space');
    // Each camera with recordings has its row, as the index counts them.
    for (const camera of status.cameras) {
      expect(await page.locator(`.shares tr[data-camera="${camera.camera}"] .share-percent`).textContent()).toBe(`${camera.percent.toFixed(1)}%`);
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-storage.png'), fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    expect(await page.evaluate<number>(HORIZONTAL_OVERFLOW)).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-phone-storage.png'), fullPage: true });
    await page.goto(`${controller.url}/#/cameras/porch`);
    await page.locator('.logs .log-line').first().waitFor({ timeout: 10_000 });
    await page.locator('.settings-panel').scrollIntoViewIfNeeded();
    expect(await page.evaluate<number>(HORIZONTAL_OVERFLOW)).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-phone-camera-tools.png'), fullPage: true });
    await page.close();
  }, 30_000);

  it('asked nothing of anyone but the controller, and the pages raised no error', () => {
    expect(browser.requestedElsewhere(controller.url)).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
