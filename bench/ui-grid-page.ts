// The dashboard's grid in headless chromium, for `npm run bench:ui`: open it at 9 tiles, wait
// until every tile plays, and read each tile's figures. The page's code is sent as text (the
// project's types have no DOM): it counts the frames each <video> presents
// (requestVideoFrameCallback's presentedFrames) and reads the decoder's counts
// (getVideoPlaybackQuality) and the live player's clock (data-origin-ms, data-skew-ms), from
// which camera-to-screen latency is computed as test/e2e/ui.test.ts does.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { launchChromium } from '../test/support/chromium.js';
import { waitUntil } from '../test/support/processes.js';

export interface TileFigures {
  camera: string;
  /** Frames presented for composition so far (requestVideoFrameCallback's presentedFrames). */
  presented: number;
  /** Frames decoded and dropped so far (getVideoPlaybackQuality). */
  decoded: number;
  dropped: number;
  currentTime: number;
  /** Now minus the wall-clock time of the picture shown, in ms; undefined before the player knows its clock. */
  latencyMs?: number;
}

const COUNT_FRAMES = `(() => {
  window.__presented = {};
  for (const video of document.querySelectorAll('.tile video')) {
    const camera = video.closest('.tile').dataset.camera;
    const onFrame = (_now, metadata) => {
      window.__presented[camera] = metadata.presentedFrames;
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  }
})()`;

const READ_TILES = `[...document.querySelectorAll('.tile video')].map((video) => {
  const camera = video.closest('.tile').dataset.camera;
  const quality = video.getVideoPlaybackQuality();
  const origin = Number(video.dataset.originMs);
  return {
    camera,
    presented: (window.__presented ?? {})[camera] ?? 0,
    decoded: quality.totalVideoFrames,
    dropped: quality.droppedVideoFrames,
    currentTime: video.currentTime,
    latencyMs: Number.isFinite(origin) && video.dataset.originMs !== undefined ? Date.now() + Number(video.dataset.skewMs ?? 0) - (origin + video.currentTime * 1000) : undefined,
  };
})`;

export interface GridPage {
  page: Page;
  read(): Promise<TileFigures[]>;
  close(): Promise<void>;
}

/** Opens the grid of `url` at 9 tiles and resolves once each of the `cameras` plays and counts frames. */
export async function openGrid(url: string, cameras: number): Promise<GridPage> {
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  await page.goto(`${url}/`);
  await page.locator('[data-layout="9"]').first().click();
  await page.locator('.grid[data-layout="9"]').waitFor({ timeout: 10_000 });
  return countingFrames(page, cameras, (tile) => tile.latencyMs !== undefined, () => browser.close());
}

/**
 * The browser's floor: the same number of tiles, the same size, each a plain <video> playing
 * `clip` (the SUB stream's clip, looped) from a file, in the same chromium. What chromium
 * presents of it on this machine is the most the grid can present. The file is answered by the
 * page's own route (Range requests included): nothing leaves the browser.
 */
export async function openFileGrid(clip: string, tiles: number): Promise<GridPage> {
  const bytes = await readFile(clip);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  await page.route('http://127.0.0.1/clip.mp4', (route) => {
    const range = /^bytes=(\d+)-(\d*)$/.exec(route.request().headers().range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range?.[2] ? Math.min(Number(range[2]), bytes.length - 1) : bytes.length - 1;
    return route.fulfill({
      status: range ? 206 : 200,
      contentType: 'video/mp4',
      headers: { 'Accept-Ranges': 'bytes', ...(range ? { 'Content-Range': `bytes ${start}-${end}/${bytes.length}` } : {}) },
      body: bytes.subarray(start, end + 1),
    });
  });
  const videos = Array.from({ length: tiles }, (_, i) => `<div class="tile" data-camera="file-${i + 1}"><video src="http://127.0.0.1/clip.mp4" muted autoplay loop playsinline></video></div>`);
  await page.setContent(
    `<style>body{margin:0;background:#000;display:grid;grid-template-columns:repeat(3,1fr);grid-auto-rows:calc(100vh / 3);gap:4px}video{width:100%;height:100%;object-fit:contain}</style>${videos.join('')}`,
  );
  return countingFrames(page, tiles, () => true, () => browser.close());
}

/** Waits until `count` tiles play (and `ready` says so of each), then counts their frames. */
async function countingFrames(page: Page, count: number, ready: (tile: TileFigures) => boolean, close: () => Promise<void>): Promise<GridPage> {
  const read = () => page.evaluate<TileFigures[]>(READ_TILES);
  const started = await waitUntil(
    async () => {
      const tiles = await read();
      return tiles.length === count && tiles.every((tile) => tile.currentTime > 0 && ready(tile)) && tiles;
    },
    60_000,
    `all ${count} tiles playing`,
    500,
  );
  await page.evaluate(COUNT_FRAMES);
  await waitUntil(async () => (await read()).every((tile, i) => tile.currentTime > (started[i]?.currentTime ?? 0) + 1 && tile.presented > 0), 20_000, 'every tile advancing', 500);
  return { page, read, close };
}
