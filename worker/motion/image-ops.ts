// Whole-frame operations on 8-bit images held row by row in typed arrays. Each writes into
// buffers its caller allocated once, so that analysing a frame allocates nothing.

/**
 * A Gaussian blur of sigma 1, as the binomial kernel [1 4 6 4 1] / 16 applied down the columns,
 * then along the rows. It takes the sensor and compression noise out of single pixels before
 * frames are compared, at the cost of blurring edges by two pixels. Edges repeat the border pixel.
 *
 * Each output row is made in one go: the column sums of its five source rows (up to 16 × 255,
 * hence 16 bits) into `row` (width long, so it stays in the processor's cache), then the row
 * kernel over them. `dst` may not be `src`.
 */
export function blur(src: Uint8Array, dst: Uint8Array, row: Uint16Array, width: number, height: number): void {
  const lastRow = (height - 1) * width;
  for (let start = 0; start <= lastRow; start += width) {
    // Offsets from this row to the two above and the two below, clamped to the image.
    const up1 = Math.min(start, width);
    const up2 = Math.min(start, 2 * width);
    const down1 = Math.min(lastRow - start, width);
    const down2 = Math.min(lastRow - start, 2 * width);
    const end = start + width;
    for (let i = start; i < end; i++) row[i - start] = src[i - up2]! + 4 * src[i - up1]! + 6 * src[i]! + 4 * src[i + down1]! + src[i + down2]!;
    blurRow(row, dst, start, width);
  }
}

/** The row kernel over column sums, into `dst` at `to`; the columns beyond the edges repeat the border. */
function blurRow(sums: Uint16Array, dst: Uint8Array, to: number, width: number): void {
  const last = width - 1;
  // + 128 then ÷ 256: rounded, since the two kernels weigh 16 × 16 together.
  for (let x = 2; x < width - 2; x++) dst[to + x] = (sums[x - 2]! + 4 * sums[x - 1]! + 6 * sums[x]! + 4 * sums[x + 1]! + sums[x + 2]! + 128) >> 8;
  for (let x = 0; x < width; x++) {
    if (x === 2 && width > 4) x = width - 2; // the loop above did the interior
    const sum = sums[Math.max(0, x - 2)]! + 4 * sums[Math.max(0, x - 1)]! + 6 * sums[x]! + 4 * sums[Math.min(last, x + 1)]! + sums[Math.min(last, x + 2)]!;
    dst[to + x] = (sum + 128) >> 8;
  }
}

/**
 * Binary dilation by a 3 × 3 square (values 0 or 1), along rows then along columns: it closes
 * one-pixel gaps, so that a moving object that differs from the background only in patches still
 * comes out as one region. `dst` may not be `src`; `tmp` is the size of both.
 */
export function dilate(src: Uint8Array, dst: Uint8Array, tmp: Uint8Array, width: number, height: number): void {
  const size = width * height;
  // Along rows: the whole image as one long row first (the loop the JIT compiles best), then the
  // first and last pixel of each row again, without their neighbours across the row break.
  for (let i = 1; i < size - 1; i++) tmp[i] = src[i - 1]! | src[i]! | src[i + 1]!;
  for (let start = 0; start < size; start += width) {
    const end = start + width - 1;
    tmp[start] = src[start]! | (width > 1 ? src[start + 1]! : 0);
    tmp[end] = src[end]! | (width > 1 ? src[end - 1]! : 0);
  }
  // Along columns: the same, with the first and last rows, which have one neighbour row only.
  for (let i = width; i < size - width; i++) dst[i] = tmp[i - width]! | tmp[i]! | tmp[i + width]!;
  const lastRow = size - width;
  const below = height > 1 ? width : 0;
  for (let x = 0; x < width; x++) {
    dst[x] = tmp[x]! | tmp[x + below]!;
    dst[lastRow + x] = tmp[lastRow + x]! | tmp[lastRow + x - below]!;
  }
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
