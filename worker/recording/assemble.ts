import { createReadStream } from 'node:fs';
import { link, mkdir, open, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { spawnTiedToParent } from '../../lib/child-process.js';
import { outputVideo } from '../ffmpeg-commands.js';

export interface AssembleRequest {
  /** Segment files, in order, from one run of ffmpeg (one set of codec parameters). */
  segments: readonly string[];
  /** Stream seconds to keep: cuts a segment still being written before its unfinished end. */
  maxSeconds?: number;
  /** Where the MP4 is written first; on the storage's filesystem, so that it can be linked in place. */
  workFile: string;
  /** The recording's path; never overwritten (EEXIST when taken). */
  destination: string;
  /** Whether the segments' sound goes in (it is in a codec an MP4 holds). */
  withAudio: boolean;
}

export interface AssembledRecording {
  bytes: number;
  durationSeconds: number;
  codec: string;
  width: number;
  height: number;
}

/**
 * Runs ffmpeg with the segments' bytes on its stdin, one file after the other: the MPEG-TS
 * segments of one run are one stream laid end to end (their timestamps run on), which ffmpeg
 * reads as it comes, where its concat demuxer would open and probe each file (about half the CPU
 * of a remux). Resolves with its output; rejects with its stderr when it fails.
 */
async function remuxSegments(segments: readonly string[], args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  const child = spawnTiedToParent('ffmpeg', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  const stdin = child.stdin;
  if (!stdin) throw new Error('ffmpeg has no stdin');
  // One pipeline from a generator of the files' bytes: a pipeline per file would leave a
  // listener on stdin each time (Node warns past 10 segments).
  async function* bytesOfSegments(): AsyncGenerator<Buffer> {
    for (const segment of segments) yield* createReadStream(segment) as AsyncIterable<Buffer>;
  }
  const fed = pipeline(bytesOfSegments, stdin).catch((error: unknown) => {
    // ffmpeg stops reading once it has the `-t` it was asked for: its stdin closing then is no
    // error. A segment that cannot be read is one.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    child.kill('SIGKILL');
    throw error;
  });
  // An ffmpeg gone early makes writes fail with EPIPE; handled above, not as an unhandled 'error'.
  stdin.on('error', () => undefined);
  const [{ code, signal }] = await Promise.all([closed, fed]);
  if (code !== 0) throw new Error(`ffmpeg ${signal ? `was killed by ${signal}` : `exited with code ${code}`}: ${stderr.trim().slice(-2000)}`);
  return { stdout, stderr };
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Joins segments into one MP4 without re-encoding (`-c copy`, `+faststart` so that players start
 * before the whole file has arrived), and only then puts it in place: written to `workFile`,
 * flushed to disk, linked at `destination` (which fails rather than overwrite) and its folder
 * flushed, so that a crash at any moment leaves either no recording or a whole one, never a
 * broken file under a recording's name.
 *
 * What the file holds comes from the remuxing ffmpeg itself (its output listing and its last
 * progress report) rather than from an ffprobe afterwards: that is a process less, about 120 ms
 * less between a motion's end and its recording being listed.
 */
export async function assembleRecording(request: AssembleRequest): Promise<AssembledRecording> {
  const { segments, maxSeconds, workFile, destination, withAudio } = request;
  if (segments.length === 0) throw new Error('a recording needs at least one segment');
  try {
    const { stdout, stderr } = await remuxSegments(segments, [
      '-hide_banner', '-loglevel', 'info', '-nostats',
      '-f', 'mpegts', '-i', 'pipe:0',
      '-map', '0:v:0',
      ...(withAudio ? ['-map', '0:a:0?'] : []),
      '-c', 'copy',
      ...(maxSeconds !== undefined ? ['-t', maxSeconds.toFixed(3)] : []),
      '-movflags', '+faststart',
      '-y', '-f', 'mp4', workFile,
      '-progress', 'pipe:1',
    ]);
    const video = outputVideo(stderr);
    // out_time is where the last frame starts; the file lasts one frame more (as ffprobe counts it).
    const lastFrameAt = stdout.includes('progress=end') ? Number([...stdout.matchAll(/^out_time_us=(\d+)$/gm)].at(-1)?.[1]) / 1e6 : NaN;
    const { size: bytes } = await stat(workFile);
    if (!video || !Number.isFinite(lastFrameAt) || bytes === 0) {
      throw new Error(`the assembled recording has no video: ${stderr.slice(-500)}`);
    }
    const durationSeconds = Math.round((lastFrameAt + (video.fps ? 1 / video.fps : 0)) * 1000) / 1000;
    await fsyncPath(workFile);
    const folder = dirname(destination);
    await mkdir(folder, { recursive: true });
    await link(workFile, destination);
    // The day folder may be new: its entry in the camera's folder must reach the disk too.
    await fsyncPath(folder);
    await fsyncPath(dirname(folder));
    return { bytes, durationSeconds, codec: video.codec, width: video.width, height: video.height };
  } finally {
    await rm(workFile, { force: true });
  }
}
