import { link, mkdir, open, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { runTiedToParent } from '../../lib/child-process.js';
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

/** ffmpeg's concat list: one `file '...'` line per segment, single quotes escaped as it wants. */
function concatList(segments: readonly string[]): string {
  return segments.map((path) => `file '${path.replace(/'/g, "'\\''")}'\n`).join('');
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
  const listFile = `${workFile}.txt`;
  try {
    await writeFile(listFile, concatList(segments));
    const { stdout, stderr } = await runTiedToParent('ffmpeg', [
      '-hide_banner', '-nostdin', '-loglevel', 'info', '-nostats',
      '-f', 'concat', '-safe', '0', '-i', listFile,
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
    await rm(listFile, { force: true });
  }
}
