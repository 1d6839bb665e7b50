// H.264 clips made by ffmpeg for tests and benchmarks, encoded the way small IP cameras send:
// baseline profile (no B-frames), a keyframe every second, yuv420p.
//
//   await encodeH264Clip('/tmp/x/door.mp4', { source: 'testsrc2=size=320x180:rate=10', seconds: 6, fps: 10 });
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface H264ClipOptions {
  /**
   * A lavfi source graph that makes the pictures (its size is the clip's), such as
   * `testsrc2=size=640x360:rate=15` or a graph of `color`, `noise` and `overlay` with known motion.
   */
  source: string;
  seconds: number;
  fps: number;
  /** x264's constant quality; lower is larger and sharper. Default 28; not with `bitrateKbps`. */
  crf?: number;
  /**
   * A fixed bitrate instead, in kbit/s, held within a one-second buffer as a camera's rate control
   * does: so that a benchmark's load is the bitrate chosen rather than whatever the pictures cost.
   */
  bitrateKbps?: number;
}

/** Encodes the clip to `output` (.mp4, or .h264 for a raw Annex-B stream); resolves when it is written. */
export async function encodeH264Clip(output: string, options: H264ClipOptions): Promise<void> {
  const { source, seconds, fps, crf = 28, bitrateKbps } = options;
  if (bitrateKbps !== undefined && options.crf !== undefined) {
    throw new Error('encodeH264Clip: give crf or bitrateKbps, not both');
  }
  const rate =
    bitrateKbps === undefined
      ? ['-crf', String(crf)]
      : ['-b:v', `${bitrateKbps}k`, '-maxrate', `${bitrateKbps}k`, '-bufsize', `${bitrateKbps}k`];
  await run(
    'ffmpeg',
    [
      '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'lavfi', '-i', source,
      '-t', String(seconds),
      '-r', String(fps),
      '-c:v', 'libx264', '-profile:v', 'baseline', '-preset', 'veryfast', ...rate,
      '-g', String(fps), '-keyint_min', String(fps), '-sc_threshold', '0',
      '-pix_fmt', 'yuv420p',
      ...(output.endsWith('.mp4') ? ['-movflags', '+faststart'] : []),
      output,
    ],
    { maxBuffer: 1 << 20 },
  );
}
