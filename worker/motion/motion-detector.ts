import type { CameraSpec } from '../../crds-like-schemas/generated/camera.js';
import { Background } from './background.js';
import { MotionHysteresis, type MotionEnd, type MotionTransitions } from './hysteresis.js';
import { blur, brightnessSpread, dilate } from './image-ops.js';
import { fillPolygons } from './polygons.js';
import { RegionFinder } from './regions.js';

/** The camera's motion settings that analysis uses (the worker handles `enabled`, `fps` and `width`). */
export type MotionSettings = Pick<CameraSpec['motion'], 'threshold' | 'minArea' | 'zones' | 'masks'>;

/** A moving region's bounding box, in 0..1 of the frame's width and height. */
export interface MotionBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface MotionResult extends MotionTransitions {
  /** Whether this frame has motion that counts: a region at least `minArea` inside the zones and outside the masks. */
  motion: boolean;
  /** The fraction of the frame covered by the regions that count. */
  score: number;
  /** Those regions, largest first (at most MAX_BOXES). */
  boxes: MotionBox[];
  /** Whether this frame changed so much at once (lighting) that it became the background, with no motion. */
  recalibrated: boolean;
}

/** The share of the unmasked pixels changing at once above which the change is lighting (an IR switch, clouds, a lamp), not motion. */
const LIGHTING_FRACTION = 0.5;
/** The percentiles between which the scene's brightness spread is measured (as Frigate's contrast improvement does). */
const SPREAD_PERCENTILES = [0.04, 0.96] as const;
/** The narrowest spread that is stretched to the full range: at most 4× amplification, beyond which a dark scene's noise becomes motion. */
const MIN_SPREAD = 64;
/** How fast the contrast measure follows the scene: slowly, so that a large bright object coming in does not move the threshold under it. */
const CONTRAST_SECONDS = 10;
/** Every how many rows the contrast is measured: an eighth of the frame is plenty for percentiles smoothed over seconds. */
const SPREAD_ROW_STEP = 8;
/** Boxes reported per frame: enough to show where things move, without a box per speck when `minArea` is 0. */
const MAX_BOXES = 16;

/**
 * Motion in a camera's gray frames of a fixed size, in the manner of Frigate's improved motion
 * detector: each frame is blurred and compared with a running-average background; pixels that
 * differ by more than the threshold, dilated, form regions; regions large enough, inside the
 * zones and outside the masks, are motion; hysteresis turns moving frames into motion events.
 *
 * Contrast normalisation: Frigate stretches each frame's 4th–96th percentiles to 0–255 so that a
 * dark or washed-out scene still shows motion. Stretching the frame and the background alike
 * multiplies their difference by 255 / spread, so the same effect is had by dividing the threshold
 * instead, which costs no pass over the frame and cannot make a background taken under an older
 * stretch look different from the frame.
 *
 * Every buffer is allocated in the constructor: a frame allocates only its small result.
 */
export class MotionDetector {
  private readonly pixels: number;
  private settings: MotionSettings;
  private readonly background: Background;
  private readonly regions: RegionFinder;
  private readonly hysteresis = new MotionHysteresis();
  /** 0xff where motion is analysed, 0 under the masks and a pixel around them. */
  private readonly keep: Uint8Array;
  /** 1 where motion counts: inside a zone (anywhere when there is none) and outside the masks. */
  private readonly counts: Uint8Array;
  private readonly blurred: Uint8Array;
  private readonly changed: Uint8Array;
  private readonly foreground: Uint8Array;
  private readonly counted: Uint8Array;
  private readonly scratch: Uint8Array;
  private readonly histogram = new Uint32Array(256);
  /** No zones and no masks: every moving pixel counts. */
  private countsEverywhere = true;
  private keptPixels = 0;
  /** The scene's brightness spread (grey levels), smoothed over time. */
  private spread = 255;
  private lastAt: number | undefined;

  constructor(
    readonly width: number,
    readonly height: number,
    settings: MotionSettings,
  ) {
    this.regions = new RegionFinder(width, height); // checks the size
    this.pixels = width * height;
    this.background = new Background(width, height);
    const bitmap = () => new Uint8Array(this.pixels);
    this.keep = bitmap().fill(0xff);
    this.counts = bitmap();
    this.blurred = bitmap();
    this.changed = bitmap();
    this.foreground = bitmap();
    this.counted = bitmap();
    this.scratch = bitmap();
    this.settings = settings;
    this.drawMasks(settings.masks);
    this.drawZones(settings.zones);
  }

  /** Applies new settings from the next frame on, keeping the background and any motion in progress. */
  update(settings: MotionSettings): void {
    const masksChanged = JSON.stringify(settings.masks) !== JSON.stringify(this.settings.masks);
    const zonesChanged = JSON.stringify(settings.zones) !== JSON.stringify(this.settings.zones);
    this.settings = settings;
    if (masksChanged) this.drawMasks(settings.masks);
    if (masksChanged || zonesChanged) this.drawZones(settings.zones);
  }

