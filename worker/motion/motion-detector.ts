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
export const LIGHTING_FRACTION = 0.5;
/** The percentiles between which the scene's brightness spread is measured (as Frigate's contrast improvement does). */
const SPREAD_PERCENTILES = [0.04, 0.96] as const;
/** The narrowest spread that is stretched to the full range: at most 4× amplification, beyond which a dark scene's noise becomes motion. */
const MIN_SPREAD = 64;
/** How fast the contrast measure follows the scene: slowly, so that a large bright object coming in does not move the threshold under it. */
const CONTRAST_SECONDS = 10;
/** Every how many rows the contrast is measured: a quarter of the frame is plenty for percentiles. */
const SPREAD_ROW_STEP = 4;
/** Boxes reported per frame: enough to show where things move, without a box per speck when `minArea` is 0. */
export const MAX_BOXES = 16;

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
  readonly pixels: number;
  private settings: MotionSettings;
  private readonly background: Background;
  private readonly regions: RegionFinder;
  private readonly hysteresis = new MotionHysteresis();
  /** 0xff where motion is analysed, 0 under the masks. */
  private readonly keep: Uint8Array;
  /** 1 where motion counts: inside a zone (anywhere when there is none) and outside the masks. */
  private readonly counts: Uint8Array;
  private readonly masked: Uint8Array;
  private readonly blurred: Uint8Array;
  private readonly blurRow: Uint16Array;
  private readonly changed: Uint8Array;
  private readonly foreground: Uint8Array;
  private readonly counted: Uint8Array;
  private readonly scratch: Uint8Array;
  /** Pixels whose masking changed with the settings, to take into the background from the next frame. */
  private readonly reseed: Uint8Array;
  private reseedPending = false;
  private readonly histogram = new Uint32Array(256);
  private hasMasks = false;
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
    this.background = new Background(this.pixels);
    const bitmap = () => new Uint8Array(this.pixels);
    this.keep = bitmap().fill(0xff);
    this.counts = bitmap();
    this.masked = bitmap();
    this.blurred = bitmap();
    this.blurRow = new Uint16Array(width);
    this.changed = bitmap();
    this.foreground = bitmap();
    this.counted = bitmap();
    this.scratch = bitmap();
    this.reseed = bitmap();
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
    const { width, height, background, blurred } = this;
    const elapsed = this.lastAt === undefined ? 0 : Math.max(0, at - this.lastAt);
    this.lastAt = at;
    blur(this.hasMasks ? this.applyMasks(frame) : frame, blurred, this.blurRow, width, height);
    const { keep } = this;
    const spread = Math.max(MIN_SPREAD, brightnessSpread(blurred, keep, width, SPREAD_ROW_STEP, this.histogram, ...SPREAD_PERCENTILES));

    if (!background.ready) {
      this.recalibrate(spread);
      return { motion: false, score: 0, boxes: [], recalibrated: false, ...this.hysteresis.observe(false, 0, at) };
    }
    if (this.reseedPending) {
      background.reseed(blurred, this.reseed);
      this.reseedPending = false;
    }
    this.spread += (spread - this.spread) * (1 - Math.exp(-elapsed / (CONTRAST_SECONDS * 1000)));
    const threshold = (this.settings.threshold * this.spread) / 255;
    const changed = background.difference(blurred, threshold, keep, this.changed);
    if (changed > LIGHTING_FRACTION * this.keptPixels) {
      this.recalibrate(spread);
      return { motion: false, score: 0, boxes: [], recalibrated: true, ...this.hysteresis.observe(false, 0, at) };
    }

    dilate(this.changed, this.foreground, this.scratch, width, height);
    const { area, boxes } = this.countRegions(this.countsEverywhere ? this.foreground : this.restrictToZones());
    background.update(blurred, this.foreground, elapsed);
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

  private recalibrate(spread: number): void {
    this.background.reset(this.blurred);
    this.spread = spread;
    this.reseedPending = false;
  }

  /** The frame with masked pixels black: what moves under a mask must not bleed out of it through the blur. */
  private applyMasks(frame: Uint8Array): Uint8Array {
    const { masked, keep } = this;
    for (let i = 0; i < this.pixels; i++) masked[i] = frame[i]! & keep[i]!;
    return masked;
  }

  /** The moving pixels inside the zones and outside the masks. */
  private restrictToZones(): Uint8Array {
    const { foreground, counts, counted } = this;
    for (let i = 0; i < this.pixels; i++) counted[i] = foreground[i]! & counts[i]!;
    return counted;
  }

  /** The total area of the regions of `moving` that count, and their boxes, largest first. */
  private countRegions(moving: Uint8Array): { area: number; boxes: MotionBox[] } {
    const { regions, width, height } = this;
    const count = regions.find(moving);
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

  private drawMasks(masks: MotionSettings['masks']): void {
    const { keep, scratch, foreground, pixels } = this;
    const fresh = this.masked; // free between frames
    fresh.fill(0xff);
    fillPolygons(fresh, this.width, this.height, masks, 0);
    if (this.background.ready) {
      // Masked pixels are black before the blur, which spreads them two pixels: where masking
      // changed, that far around, the background no longer matches and is taken afresh.
      for (let i = 0; i < pixels; i++) foreground[i] = fresh[i] !== keep[i] ? 1 : 0;
      dilate(foreground, this.counted, scratch, this.width, this.height);
      dilate(this.counted, this.changed, scratch, this.width, this.height);
      // Two changes before the next frame reseed both.
      if (!this.reseedPending) this.reseed.fill(0);
      for (let i = 0; i < pixels; i++) this.reseed[i]! |= this.changed[i]!;
      this.reseedPending = true;
    }
    keep.set(fresh);
    this.hasMasks = masks.length > 0;
    this.keptPixels = 0;
    for (let i = 0; i < pixels; i++) this.keptPixels += keep[i]! & 1;
  }

  private drawZones(zones: MotionSettings['zones']): void {
    const { counts, keep } = this;
    counts.fill(zones.length > 0 ? 0 : 1);
    fillPolygons(counts, this.width, this.height, zones, 1);
    for (let i = 0; i < this.pixels; i++) counts[i]! &= keep[i]!;
    this.countsEverywhere = zones.length === 0 && !this.hasMasks;
  }
}
