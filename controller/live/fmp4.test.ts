import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTiedToParent } from '../../lib/child-process.js';
import { BoxSplitter, Fmp4Segmenter, videoTrack, type Fragment, type TrackInfo } from './fmp4.js';

// A real fragmented MP4 from ffmpeg, as the live remux writes it: 3 s of 176x144 at 10 fps with a
// keyframe every 10 frames, a fragment per 100 ms (so most fragments start on a non-keyframe).
let folder: string;
let clip: Buffer;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'camlet-fmp4-'));
  const file = join(folder, 'clip.mp4');
  await runTiedToParent('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=176x144:rate=10', '-t', '3',
    '-c:v', 'libx264', '-profile:v', 'baseline', '-g', '10', '-pix_fmt', 'yuv420p',
    '-f', 'mp4', '-movflags', 'frag_keyframe+empty_moov+default_base_moof', '-frag_duration', '100000', file,
  ]);
  clip = await readFile(file);
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

function segment(chunkSize: (index: number) => number): { init: Buffer[]; tracks: TrackInfo[]; fragments: Fragment[] } {
  const init: Buffer[] = [];
  const tracks: TrackInfo[] = [];
  const fragments: Fragment[] = [];
  const segmenter = new Fmp4Segmenter({ init: (bytes, track) => (init.push(bytes), tracks.push(track)), fragment: (f) => fragments.push(f) });
  for (let offset = 0, index = 0; offset < clip.length; index++) {
    const size = chunkSize(index);
    segmenter.push(clip.subarray(offset, offset + size));
    offset += size;
  }
  return { init, tracks, fragments };
}

describe('Fmp4Segmenter', () => {
  it('cuts ffmpeg output into one init segment and fragments, whatever the chunking', () => {
    const whole = segment(() => clip.length);
    for (const sizes of [() => 1, (i: number) => 1 + ((i * 7919) % 3000), () => 65_536]) {
      const chunked = segment(sizes);
      expect(chunked.init).toEqual(whole.init);
      expect(chunked.fragments.map((f) => f.bytes.length)).toEqual(whole.fragments.map((f) => f.bytes.length));
    }
    expect(whole.init).toHaveLength(1);
    expect(whole.init[0]?.toString('latin1', 4, 8)).toBe('ftyp');
    // Every byte is in the init segment or a fragment, but for the trailer ffmpeg writes at the end (mfra).
    const total = (whole.init[0]?.length ?? 0) + whole.fragments.reduce((sum, f) => sum + f.bytes.length, 0);
    expect(clip.toString('latin1', total + 4, total + 8)).toBe('mfra');
  });

  it('reads the codec and the picture size for Media Source Extensions', () => {
    const { tracks } = segment(() => 4096);
    expect(tracks[0]).toMatchObject({ width: 176, height: 144, codec: expect.stringMatching(/^avc1\.42[0-9a-f]{4}$/) as unknown });
    expect(videoTrack(Buffer.alloc(16))).toBeUndefined();
  });

  it('tells keyframe fragments (where a viewer joins) from the others, with increasing times', () => {
    const { fragments } = segment(() => 10_000);
    expect(fragments.length).toBeGreaterThanOrEqual(20);
    const keyframes = fragments.filter((f) => f.keyframe);
    expect(keyframes).toHaveLength(3); // one per second, -g 10 at 10 fps
    expect(fragments[0]?.keyframe).toBe(true);
    expect(keyframes.map((f) => Math.round(f.time ?? -1))).toEqual([0, 1, 2]);
    const times = fragments.map((f) => f.time ?? -1);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});

describe('BoxSplitter', () => {
  it('waits for whole boxes and rejects a malformed header', () => {
    const splitter = new BoxSplitter();
    const box = Buffer.concat([Buffer.from([0, 0, 0, 12]), Buffer.from('free'), Buffer.from([1, 2, 3, 4])]);
    expect(splitter.push(box.subarray(0, 5))).toEqual([]);
    expect(splitter.push(box.subarray(5)).map((b) => b.type)).toEqual(['free']);
    expect(() => new BoxSplitter().push(Buffer.from([0, 0, 0, 4, 0x61, 0x62, 0x63, 0x64]))).toThrow(/malformed/);
  });
});
