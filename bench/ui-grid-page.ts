// The dashboard's grid in headless chromium, for `npm run bench:ui`: open it at 9 tiles, wait
// until every tile plays, and read each tile's figures. The page's code is sent as text (the
// project's types have no DOM): it counts the frames each <video> presents
// (requestVideoFrameCallback's presentedFrames) and reads the decoder's counts
// (getVideoPlaybackQuality) and the live player's clock (data-origin-ms, data-skew-ms), from
// which camera-to-screen latency is computed as test/e2e/ui.test.ts does.
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
  const read = () => page.evaluate<TileFigures[]>(READ_TILES);
  const started = await waitUntil(
    async () => {
      const tiles = await read();
      return tiles.length === cameras && tiles.every((tile) => tile.currentTime > 0 && tile.latencyMs !== undefined) && tiles;
    },
    60_000,
    `all ${cameras} tiles playing`,
    500,
  );
  await page.evaluate(COUNT_FRAMES);
  await waitUntil(async () => (await read()).every((tile, i) => tile.currentTime > (started[i]?.currentTime ?? 0) + 1 && tile.presented > 0), 20_000, 'every tile advancing', 500);
  return { page, read, close: () => browser.close() };
}
