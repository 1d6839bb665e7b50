// Whole-frame operations on 8-bit images held row by row in typed arrays. Each writes into
// buffers its caller allocated once, so that analysing a frame allocates nothing.

/**
 * A small Gaussian blur, as the binomial kernel [1 2 1] / 4 applied down the columns, then along
 * the rows (the 3 × 3 kernel that Frigate's sigma 1, radius 1 blur comes to). It takes the sensor
 * and compression noise out of single pixels before frames are compared, and blurs edges by one
 * pixel only. Edges repeat the border pixel. `dst` may not be `src`.
 *
 * The three column sums each pixel needs are kept in variables as the loop slides along a row,
 * so that the blur is a single pass over the image: passes over the image are what the
 * detector's time goes to.
 */
export function blur(src: Uint8Array, dst: Uint8Array, width: number, height: number): void {
  const lastRow = (height - 1) * width;
  for (let start = 0; start <= lastRow; start += width) {
    // Offsets to the rows above and below, 0 at the top and bottom (the border row repeats).
    const up = start > 0 ? width : 0;
    const down = start < lastRow ? width : 0;
    const end = start + width - 1;
    // Column sums left of, at and right of the pixel; the first pixel's left repeats it.
    let middle = src[start - up]! + 2 * src[start]! + src[start + down]!;
    let left = middle;
    for (let i = start; i < end; i++) {
      const right = src[i + 1 - up]! + 2 * src[i + 1]! + src[i + 1 + down]!;
      dst[i] = (left + 2 * middle + right + 8) >> 4; // ÷ 16, rounded
      left = middle;
      middle = right;
    }
    dst[end] = (left + 3 * middle + 8) >> 4; // the last pixel's right repeats it
  }
}

/**
 * Binary dilation by a 3 × 3 square (values 0 or 1), along rows then along columns: it closes
 * one-pixel gaps, so that a moving object that differs from the background only in patches still
 * comes out as one region. Only rows `first` to `last` of `src` may hold 1s: the work is done a
 * row around them, and the rest of `dst` is cleared. `dst` may not be `src`; `tmp` is the size of both.
 */
export function dilate(src: Uint8Array, dst: Uint8Array, tmp: Uint8Array, width: number, height: number, first = 0, last = height - 1): void {
  const top = Math.max(0, first - 1);
  const bottom = Math.min(height - 1, last + 1);
  const from = top * width;
  const to = (bottom + 1) * width;
  // Along rows: the span as one long row first (the loop the JIT compiles best), then the first
  // and last pixel of each row again, without their neighbours across the row break.
  for (let i = from + 1; i < to - 1; i++) tmp[i] = src[i - 1]! | src[i]! | src[i + 1]!;
  for (let start = from; start < to; start += width) {
    const end = start + width - 1;
    tmp[start] = src[start]! | (width > 1 ? src[start + 1]! : 0);
    tmp[end] = src[end]! | (width > 1 ? src[end - 1]! : 0);
  }
  // Along columns. Beyond `top` and `bottom` there is either no row or an empty one, so the
  // row at the edge of the span stands in for it.
  dst.fill(0, 0, from);
  for (let start = from; start < to; start += width) {
    const up = start > from ? width : 0;
    const down = start + width < to ? width : 0;
    for (let i = start; i < start + width; i++) dst[i] = tmp[i - up]! | tmp[i]! | tmp[i + down]!;
  }
  dst.fill(0, to);
}

/**
 * The spread of an image's brightness: the distance between its `low` and `high` percentiles
 * (fractions such as 0.04 and 0.96), counting only pixels where `keep` is not 0. Percentiles, not
 * the minimum and maximum, so that a few hot pixels or a timestamp overlay do not decide it. Every
 * `rowStep`th row is enough for a figure that is smoothed over seconds anyway. `histogram` is 256
 * counters, overwritten. Returns 0 when no pixel counts.
 */
export function brightnessSpread(image: Uint8Array, keep: Uint8Array, width: number, rowStep: number, histogram: Uint32Array, low: number, high: number): number {
  histogram.fill(0);
  let total = 0;
  for (let start = 0; start < image.length; start += rowStep * width) {
    for (let i = start; i < start + width; i++) {
      const kept = keep[i]! & 1;
      histogram[image[i]!]! += kept;
      total += kept;
    }
  }
  if (total === 0) return 0;
  return percentile(histogram, total, high) - percentile(histogram, total, low);
}

/** The smallest value with more than `fraction` of the `total` counted pixels at or below it. */
function percentile(histogram: Uint32Array, total: number, fraction: number): number {
  const rank = fraction * total;
  let seen = 0;
  for (let value = 0; value < 256; value++) {
    seen += histogram[value]!;
    if (seen > rank) return value;
  }
  return 255;
}
