// Real media files for the index's tests, made by ffmpeg: playable H.264 MP4s, and files that
// are not (garbage, audio only, cut short) for the lost+found cases.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A playable MP4: `seconds` of testsrc2 at 10 fps, H.264, +faststart (as the worker writes them). */
export async function makeClip(output: string, seconds = 2, size = '320x180'): Promise<void> {
  await run('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=10`,
    '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', '10',
    '-movflags', '+faststart',
    output,
  ]);
}

/** An MP4 with sound and no picture: ffprobe reads it, but it holds no video stream. */
export async function makeAudioOnly(output: string): Promise<void> {
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', output]);
}

/** The first `bytes` of a file: what a copy cut short by a crash leaves. */
export async function truncatedCopy(source: string, output: string, bytes: number): Promise<void> {
  await writeFile(output, (await readFile(source)).subarray(0, bytes));
}
