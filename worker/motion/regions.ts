/**
 * Connected regions of a binary image (values 0 or 1, 8-connected): their pixel areas and
 * bounding boxes, in one pass over the image with a union-find of provisional labels (two rows of
 * labels are enough, since each pixel only looks at the row above). Every buffer is allocated
 * here, once: finding regions in a frame allocates nothing.
 *
 * After `find`, regions 0 .. count-1 are described by `area`, `left`, `top`, `right` and `bottom`
 * (inclusive pixel coordinates), valid until the next call.
 */
export class RegionFinder {
  readonly area: Int32Array;
  readonly left: Uint16Array;
  readonly top: Uint16Array;
  readonly right: Uint16Array;
  readonly bottom: Uint16Array;
  private readonly parent: Int32Array;
  private previousRow: Int32Array;
  private currentRow: Int32Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 0xffff || height > 0xffff) {
      throw new Error(`image size must be whole numbers of pixels from 1 to 65535, got ${width}x${height}`);
    }
    // A new label needs its west, north-west, north and north-east neighbours empty, so no two new
    // labels fall in the same 2 × 2 block: there are at most that many, plus label 0 for "none".
    const labels = Math.ceil(width / 2) * Math.ceil(height / 2) + 1;
    this.parent = new Int32Array(labels);
    this.area = new Int32Array(labels);
    this.left = new Uint16Array(labels);
    this.top = new Uint16Array(labels);
    this.right = new Uint16Array(labels);
    this.bottom = new Uint16Array(labels);
    this.previousRow = new Int32Array(width);
    this.currentRow = new Int32Array(width);
  }

  /**
   * Finds the regions of `image` (width × height values, 0 or 1), looking only at rows `first` to
   * `last` (the caller knows the others are empty); returns how many there are.
   */
  find(image: Uint8Array, first = 0, last = this.height - 1): number {
    const { width, height, parent, area, left, top, right, bottom } = this;
    if (image.length !== width * height) throw new Error(`expected ${width}x${height} = ${width * height} pixels, got ${image.length}`);
    let labels = 1;
    this.previousRow.fill(0);
    for (let y = Math.max(0, first); y <= Math.min(height - 1, last); y++) {
      const above = this.previousRow;
      const here = this.currentRow;
      const row = y * width;
      for (let x = 0; x < width; x++) {
        if (image[row + x] === 0) {
          here[x] = 0;
          continue;
        }
        // With 8-connectivity, the west and north-west neighbours already touch the north one, so
        // when north is set it is the only neighbour to look at; otherwise north-east may join a
        // region that west or north-west belong to.
        let label = above[x]!;
        if (label === 0) {
          const west = x > 0 ? here[x - 1]! || above[x - 1]! : 0;
          const northEast = x + 1 < width ? above[x + 1]! : 0;
          label = west !== 0 && northEast !== 0 ? this.union(west, northEast) : west || northEast;
        }
        if (label === 0) {
          label = labels++;
          parent[label] = label;
          area[label] = 0;
          left[label] = x;
          right[label] = x;
          top[label] = y;
          bottom[label] = y;
        }
        here[x] = label;
        area[label]!++;
        if (x < left[label]!) left[label] = x;
        if (x > right[label]!) right[label] = x;
        bottom[label] = y; // rows come in order: the latest pixel is the lowest
      }
      this.previousRow = here;
      this.currentRow = above;
    }
    return this.gather(labels);
  }

  /** Joins two provisional labels' sets; returns the root. The lower label becomes the root, so roots come before the labels they absorb. */
  private union(a: number, b: number): number {
    const rootA = this.root(a);
    const rootB = this.root(b);
    if (rootA === rootB) return rootA;
    const low = Math.min(rootA, rootB);
    this.parent[Math.max(rootA, rootB)] = low;
    return low;
  }

  private root(label: number): number {
    const { parent } = this;
    while (parent[label] !== label) {
      const grand = parent[parent[label]!]!;
      parent[label] = grand; // path halving keeps later look-ups short
      label = grand;
    }
    return label;
  }

  /** Folds each provisional label's figures into its root's, then packs the roots into slots 0 .. count-1. */
  private gather(labels: number): number {
    const { area, left, top, right, bottom } = this;
    for (let label = labels - 1; label >= 1; label--) {
      const root = this.root(label);
      if (root === label) continue;
      area[root]! += area[label]!;
      if (left[label]! < left[root]!) left[root] = left[label]!;
      if (right[label]! > right[root]!) right[root] = right[label]!;
      if (top[label]! < top[root]!) top[root] = top[label]!;
      if (bottom[label]! > bottom[root]!) bottom[root] = bottom[label]!;
    }
    let count = 0;
    for (let label = 1; label < labels; label++) {
      if (this.parent[label] !== label) continue;
      area[count] = area[label]!;
      left[count] = left[label]!;
      top[count] = top[label]!;
      right[count] = right[label]!;
      bottom[count] = bottom[label]!;
      count++;
    }
    return count;
  }
}
