import { describe, expect, it } from 'vitest';
import { blur, brightnessSpread, dilate } from './image-ops.js';

/** A width × height image from rows of numbers. */
function image(rows: number[][]): { pixels: Uint8Array; width: number; height: number } {
  return { pixels: Uint8Array.from(rows.flat()), width: rows[0]?.length ?? 0, height: rows.length };
}

function rowsOf(pixels: Uint8Array, width: number): number[][] {
  const rows: number[][] = [];
  for (let start = 0; start < pixels.length; start += width) rows.push([...pixels.subarray(start, start + width)]);
  return rows;
}

function blurred(rows: number[][]): number[][] {
  const { pixels, width, height } = image(rows);
  const out = new Uint8Array(pixels.length);
  blur(pixels, out, width, height);
  return rowsOf(out, width);
}

function dilated(rows: number[][]): number[][] {
  const { pixels, width, height } = image(rows);
  const out = new Uint8Array(pixels.length);
  dilate(pixels, out, new Uint8Array(pixels.length), width, height);
  return rowsOf(out, width);
}

describe('blur', () => {
  it('leaves a flat image as it is, edges included', () => {
    const flat = Array.from({ length: 5 }, () => Array.from({ length: 7 }, () => 173));
    expect(blurred(flat)).toEqual(flat);
  });

  it('spreads a point by the 3 × 3 binomial kernel, rounded', () => {
    const point = Array.from({ length: 5 }, (_, y) => Array.from({ length: 5 }, (_, x) => (x === 2 && y === 2 ? 160 : 0)));
    // 160 × [1 2 1]ᵀ[1 2 1] / 16: 10, 20, 40.
    expect(blurred(point)).toEqual([
      [0, 0, 0, 0, 0],
      [0, 10, 20, 10, 0],
      [0, 20, 40, 20, 0],
      [0, 10, 20, 10, 0],
      [0, 0, 0, 0, 0],
    ]);
  });

  it('repeats the border beyond the edges', () => {
    // A corner pixel weighs (2 + 1) × (2 + 1) = 9 of 16 in its own blur.
    const corner = [
      [160, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ];
    expect(blurred(corner)).toEqual([
      [90, 30, 0],
      [30, 10, 0],
      [0, 0, 0],
    ]);
  });

  it('keeps a vertical edge where it is, softened by one pixel each side', () => {
    const edge = Array.from({ length: 4 }, () => [0, 0, 0, 200, 200, 200]);
    for (const row of blurred(edge)) expect(row).toEqual([0, 0, 50, 150, 200, 200]);
  });

  it('handles images one pixel wide or high', () => {
    expect(blurred([[40, 80, 120]])).toEqual([[50, 80, 110]]);
    expect(blurred([[40], [80], [120]])).toEqual([[50], [80], [110]]);
    expect(blurred([[99]])).toEqual([[99]]);
  });
});

describe('dilate', () => {
  it('grows a pixel into a 3 × 3 square', () => {
    expect(
      dilated([
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
        [0, 0, 1, 0, 0],
        [0, 0, 0, 0, 0],
      ]),
    ).toEqual([
      [0, 0, 0, 0, 0],
      [0, 1, 1, 1, 0],
      [0, 1, 1, 1, 0],
      [0, 1, 1, 1, 0],
    ]);
  });

  it('clips at the edges and does not wrap from one row to the next', () => {
    expect(
      dilated([
        [0, 0, 0, 1],
        [1, 0, 0, 0],
        [0, 0, 0, 0],
      ]),
    ).toEqual([
      [1, 1, 1, 1],
      [1, 1, 1, 1],
      [1, 1, 0, 0],
    ]);
  });

  it('closes a one-pixel gap', () => {
    expect(dilated([[1, 0, 1, 0, 0, 0]])).toEqual([[1, 1, 1, 1, 0, 0]]);
  });

  it('works on the rows it is told hold 1s and the rows around them, and clears the rest', () => {
    const { pixels, width, height } = image([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    const out = new Uint8Array(pixels.length).fill(1); // stale from an earlier frame
    const tmp = new Uint8Array(pixels.length).fill(1);
    dilate(pixels, out, tmp, width, height, 2, 2);
    expect(rowsOf(out, width)).toEqual([
      [0, 0, 0, 0],
      [1, 1, 1, 0],
      [1, 1, 1, 0],
      [1, 1, 1, 0],
      [0, 0, 0, 0],
    ]);
    // The same at the edges of the image.
    const edge = image([
      [1, 0, 0],
      [0, 0, 0],
      [0, 0, 1],
    ]);
    const full = new Uint8Array(9);
    dilate(edge.pixels, full, new Uint8Array(9), 3, 3);
    for (const [first, last] of [
      [0, 2],
      [0, 3],
      [-1, 2],
    ]) {
      const ranged = new Uint8Array(9).fill(1);
      dilate(edge.pixels, ranged, new Uint8Array(9).fill(1), 3, 3, first, last);
      expect([...ranged]).toEqual([...full]);
    }
  });

  it('handles a single row, column and pixel', () => {
    expect(dilated([[0], [1], [0], [0]])).toEqual([[1], [1], [1], [0]]);
    expect(dilated([[1]])).toEqual([[1]]);
    expect(dilated([[0]])).toEqual([[0]]);
  });
});

describe('brightnessSpread', () => {
  const histogram = new Uint32Array(256);

  it('measures between the 4th and 96th percentiles, so that outliers do not count', () => {
    // 50..149 once each, and two pixels at each extreme: 104 pixels, of which the lowest 4% are
    // 0, 0, 50, 51 and the highest 4% 148, 149, 255, 255.
    const values = [...Array.from({ length: 100 }, (_, v) => v + 50), 0, 0, 255, 255];
    const pixels = Uint8Array.from(values);
    const keep = new Uint8Array(pixels.length).fill(0xff);
    expect(brightnessSpread(pixels, keep, pixels.length, 1, histogram, 0.04, 0.96)).toBe(147 - 52);
  });

  it('counts only kept pixels', () => {
    const pixels = Uint8Array.from([10, 10, 10, 10, 250, 250, 250, 250]);
    const keep = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
    expect(brightnessSpread(pixels, keep, 8, 1, histogram, 0.04, 0.96)).toBe(0);
    expect(brightnessSpread(pixels, keep.fill(0xff), 8, 1, histogram, 0.04, 0.96)).toBe(240);
    expect(brightnessSpread(pixels, keep.fill(0), 8, 1, histogram, 0.04, 0.96)).toBe(0);
  });

  it('samples every rowStep-th row', () => {
    // Rows alternate dark and bright: every second row sees the dark ones only.
    const pixels = Uint8Array.from([0, 0, 200, 200, 0, 0, 200, 200]);
    const keep = new Uint8Array(8).fill(0xff);
    expect(brightnessSpread(pixels, keep, 2, 1, histogram, 0.04, 0.96)).toBe(200);
    expect(brightnessSpread(pixels, keep, 2, 2, histogram, 0.04, 0.96)).toBe(0);
  });
});
