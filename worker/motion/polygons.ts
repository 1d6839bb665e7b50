import type { CameraSpec } from '../../crds-like-schemas/generated/camera.js';

/** A zone or a mask: a polygon with corners in 0..1 of the frame's width and height. */
export type Polygon = CameraSpec['motion']['zones'][number];

/**
 * Sets to `value` every pixel of a width × height bitmap whose centre lies inside any of the
 * polygons (even-odd rule, so a polygon that crosses itself leaves its inner loop out), leaving the
 * others as they are. Zones and masks are drawn once per settings change, so that each frame
 * only looks a pixel up instead of testing polygons.
 */
export function fillPolygons(bitmap: Uint8Array, width: number, height: number, polygons: readonly Polygon[], value: number): void {
  const crossings: number[] = [];
  for (const { points } of polygons) {
    // In pixel units, where pixel (x, y) covers [x, x+1) × [y, y+1) and its centre is (x+½, y+½).
    const corners = points.map(([x = 0, y = 0]) => ({ x: x * width, y: y * height }));
    if (corners.length < 3) continue;
    for (let y = 0; y < height; y++) {
      const centreY = y + 0.5;
      crossings.length = 0;
      for (let i = 0; i < corners.length; i++) {
        const a = corners[i]!;
        const b = corners[(i + 1) % corners.length]!;
        // Half-open in y, so that a corner exactly on the scan line is crossed once, not twice.
        if (a.y <= centreY === b.y <= centreY) continue;
        crossings.push(a.x + ((centreY - a.y) * (b.x - a.x)) / (b.y - a.y));
      }
      crossings.sort((p, q) => p - q);
      for (let k = 0; k + 1 < crossings.length; k += 2) {
        // The pixels whose centre x + ½ lies in [from, to).
        const first = Math.max(0, Math.ceil(crossings[k]! - 0.5));
        const end = Math.min(width, Math.ceil(crossings[k + 1]! - 0.5));
        bitmap.fill(value, y * width + first, y * width + Math.max(first, end));
      }
    }
  }
}
