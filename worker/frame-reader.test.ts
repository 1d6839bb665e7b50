import { describe, expect, it } from 'vitest';
import { FrameReader } from './frame-reader.js';

const FRAME = 6;

/** `count` frames of FRAME bytes, frame i filled with bytes 10*i+1, 10*i+2, ... so that any mix-up shows. */
function stream(count: number, frameBytes = FRAME): Buffer {
  const data = Buffer.alloc(count * frameBytes);
  for (let i = 0; i < data.length; i++) data[i] = (Math.floor(i / frameBytes) * 10 + (i % frameBytes) + 1) % 256;
  return data;
}

function frameOf(index: number, frameBytes = FRAME): number[] {
  return [...stream(index + 1, frameBytes).subarray(index * frameBytes)];
}

/** A reader that copies every frame it is handed (the buffer may be reused after the call). */
function collecting(frameBytes = FRAME) {
  const frames: number[][] = [];
  const reader = new FrameReader(frameBytes, (frame) => frames.push([...frame]));
  return { reader, frames };
}

/** An unpooled copy, so that `buffer` identity says whether bytes were copied. */
function own(bytes: Buffer): Buffer {
  const copy = Buffer.alloc(bytes.length);
  bytes.copy(copy);
  return copy;
}

describe('FrameReader', () => {
  it('refuses a frame size that is not a positive integer', () => {
    for (const size of [0, -6, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new FrameReader(size, () => undefined)).toThrow(`frame size must be a positive integer, got ${size}`);
    }
    expect(new FrameReader(1, () => undefined).frameBytes).toBe(1);
  });

  it('cuts a stream into the same frames wherever it is split in two', () => {
    const data = stream(4);
    for (let cut = 0; cut <= data.length; cut++) {
      const { reader, frames } = collecting();
      reader.push(own(data.subarray(0, cut)));
      reader.push(own(data.subarray(cut)));
      expect(frames, `cut at ${cut}`).toEqual([0, 1, 2, 3].map((i) => frameOf(i)));
    }
  });

  it('cuts a stream into the same frames wherever it is split in three', () => {
    const data = stream(3);
    for (let first = 0; first <= data.length; first++) {
      for (let second = first; second <= data.length; second++) {
        const { reader, frames } = collecting();
        for (const chunk of [data.subarray(0, first), data.subarray(first, second), data.subarray(second)]) reader.push(own(chunk));
        expect(frames, `cuts at ${first} and ${second}`).toEqual([0, 1, 2].map((i) => frameOf(i)));
      }
    }
  });

  it('cuts a stream fed in chunks of every size', () => {
    const data = stream(7);
    for (let size = 1; size <= data.length + 3; size++) {
      const { reader, frames } = collecting();
      for (let offset = 0; offset < data.length; offset += size) reader.push(own(data.subarray(offset, offset + size)));
      expect(frames, `chunks of ${size}`).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => frameOf(i)));
    }
  });

  it('hands whole frames in a chunk on as views into the chunk, without copying', () => {
    const chunk = own(stream(3));
    const seen: { buffer: ArrayBufferLike; byteOffset: number; length: number; bytes: number[] }[] = [];
    const reader = new FrameReader(FRAME, (frame) => seen.push({ buffer: frame.buffer, byteOffset: frame.byteOffset, length: frame.length, bytes: [...frame] }));
    reader.push(chunk);
    expect(seen).toHaveLength(3);
    seen.forEach((frame, i) => {
      expect(frame.buffer).toBe(chunk.buffer);
      expect(frame.byteOffset).toBe(chunk.byteOffset + i * FRAME);
      expect(frame.length).toBe(FRAME);
      expect(frame.bytes).toEqual(frameOf(i));
    });
  });

  it('assembles a frame split across chunks in its own buffer, then goes on with views', () => {
    const data = stream(4);
    const first = own(data.subarray(0, FRAME + 2)); // frame 0 whole, 2 bytes of frame 1
    const second = own(data.subarray(FRAME + 2)); // the rest of frame 1, frames 2 and 3 whole
    const seen: { frame: Buffer; bytes: number[] }[] = [];
    const reader = new FrameReader(FRAME, (frame) => seen.push({ frame, bytes: [...frame] }));
    reader.push(first);
    expect(seen.map((s) => s.bytes)).toEqual([frameOf(0)]);
    expect(seen[0]?.frame.buffer).toBe(first.buffer);
    reader.push(second);
    expect(seen.map((s) => s.bytes)).toEqual([0, 1, 2, 3].map((i) => frameOf(i)));
    const [, assembled, third, fourth] = seen;
    expect(assembled?.frame.buffer).not.toBe(first.buffer);
    expect(assembled?.frame.buffer).not.toBe(second.buffer);
    expect(third?.frame.buffer).toBe(second.buffer);
    expect(third?.frame.byteOffset).toBe(second.byteOffset + FRAME - 2);
    expect(fourth?.frame.buffer).toBe(second.buffer);
  });

  it('gathers a frame from many small chunks and says nothing until it is whole', () => {
    const { reader, frames } = collecting();
    const data = stream(2);
    for (let i = 0; i < FRAME - 1; i++) reader.push(own(data.subarray(i, i + 1)));
    expect(frames).toEqual([]);
    reader.push(Buffer.alloc(0));
    expect(frames).toEqual([]);
    reader.push(own(data.subarray(FRAME - 1, FRAME + 3)));
    expect(frames).toEqual([frameOf(0)]);
    reader.push(own(data.subarray(FRAME + 3)));
    expect(frames).toEqual([frameOf(0), frameOf(1)]);
  });

  it('keeps a partial frame while the caller reuses its own chunk buffer', () => {
    const { reader, frames } = collecting();
    const data = stream(2);
    const scratch = Buffer.alloc(FRAME); // like a stream that refills one buffer
    for (let offset = 0; offset < data.length; offset += 4) {
      const length = Math.min(4, data.length - offset);
      data.copy(scratch, 0, offset, offset + length);
      reader.push(scratch.subarray(0, length));
      scratch.fill(0xee);
    }
    expect(frames).toEqual([frameOf(0), frameOf(1)]);
  });

  it('delivers synchronously, inside push', () => {
    const order: string[] = [];
    const reader = new FrameReader(2, () => order.push('frame'));
    order.push('before');
    reader.push(Buffer.from([1, 2, 3, 4]));
    order.push('after');
    expect(order).toEqual(['before', 'frame', 'frame', 'after']);
  });

  it('handles frames of one byte and frames larger than any chunk', () => {
    const tiny = collecting(1);
    tiny.reader.push(Buffer.from([7, 8, 9]));
    expect(tiny.frames).toEqual([[7], [8], [9]]);

    const big = 320 * 180;
    const data = stream(2, big);
    const large = collecting(big);
    for (let offset = 0; offset < data.length; offset += 65_536) large.reader.push(own(data.subarray(offset, offset + 65_536)));
    expect(large.frames).toHaveLength(2);
    expect(large.frames[1]).toEqual(frameOf(1, big));
  });
});