  /** Analyses one frame (width × height gray levels, read during the call only) taken at `at` (epoch ms). */
  analyse(frame: Uint8Array, at: number): MotionResult {
    if (frame.length !== this.pixels) throw new Error(`expected a ${this.width}x${this.height} frame of ${this.pixels} bytes, got ${frame.length}`);
    const { width, height, background, blurred, keep } = this;
    const elapsed = this.lastAt === undefined ? 0 : Math.max(0, at - this.lastAt);
    this.lastAt = at;
    blur(frame, blurred, width, height);
    const spread = Math.max(MIN_SPREAD, brightnessSpread(blurred, keep, width, SPREAD_ROW_STEP, this.histogram, ...SPREAD_PERCENTILES));

    if (!background.ready) {
      this.recalibrate(spread);
      return this.still(at, false);
    }
    this.spread += (spread - this.spread) * (1 - Math.exp(-elapsed / (CONTRAST_SECONDS * 1000)));
    const threshold = (this.settings.threshold * this.spread) / 255;
    const changed = background.compare(blurred, threshold, keep, this.changed, elapsed);
    if (changed > LIGHTING_FRACTION * this.keptPixels) {
      this.recalibrate(spread);
      return this.still(at, true);
    }
    if (changed === 0) return this.still(at, false);

    // Only the rows around the changes can hold motion: the rest is left alone.
    const { first, last } = background.changedRows;
    dilate(this.changed, this.foreground, this.scratch, width, height, first, last);
    const moving = this.countsEverywhere ? this.foreground : this.restrictToZones(first - 1, last + 1);
    const { area, boxes } = this.countRegions(moving, first - 1, last + 1);
    const score = area / this.pixels;
    return { motion: area > 0, score, boxes, recalibrated: false, ...this.hysteresis.observe(area > 0, score, at) };
  }

  /** Forgets the background (the next frame becomes it) and ends any motion in progress at its last moving frame: for a stream that stopped or reconnected. */
  reset(): MotionEnd | undefined {
    this.background.forget();
    this.lastAt = undefined;
    return this.hysteresis.finish();
  }

  get inMotion(): boolean {
    return this.hysteresis.inMotion;
  }

  /** See MotionHysteresis.confirming: the next frames decide whether motion starts. */
  get confirming(): boolean {
    return this.hysteresis.confirming;
  }

  private still(at: number, recalibrated: boolean): MotionResult {
    return { motion: false, score: 0, boxes: [], recalibrated, ...this.hysteresis.observe(false, 0, at) };
  }

  private recalibrate(spread: number): void {
    this.background.reset(this.blurred);
    this.spread = spread;
  }

  /** The moving pixels inside the zones and outside the masks, in rows `first` to `last` (the others are empty). */
  private restrictToZones(first: number, last: number): Uint8Array {
    const { foreground, counts, counted, width } = this;
    const from = Math.max(0, first) * width;
    const to = (Math.min(this.height - 1, last) + 1) * width;
    for (let i = from; i < to; i++) counted[i] = foreground[i]! & counts[i]!;
    return counted;
  }

  /** The total area of the regions of `moving` (rows `first` to `last`) that count, and their boxes, largest first. */
  private countRegions(moving: Uint8Array, first: number, last: number): { area: number; boxes: MotionBox[] } {
    const { regions, width, height } = this;
    const count = regions.find(moving, first, last);
    const minPixels = this.settings.minArea * this.pixels;
    let total = 0;
    const large: number[] = [];
    for (let r = 0; r < count; r++) {
      if (regions.area[r]! < minPixels) continue;
      total += regions.area[r]!;
      large.push(r);
    }
    large.sort((a, b) => regions.area[b]! - regions.area[a]!);
    const boxes = large.slice(0, MAX_BOXES).map((r) => ({
      x: regions.left[r]! / width,
      y: regions.top[r]! / height,
      width: (regions.right[r]! - regions.left[r]! + 1) / width,
      height: (regions.bottom[r]! - regions.top[r]! + 1) / height,
    }));
    return { area: total, boxes };
  }

  /**
   * Masked pixels are not analysed, and neither are the pixels next to them: the blur mixes a
   * pixel's neighbours into it, so what moves under a mask would otherwise show a pixel outside.
   * The background goes on learning under the masks, so that a mask removed later finds it current.
   */
  private drawMasks(masks: MotionSettings['masks']): void {
    const { keep, scratch, changed, pixels } = this;
    const masked = this.foreground; // free between frames
    masked.fill(0);
    fillPolygons(masked, this.width, this.height, masks, 1);
    dilate(masked, changed, scratch, this.width, this.height);
    this.keptPixels = 0;
    for (let i = 0; i < pixels; i++) {
      keep[i] = changed[i] === 0 ? 0xff : 0;
      this.keptPixels += changed[i]! ^ 1;
    }
  }

  private drawZones(zones: MotionSettings['zones']): void {
    const { counts, keep } = this;
    counts.fill(zones.length > 0 ? 0 : 1);
    fillPolygons(counts, this.width, this.height, zones, 1);
    for (let i = 0; i < this.pixels; i++) counts[i]! &= keep[i]!;
    this.countsEverywhere = zones.length === 0 && this.keptPixels === this.pixels;
  }
}
