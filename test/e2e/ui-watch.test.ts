// The dashboard's live updates in a real browser against the built controller: one watch
// connection carries cameras, events and recordings (no per-resource watch), and the page
// reconnects by itself when the connection is cut and when the controller restarts, showing the
// new controller's cameras. The page reaches the controller through a TCP proxy, which can cut
// connections and point at the restarted controller's new port. The cameras are disabled: no
// worker, no video, only the watch is under test.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession } from '../support/chromium.js';
import { cameraManifest, startController, stopAllControllers, type ControllerUnderTest } from '../support/controller.js';
import { waitUntil } from '../support/processes.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

const WATCH_PATH = '/apis/camlet.dev/v1/watch';
const disabled = (name: string) => cameraManifest(name, 'rtsp://127.0.0.1:9/none', undefined, '  enabled: false\n');

let controller: ControllerUnderTest;
let proxy: TcpProxy;
let browser: BrowserSession;
let page: Page;
/** Every request of the page for the watch URL, and for any ?watch=true (the per-resource watches, which must not be used). */
const watchRequests: string[] = [];
const perResourceWatches: string[] = [];

const tile = (name: string) => page.locator(`.tile[data-camera="${name}"]`);

beforeAll(async () => {
  controller = await startController({ manifests: { 'alpha.yaml': disabled('alpha') } });
  proxy = await startTcpProxy(controller.url);
  browser = await BrowserSession.launch();
  page = await browser.openPage();
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname === WATCH_PATH) watchRequests.push(url.search);
    if (url.searchParams.get('watch') === 'true') perResourceWatches.push(request.url());
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await stopAllControllers();
}, 60_000);

describe('the dashboard’s watch', () => {
  it('holds exactly one watch connection for cameras, events and recordings', async () => {
    await page.goto(`${proxy.url}/`);
    await page.locator('[data-connection="live"]').waitFor({ timeout: 10_000 });
    await tile('alpha').locator('.badge[data-phase="Stopped"]').waitFor({ timeout: 10_000 });
    await controller.writeManifest('beta.yaml', disabled('beta'));
    await tile('beta').waitFor({ timeout: 10_000 });
    await page.waitForTimeout(1_000);
    expect(watchRequests).toHaveLength(1);
    expect(new URLSearchParams(watchRequests[0]).get('kinds')).toBe('cameras,events,recordings');
    expect(perResourceWatches).toEqual([]);
    expect(proxy.openAsking(WATCH_PATH)).toBe(1);
  });

  it('reconnects when the connection is cut, resuming from the last version it saw', async () => {
    proxy.cut();
    await waitUntil(() => watchRequests.length === 2, 10_000, 'the page watching again');
    expect(new URLSearchParams(watchRequests[1]).get('resourceVersion')).toMatch(/^\d+$/);
    await page.locator('[data-connection="live"]').waitFor({ timeout: 10_000 });
    await controller.writeManifest('gamma.yaml', disabled('gamma'));
    await tile('gamma').waitFor({ timeout: 10_000 });
    expect(proxy.openAsking(WATCH_PATH)).toBe(1);
  }, 30_000);

  it('reconnects to a restarted controller and shows its cameras, dropping those it no longer has', async () => {
    const before = watchRequests.length;
    await controller.stop();
    await page.locator('[data-connection="retrying"]').waitFor({ timeout: 10_000 });
    controller = await startController({ manifests: { 'alpha.yaml': disabled('alpha'), 'delta.yaml': disabled('delta') } });
    proxy.target = controller.url;
    await tile('delta').waitFor({ timeout: 20_000 });
    await waitUntil(async () => (await page.locator('.tile[data-camera]').count()) === 2, 5_000, 'beta and gamma gone');
    await page.locator('[data-connection="live"]').waitFor({ timeout: 10_000 });
    // The version from before the restart was refused (410) and the page started afresh.
    const after = watchRequests.slice(before);
    expect(after.at(-1)).not.toMatch(/resourceVersion=/);
    expect(proxy.openAsking(WATCH_PATH)).toBe(1);
    expect(browser.pageErrors).toEqual([]);
  }, 60_000);
});
