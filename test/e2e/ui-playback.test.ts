// The dashboard's timeline and playback in a real browser (Debian's chromium, driven by
// playwright-core) against the built controller (npm run build) with a real worker fed by a real
// RTSP camera whose clip has motion once per loop: a motion recording appears on the timeline
// while the page watches; zoomed to minutes and panned, a click plays it at 2× (media time
// advancing at twice the wall clock) from the moment clicked; a seek lands within a second; next
// and previous event step across recordings; the download link is the MP4 as an attachment;
// hovering a recording shows its thumbnail; the layout holds at a phone's width; nothing is asked
// of anyone but the controller. Screenshots go to dist/screenshots/ (or $CAMLET_SCREENSHOTS).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession, HORIZONTAL_OVERFLOW } from '../support/chromium.js';
import { cameraManifest, startController, stopAllControllers, type ControllerUnderTest } from '../support/controller.js';
import { encodeH264Clip } from '../support/h264-clip.js';
import { LIGHT, sceneGraph } from '../support/motion-clips.js';
import { waitUntil } from '../support/processes.js';
import { startRtspCamera, stopAllRtspCameras } from '../support/rtsp-camera.js';

const CAMERA = 'yard';
/** A 12-second loop: a box crosses the scene from 1 s to 6 s, then nothing moves. With a second of pre- and post-roll, one recording of about 8 s per loop. */
const LOOP_SECONDS = 12;
const FPS = 10;

let clips: string;
let controller: ControllerUnderTest;
let browser: BrowserSession;
/** Every URL the pages asked for: none may leave 127.0.0.1. */

interface RecordingItem {
  metadata: { name: string };
  spec: { start: string; end: string; trigger: string };
}
interface Span {
  id: string;
  startMs: number;
  endMs: number;
}

async function recordings(): Promise<Span[]> {
  const list = await controller.get<{ items: RecordingItem[] }>(`/apis/camlet.dev/v1/recordings?camera=${CAMERA}&order=oldest`);
  return list.body.items.map((r) => ({ id: r.metadata.name, startMs: Date.parse(r.spec.start), endMs: Date.parse(r.spec.end) }));
}

async function motionStarts(): Promise<number[]> {
  const list = await controller.get<{ items: { spec: { start: string } }[] }>(`/apis/camlet.dev/v1/motionevents?camera=${CAMERA}`);
  return list.body.items.map((m) => Date.parse(m.spec.start));
}


/** The bar's view and box: where a time is on the screen, and back. */
async function barGeometry(page: Page) {
  const bar = page.locator('.recordings .timeline-bar');
  const [startMs, endMs, box] = await Promise.all([bar.getAttribute('data-start-ms'), bar.getAttribute('data-end-ms'), page.locator('.recordings .timeline-svg').boundingBox()]);
  if (!box || startMs === null || endMs === null) throw new Error('no timeline bar');
  const [start, end] = [Number(startMs), Number(endMs)];
  return {
    start,
    end,
    y: box.y + box.height * 0.4,
    xOf: (timeMs: number) => box.x + ((timeMs - start) / (end - start)) * box.width,
    timeOf: (x: number) => start + ((x - box.x) / box.width) * (end - start),
  };
}

/** The playback video's figures (the project's types have no DOM). */
interface VideoElement {
  readyState: number;
  currentTime: number;
  paused: boolean;
  played: { length: number; start(index: number): number };
  dataset: Record<string, string | undefined>;
  addEventListener(type: string, listener: () => void, options: { once: boolean }): void;
  /** Set by the test: where the next seek lands, in seconds. */
  seekLanded?: Promise<number>;
}


beforeAll(async () => {
  clips = await mkdtemp(join(tmpdir(), 'camlet-playback-'));
  const clip = join(clips, 'yard.mp4');
  const mover = { from: 1, to: 6, size: [0.14, 0.24] as [number, number], colour: LIGHT, path: [[0.05, 0.35], [0.8, 0.45]] as [[number, number], [number, number]] };
  await encodeH264Clip(clip, { source: sceneGraph(320, 180, FPS, [mover]), seconds: LOOP_SECONDS, fps: FPS });
  const camera = await startRtspCamera({ mainFile: clip, subFile: clip });
  controller = await startController({
    manifests: {
      'yard.yaml': cameraManifest(CAMERA, camera.url('main'), camera.url('sub'), '  motion: { fps: 5, width: 160 }\n  recording: { preRollSeconds: 1, postRollSeconds: 1 }\n'),
    },
  });
  await controller.waitForCamera(CAMERA, (c) => c.status.phase === 'Running', 'Running', 20_000);
  browser = await BrowserSession.launch();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stopAllControllers();
  await stopAllRtspCameras();
  if (clips) await rm(clips, { recursive: true, force: true });
}, 60_000);

