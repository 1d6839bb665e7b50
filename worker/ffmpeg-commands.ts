import type { WorkerStream } from './protocol.js';

// Every ffmpeg command the worker runs, in one place. ffmpeg is spawned directly (not through
// fluent-ffmpeg) because the worker needs raw pipes, its own stop signals and a parent-death
// signal, which that wrapper hides.

/** ffmpeg's RTSP socket timeout, in microseconds: a silent camera ends the process. */
const SOCKET_TIMEOUT_US = 5_000_000;
/**
 * How long ffmpeg analyses a stream before it starts: the default (5 s) delays every connection;
 * H.264 cameras send SPS/PPS in the SDP, so half a second is plenty.
 */
const ANALYZE_DURATION_US = 500_000;

/** How every worker ffmpeg opens an RTSP stream (the benchmark's floor opens it the same way). */
export function rtspInputArgs(stream: WorkerStream): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel', 'info',
    '-nostats',
    '-rtsp_transport', stream.transport,
    '-timeout', String(SOCKET_TIMEOUT_US),
    '-analyzeduration', String(ANALYZE_DURATION_US),
    '-i', stream.url,
  ];
}

/**
 * The main stream, copied (never decoded), with a progress report on stdout every half second.
 * The output is discarded for now; recording replaces it with segments.
 */
export function copyStreamArgs(stream: WorkerStream): string[] {
  return [...rtspInputArgs(stream), '-map', '0:v:0', '-c', 'copy', '-f', 'null', '/dev/null', '-progress', 'pipe:1', '-stats_period', '0.5'];
}

/**
 * The analysis stream decoded to 8-bit gray frames `width` pixels wide (height keeps the aspect
 * ratio, rounded to even), written back to back on stdout. Every decoded frame is delivered, so
 * the worker measures the stream's own rate and picks the frames to analyse itself: the analysis
 * rate can change without restarting ffmpeg.
 */
export function grayFramesArgs(stream: WorkerStream, width: number): string[] {
  return [...rtspInputArgs(stream), '-map', '0:v:0', '-an', '-vf', `scale=${width}:-2`, '-pix_fmt', 'gray', '-f', 'rawvideo', 'pipe:1'];
}

/** Finds the size of the raw output in ffmpeg's stream listing ("Output #0, rawvideo ... gray, 320x180"). */
export function rawOutputSize(stderrText: string): { width: number; height: number } | undefined {
  const output = stderrText.indexOf('Output #0');
  if (output < 0) return undefined;
  const match = /Video: rawvideo[^\n]*?, gray[^\n]*?, (\d+)x(\d+)/.exec(stderrText.slice(output));
  return match ? { width: Number(match[1]), height: Number(match[2]) } : undefined;
}
