import { link, mkdir, open, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { runTiedToParent } from '../../lib/child-process.js';

export interface AssembleRequest {
  /** Segment files, in order, from one run of ffmpeg (one set of codec parameters). */
  segments: readonly string[];
  /** Stream seconds to keep: cuts a segment still being written before its unfinished end. */
  maxSeconds?: number;
  /** Where the MP4 is written first; on the storage's filesystem, so that it can be linked in place. */
  workFile: string;
  /** The recording's path; never overwritten (EEXIST when taken). */
  destination: string;
}

export interface AssembledRecording {
  bytes: number;
  durationSeconds: number;
  codec: string;
  width: number;
  height: number;
}

interface ProbeOutput {
  streams?: { codec_type?: string; codec_name?: string; width?: number; height?: number }[];
  format?: { duration?: string; size?: string };
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
 * checked with ffprobe, flushed to disk, linked at `destination` (which fails rather than
 * overwrite) and its folder flushed, so that a crash at any moment leaves either no recording or
 * a whole one, never a broken file under a recording's name.
 */
export async function assembleRecording(request: AssembleRequest): Promise<AssembledRecording> {
  const { segments, maxSeconds, workFile, destination } = request;
  if (segments.length === 0) throw new Error('a recording needs at least one segment');
  const listFile = `${workFile}.txt`;
  try {
    await writeFile(listFile, concatList(segments));
    await runTiedToParent('ffmpeg', [
      '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
      '-f', 'concat', '-safe', '0', '-i', listFile,
      '-map', '0:v:0', '-map', '0:a:0?',
      '-c', 'copy',
      ...(maxSeconds !== undefined ? ['-t', maxSeconds.toFixed(3)] : []),
      '-movflags', '+faststart',
      '-f', 'mp4', workFile,
    ]);
    const { stdout } = await runTiedToParent('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height:format=duration,size', '-of', 'json', workFile]);
    const probe = JSON.parse(stdout) as ProbeOutput;
    const video = probe.streams?.find((stream) => stream.codec_type === 'video');
    const durationSeconds = Number(probe.format?.duration);
    if (!video?.codec_name || !video.width || !video.height || !Number.isFinite(durationSeconds)) {
      throw new Error(`the assembled recording has no readable video stream: ${stdout.slice(0, 500)}`);
    }
    await fsyncPath(workFile);
    const folder = dirname(destination);
    await mkdir(folder, { recursive: true });
    await link(workFile, destination);
    // The day folder may be new: its entry in the camera's folder must reach the disk too.
    await fsyncPath(folder);
    await fsyncPath(dirname(folder));
    return { bytes: Number(probe.format?.size), durationSeconds, codec: video.codec_name, width: video.width, height: video.height };
  } finally {
    await rm(workFile, { force: true });
    await rm(listFile, { force: true });
  }
}
