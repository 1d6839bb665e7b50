import { describe, expect, it } from 'vitest';
import { ProgressParser } from './progress-parser.js';

// What `ffmpeg -progress pipe:1 -stats_period 1` writes: two blocks, the last one ending the run.
const output = `frame=30
fps=29.97
stream_0_0_q=-1.0
bitrate=N/A
total_size=N/A
out_time_us=1001000
out_time_ms=1001000
out_time=00:00:01.001000
dup_frames=0
drop_frames=0
speed=1.00x
progress=continue
frame=61
fps=30.01
stream_0_0_q=-1.0
bitrate=2048.3kbits/s
total_size=524288
out_time_us=2035000
out_time_ms=2035000
out_time=00:00:02.035000
dup_frames=0
drop_frames=1
speed=1.01x
progress=end
`;

const first = {
  frame: '30',
  fps: '29.97',
  stream_0_0_q: '-1.0',
  bitrate: 'N/A',
  total_size: 'N/A',
  out_time_us: '1001000',
  out_time_ms: '1001000',
  out_time: '00:00:01.001000',
  dup_frames: '0',
  drop_frames: '0',
  speed: '1.00x',
  progress: 'continue',
};
const second = {
  frame: '61',
  fps: '30.01',
  stream_0_0_q: '-1.0',
  bitrate: '2048.3kbits/s',
  total_size: '524288',
  out_time_us: '2035000',
  out_time_ms: '2035000',
  out_time: '00:00:02.035000',
  dup_frames: '0',
  drop_frames: '1',
  speed: '1.01x',
  progress: 'end',
};

function collecting() {
  const blocks: Record<string, string>[] = [];
  const parser = new ProgressParser((block) => blocks.push({ ...block }));
  return { parser, blocks };
}

describe('ProgressParser', () => {
  it('reads each block, up to and including its progress line', () => {
    const { parser, blocks } = collecting();
    parser.push(output);
    expect(blocks).toEqual([first, second]);
  });

  it('reads the same blocks wherever the output is split in two', () => {
    for (let cut = 0; cut <= output.length; cut++) {
      const { parser, blocks } = collecting();
      parser.push(output.slice(0, cut));
      parser.push(output.slice(cut));
      expect(blocks, `cut at ${cut}`).toEqual([first, second]);
    }
  });

  it('reads the same blocks from Buffers split in three, one byte at a time, or in odd chunk sizes', () => {
    const bytes = Buffer.from(output);
    for (let a = 0; a <= bytes.length; a += 7) {
      for (let b = a; b <= bytes.length; b += 11) {
        const { parser, blocks } = collecting();
        for (const chunk of [bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)]) parser.push(chunk);
        expect(blocks, `cuts at ${a} and ${b}`).toEqual([first, second]);
      }
    }
    for (const size of [1, 2, 3, 5, 13, 64]) {
      const { parser, blocks } = collecting();
      for (let offset = 0; offset < bytes.length; offset += size) parser.push(bytes.subarray(offset, offset + size));
      expect(blocks, `chunks of ${size}`).toEqual([first, second]);
    }
  });

  it('says nothing until a block is complete', () => {
    const { parser, blocks } = collecting();
    const end = output.indexOf('progress=continue');
    parser.push(output.slice(0, end));
    expect(blocks).toEqual([]);
    parser.push('progress=continu');
    expect(blocks).toEqual([]);
    parser.push('e\n');
    expect(blocks).toEqual([first]);
  });

  it('starts every block afresh: keys of one block do not leak into the next', () => {
    const { parser, blocks } = collecting();
    parser.push('frame=1\nspeed=1x\nprogress=continue\nframe=2\nprogress=continue\n');
    expect(blocks).toEqual([
      { frame: '1', speed: '1x', progress: 'continue' },
      { frame: '2', progress: 'continue' },
    ]);
  });

  it('takes CRLF line ends and blanks around keys and values', () => {
    const { parser, blocks } = collecting();
    parser.push('frame=5\r\n  fps = 25.0 \r\nprogress=continue\r\n');
    expect(blocks).toEqual([{ frame: '5', fps: '25.0', progress: 'continue' }]);
  });

  it('skips lines that are no key=value, and keeps = signs inside a value', () => {
    const { parser, blocks } = collecting();
    parser.push('\nnot a pair\n=orphan value\nurl=rtsp://h/a?x=1&y=2\nempty=\nprogress=continue\n');
    expect(blocks).toEqual([{ url: 'rtsp://h/a?x=1&y=2', empty: '', progress: 'continue' }]);
  });

  it('lets a later line of a block replace an earlier one with the same key', () => {
    const { parser, blocks } = collecting();
    parser.push('frame=1\nframe=2\nprogress=continue\n');
    expect(blocks).toEqual([{ frame: '2', progress: 'continue' }]);
  });
});
