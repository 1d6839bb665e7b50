import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RegionFinder } from './regions.js';

interface Region {
  area: number;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The regions `find` reports, sorted so that two answers compare regardless of order. */
function found(finder: RegionFinder, image: Uint8Array, first?: number, last?: number): Region[] {
  const count = finder.find(image, first, last);
  const regions: Region[] = [];
  for (let r = 0; r < count; r++) {
    regions.push({ area: finder.area[r]!, left: finder.left[r]!, top: finder.top[r]!, right: finder.right[r]!, bottom: finder.bottom[r]! });
  }
  return sorted(regions);
}

function sorted(regions: Region[]): Region[] {
  return regions.sort((a, b) => a.top - b.top || a.left - b.left || a.area - b.area);
}

/** The obvious way (a flood fill from each unvisited pixel), to check the fast one against. */
function floodFill(image: Uint8Array, width: number, height: number): Region[] {
  const seen = new Uint8Array(image.length);
  const regions: Region[] = [];
  for (let start = 0; start < image.length; start++) {
    if (image[start] === 0 || seen[start] === 1) continue;
    const region = { area: 0, left: width, top: height, right: 0, bottom: 0 };
    const stack = [start];
    seen[start] = 1;
    for (let i = stack.pop(); i !== undefined; i = stack.pop()) {
      const x = i % width;
      const y = Math.floor(i / width);
      region.area++;
      region.left = Math.min(region.left, x);
      region.right = Math.max(region.right, x);
      region.top = Math.min(region.top, y);
      region.bottom = Math.max(region.bottom, y);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          const n = ny * width + nx;
          if (nx < 0 || ny < 0 || nx >= width || ny >= height || image[n] === 0 || seen[n] === 1) continue;
          seen[n] = 1;
          stack.push(n);
        }
      }
    }
    regions.push(region);
  }
  return sorted(regions);
}

function parse(picture: string): { image: Uint8Array; width: number; height: number } {
  const rows = picture.trim().split('\n').map((row) => row.trim());
  const width = rows[0]!.length;
  return { image: Uint8Array.from(rows.join(''), (c) => (c === '#' ? 1 : 0)), width, height: rows.length };
}

describe('RegionFinder', () => {
  it('finds nothing in an empty image', () => {
    const finder = new RegionFinder(8, 4);
    expect(finder.find(new Uint8Array(32))).toBe(0);
  });

  it('measures separate regions', () => {
    const { image, width, height } = parse(`
      ##......
      ##....#.
      ......#.
      ..###.#.
    `);
    expect(found(new RegionFinder(width, height), image)).toEqual([
      { area: 4, left: 0, top: 0, right: 1, bottom: 1 },
      { area: 3, left: 6, top: 1, right: 6, bottom: 3 },
      { area: 3, left: 2, top: 3, right: 4, bottom: 3 },
    ]);
  });

  it('joins pixels that touch at a corner (8-connectivity)', () => {
    const { image, width, height } = parse(`
      #...
      .#..
      ..#.
      .#..
    `);
    expect(found(new RegionFinder(width, height), image)).toEqual([{ area: 4, left: 0, top: 0, right: 2, bottom: 3 }]);
  });

  it('merges branches that meet further down (a U, a W, a spiral)', () => {
    const { image, width, height } = parse(`
      #.#.#.#.##########
      #.#.#.#.#........#
      #.#.#.#.#.######.#
      #######.#.#....#.#
      ........#.#.##.#.#
      ........#.#..#.#.#
      ........#.####.#.#
      ........#......#.#
      ........########.#
    `);
    expect(found(new RegionFinder(width, height), image)).toEqual(floodFill(image, width, height));
    expect(found(new RegionFinder(width, height), image)).toHaveLength(2);
  });

  it('handles the most regions an image can have (every other pixel of every other row)', () => {
    const width = 7;
    const height = 5;
    const image = Uint8Array.from({ length: width * height }, (_, i) => (i % width) % 2 === 0 && Math.floor(i / width) % 2 === 0 ? 1 : 0);
    const finder = new RegionFinder(width, height);
    expect(finder.find(image)).toBe(4 * 3);
    expect(found(finder, image)).toEqual(floodFill(image, width, height));
  });

  it('agrees with a flood fill on random images, again and again with the same finder', () => {
    const finder = new RegionFinder(23, 17);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 23 * 17, maxLength: 23 * 17 }), fc.integer({ min: 1, max: 255 }), (noise, cut) => {
        const image = noise.map((v) => (v < cut ? 1 : 0));
        expect(found(finder, image)).toEqual(floodFill(image, 23, 17));
      }),
      { numRuns: 300 },
    );
  });

  it('looks only at the rows it is told hold 1s', () => {
    const { image, width, height } = parse(`
      ........
      ..##....
      ...#..#.
      ........
    `);
    const finder = new RegionFinder(width, height);
    const everything = found(finder, image);
    expect(found(finder, image, 1, 2)).toEqual(everything);
    expect(found(finder, image, -3, 10)).toEqual(everything); // clipped to the image
    // Rows outside the range are not looked at, whatever they hold.
    expect(found(finder, image, 2, 3)).toEqual([
      { area: 1, left: 3, top: 2, right: 3, bottom: 2 },
      { area: 1, left: 6, top: 2, right: 6, bottom: 2 },
    ]);
    expect(found(finder, image, 3, 3)).toEqual([]);
  });

  it('refuses an image of the wrong size, and sizes it cannot hold', () => {
    expect(() => new RegionFinder(4, 4).find(new Uint8Array(15))).toThrow('expected 4x4 = 16 pixels, got 15');
    expect(() => new RegionFinder(0, 4)).toThrow('image size must be whole numbers of pixels from 1 to 65535, got 0x4');
    expect(() => new RegionFinder(70_000, 1)).toThrow();
  });
});
