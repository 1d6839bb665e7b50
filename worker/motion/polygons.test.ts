import { describe, expect, it } from 'vitest';
import { fillPolygons, type Polygon } from './polygons.js';

function draw(width: number, height: number, polygons: Polygon[]): string[] {
  const bitmap = new Uint8Array(width * height);
  fillPolygons(bitmap, width, height, polygons, 1);
  const rows: string[] = [];
  for (let y = 0; y < height; y++) rows.push([...bitmap.subarray(y * width, (y + 1) * width)].map((v) => (v ? '#' : '.')).join(''));
  return rows;
}

const rect = (x0: number, y0: number, x1: number, y1: number): Polygon => ({
  points: [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ],
});

describe('fillPolygons', () => {
  it('covers the whole frame with the whole-frame rectangle', () => {
    expect(draw(4, 3, [rect(0, 0, 1, 1)])).toEqual(['####', '####', '####']);
  });

  it('covers exactly the pixels whose centre is inside', () => {
    // x from 0.25 to 0.75 of 8 pixels: 2 to 6, so pixels 2..5; y from 0 to 0.5 of 4: rows 0 and 1.
    expect(draw(8, 4, [rect(0.25, 0, 0.75, 0.5)])).toEqual(['..####..', '..####..', '........', '........']);
  });

  it('fills a triangle', () => {
    const triangle: Polygon = {
      points: [
        [0, 0],
        [1, 0],
        [0, 1],
      ],
    };
    expect(draw(4, 4, [triangle])).toEqual(['###.', '##..', '#...', '....']);
  });

  it('fills several polygons, whatever the winding', () => {
    const clockwise = rect(0, 0, 0.5, 0.5);
    const counter: Polygon = { points: [...rect(0.5, 0.5, 1, 1).points].reverse() };
    expect(draw(4, 4, [clockwise, counter])).toEqual(['##..', '##..', '..##', '..##']);
  });

  it('fills a concave polygon', () => {
    // A U: the notch in the middle of the top stays empty.
    const u: Polygon = {
      points: [
        [0, 0],
        [0.25, 0],
        [0.25, 0.5],
        [0.75, 0.5],
        [0.75, 0],
        [1, 0],
        [1, 1],
        [0, 1],
      ],
    };
    expect(draw(4, 4, [u])).toEqual(['#..#', '#..#', '####', '####']);
  });

  it('leaves pixels outside untouched, and sets the value given', () => {
    const bitmap = new Uint8Array(4).fill(7);
    fillPolygons(bitmap, 2, 2, [rect(0, 0, 0.5, 1)], 0);
    expect([...bitmap]).toEqual([0, 7, 0, 7]);
  });

  it('draws nothing for no polygon, a degenerate one, or one outside the pixel centres', () => {
    const line: Polygon = {
      points: [
        [0, 0],
        [1, 1],
        [0, 0],
      ],
    };
    expect(draw(3, 2, [])).toEqual(['...', '...']);
    expect(draw(3, 2, [line])).toEqual(['...', '...']);
    expect(draw(3, 2, [rect(0, 0, 0.1, 0.1)])).toEqual(['...', '...']);
    expect(draw(3, 2, [{ points: [[0, 0]] }])).toEqual(['...', '...']);
  });
});