describe('timeline and playback', () => {
  let page: Page;

  it('shows a motion recording on the timeline as soon as it is indexed, while the page watches', async () => {
    page = await browser.openPage(1280, 900);
    await page.goto(`${controller.url}/#/cameras/${CAMERA}`);
    const bar = page.locator('.recordings .timeline-bar');
    await bar.waitFor({ timeout: 10_000 });
    const before = (await recordings()).length;
    // The first recording that finishes while the page is open: indexed (the API lists it), then on the bar.
    const indexedAt = await waitUntil(async () => ((await recordings()).length > before ? Date.now() : undefined), 30_000, 'a motion recording indexed', 100);
    await waitUntil(async () => Number(await bar.getAttribute('data-recordings')) > before, 5_000, 'the recording on the timeline', 100);
    const shownAfterMs = Date.now() - indexedAt;
    console.log(`a finished recording reached the timeline ${shownAfterMs} ms after the API listed it`);
    // Through the events watch, not the 30-second refresh.
    expect(shownAfterMs).toBeLessThan(3_000);
    await page.locator('.recordings .tl-recorded').first().waitFor();
    await page.locator('.recordings .tl-motion').first().waitFor();
    await browser.screenshot(page, 'ui-timeline-day.png');
  }, 45_000);

  it('zooms to minutes, plays from a click at 2×, seeks within a second, steps between events across recordings', async () => {
    await waitUntil(async () => (await recordings()).length >= 2, 30_000, 'two recordings', 250);
    // Zoom: the wheel over now, then the + button down to the shortest span.
    let geometry = await barGeometry(page);
    await page.mouse.move(geometry.xOf(Date.now()), geometry.y);
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -400);
    await expect.poll(async () => (await barGeometry(page)).end - (await barGeometry(page)).start).toBeLessThan(6 * 3_600_000);
    for (let i = 0; i < 10; i++) await page.locator('.recordings .zoom-in').click();
    await expect.poll(async () => (await barGeometry(page)).end - (await barGeometry(page)).start).toBe(120_000);
    // Pan by dragging, a few seconds into the past: the view stops following the clock, so that a time read off it stays put.
    geometry = await barGeometry(page);
    await page.mouse.move(geometry.xOf(geometry.start + 60_000), geometry.y);
    await page.mouse.down();
    await page.mouse.move(geometry.xOf(geometry.start + 70_000), geometry.y, { steps: 5 });
    await page.mouse.up();
    await expect.poll(async () => (await barGeometry(page)).end).toBeLessThan(geometry.end - 8_000);
    // Wait for the lists of the new view, which the click needs.
    await page.waitForTimeout(600);

    const all = await recordings();
    geometry = await barGeometry(page);
    const target = all.find((r) => r.startMs > geometry.start && r.endMs < geometry.end);
    if (!target) throw new Error(`no recording inside the view ${new Date(geometry.start).toISOString()} – ${new Date(geometry.end).toISOString()}`);
    await page.locator('.recordings .speeds [data-speed="2"]').click();
    const clickX = geometry.xOf(target.startMs + (target.endMs - target.startMs) * 0.2);
    const clickedMs = geometry.timeOf(clickX);
    await page.mouse.click(clickX, geometry.y);

    const video = page.locator('.recordings .playback-video');
    await video.waitFor({ timeout: 5_000 });
    expect(await video.getAttribute('data-recording')).toBe(target.id);
    // Where playback began: the first played range's start, however long it has played since.
    const startedAt = await waitUntil(
      () => video.evaluate((v: VideoElement) => (v.readyState >= 2 && v.played.length > 0 && !v.paused ? v.played.start(0) : undefined)),
      10_000,
      'the recording playing',
      50,
    );
    const clickError = target.startMs + startedAt * 1000 - clickedMs;
    console.log(`click to play: started ${clickError.toFixed(0)} ms from the moment clicked`);
    expect(Math.abs(clickError)).toBeLessThanOrEqual(1_000);

    // 2×: media time against the wall clock, measured in the page.
    const rate = await video.evaluate(async (v: VideoElement) => {
      const [media0, wall0] = [v.currentTime, performance.now()];
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      return (v.currentTime - media0) / ((performance.now() - wall0) / 1000);
    });
    console.log(`playback at 2×: media time advanced ${rate.toFixed(2)}× the wall clock`);
    expect(rate).toBeGreaterThan(1.7);
    expect(rate).toBeLessThan(2.3);
    // A seek within the recording, while it plays: a click a little earlier on the bar. At 1×, so that it has not ended (and moved on to the next) meanwhile.
    await page.locator('.recordings .speeds [data-speed="1"]').click();
    const seekX = geometry.xOf(target.startMs + (target.endMs - target.startMs) * 0.1);
    const seekMs = geometry.timeOf(seekX);
    // Listening before the click (an evaluate still on its way could miss the event).
    await video.evaluate((v: VideoElement) => {
      v.seekLanded = new Promise<number>((resolve, reject) => {
        v.addEventListener('seeked', () => resolve(v.currentTime), { once: true });
        setTimeout(() => reject(new Error(`no seek (at ${v.currentTime} s of recording ${v.dataset.recording})`)), 5_000);
      });
    });
    await page.mouse.click(seekX, geometry.y);
    const seekError = target.startMs + Number(await video.evaluate((v: VideoElement) => v.seekLanded)) * 1000 - seekMs;
    expect(await video.getAttribute('data-recording')).toBe(target.id);
    console.log(`seek: landed ${seekError.toFixed(0)} ms from the moment clicked`);
    expect(Math.abs(seekError)).toBeLessThanOrEqual(1_000);
    await page.locator('.recordings-panel').evaluate((panel: { scrollIntoView(): void }) => panel.scrollIntoView());
    await browser.screenshot(page, 'ui-playback.png');

    // Next and previous event: recording starts and motion starts, across recordings.
    const marks = new Set([...all.map((r) => r.startMs), ...(await motionStarts())]);
    const requestedMs = async () => Number(await video.getAttribute('data-requested-ms'));
    const playingId = () => video.getAttribute('data-recording');
    await page.locator('.recordings .next-event').click();
    await expect.poll(playingId, { timeout: 5_000 }).not.toBe(target.id);
    const next = await requestedMs();
    expect(marks.has(next)).toBe(true);
    expect(next).toBeGreaterThan(seekMs);
    await waitUntil(() => video.evaluate((v: VideoElement) => v.readyState >= 2), 5_000, 'the next recording loaded', 50);
    await page.locator('.recordings .prev-event').click();
    await expect.poll(playingId, { timeout: 5_000 }).toBe(target.id);
    const previous = await requestedMs();
    expect(marks.has(previous)).toBe(true);
    expect(previous).toBeLessThan(next);

    // The download link: the recording as an attachment.
    const download = page.locator('.recordings a.download');
    expect(await download.getAttribute('download')).not.toBeNull();
    const response = await fetch(`${controller.url}${await download.getAttribute('href')}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="yard-\d{8}T\d{6}Z\.mp4"$/);
    expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(1_000);
  }, 60_000);

  it('shows the thumbnail of the recording under the pointer', async () => {
    const geometry = await barGeometry(page);
    const shown = (await recordings()).find((r) => r.startMs > geometry.start && r.endMs < geometry.end);
    if (!shown) throw new Error('no recording in view');
    await page.mouse.move(geometry.xOf((shown.startMs + shown.endMs) / 2), geometry.y);
    const card = page.locator('.recordings .timeline-hover');
    await card.waitFor({ timeout: 2_000 });
    expect(await card.getAttribute('data-recording')).toBe(shown.id);
    const image = card.locator('img');
    await waitUntil(() => image.evaluate((img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth > 0), 8_000, 'the thumbnail loaded', 100);
    await browser.screenshot(page, 'ui-timeline-hover.png');
    await page.close();
  }, 20_000);

  it('fits a phone, playing', async () => {
    const phone = await browser.openPage(390, 844);
    await phone.goto(`${controller.url}/#/cameras/${CAMERA}`);
    await phone.locator('.recordings .timeline-bar[data-recordings]:not([data-recordings="0"])').waitFor({ timeout: 10_000 });
    // With nothing playing, "previous" plays the latest event.
    await phone.locator('.recordings .prev-event').click();
    await phone.locator('.recordings .playback-video').waitFor({ timeout: 5_000 });
    await waitUntil(() => phone.locator('.recordings .playback-video').evaluate((v: VideoElement) => v.readyState >= 2), 5_000, 'playing on the phone', 50);
    expect(await phone.evaluate<number>(HORIZONTAL_OVERFLOW)).toBe(0);
    await phone.locator('.recordings-panel').scrollIntoViewIfNeeded();
    await browser.screenshot(phone, 'ui-phone-playback.png');
    await phone.close();
  }, 20_000);

  it('asked nothing of anyone but the controller, and the pages raised no error', () => {
    expect(browser.requested.length).toBeGreaterThan(0);
    expect(browser.requestedElsewhere(controller.url)).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
