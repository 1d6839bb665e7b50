import type { WorkerStream } from './protocol.js';
import type { SegmentAudio } from './recording/audio-policy.js';
import { SEGMENT_SECONDS } from './recording/spool.js';

// Every ffmpeg command the worker runs, in one place. ffmpeg is spawned directly (not through
// fluent-ffmpeg) because the worker needs raw pipes, its own stop signals and a parent-death
// signal, which that wrapper hides.

/** ffmpeg's RTSP socket timeout, in microseconds: a silent camera ends the process. */
const SOCKET_TIMEOUT_US = 5_000_000;

/**
 * How ffmpeg probes a stream before it starts passing it on.
 * - `fast`: no analysis beyond the first packet. H.264 cameras announce SPS/PPS in the SDP, so the
 *   codec and size are known at once: the stream flows ~0.6 s sooner than with `-analyzeduration
 *   0.5 s`, and 1.8 s sooner than with ffmpeg's default. Frame rates are measured by the worker.
 * - `thorough`: ffmpeg's own probing, for a camera whose SDP leaves the parameters out; the
 *   pipeline falls back to it after a fast attempt that delivered nothing.
 */
export type Probe = 'fast' | 'thorough';

const PROBE_ARGS: Record<Probe, string[]> = {
  fast: ['-probesize', '32', '-analyzeduration', '0'],
  thorough: [],
};

/**
 * How every worker ffmpeg opens an RTSP stream (the benchmark's floor opens it the same way).
 * Without -nostdin: `q` on stdin is how the worker stops it (see stopFfmpeg).
 */
export function rtspInputArgs(stream: WorkerStream, probe: Probe = 'fast'): string[] {
  return [
    '-hide_banner',
    '-loglevel', 'info',
    '-nostats',
    '-rtsp_transport', stream.transport,
    '-timeout', String(SOCKET_TIMEOUT_US),
    ...PROBE_ARGS[probe],
    '-i', stream.url,
  ];
}

/**
 * The main stream copied (never decoded) into MPEG-TS segments of about SEGMENT_SECONDS, each
 * starting on a keyframe, with ffmpeg's list of the segments it has closed; each packet is
 * written as it arrives, so the segment being written can be cut from up to the last moment.
 * MPEG-TS because a file cut short by a kill is still readable up to its last packet, and
 * because it carries any audio codec a camera sends (what an MP4 cannot hold is dealt with when
 * a recording is made). A progress report on stdout every half second counts the frames.
 */
export function recordSegmentsArgs(stream: WorkerStream, spool: { segmentPattern: string; segmentList: string }, probe: Probe = 'fast', audio: SegmentAudio = 'copy'): string[] {
  return [
    ...rtspInputArgs(stream, probe),
    '-map', '0:v:0',
    ...(audio !== 'none' ? ['-map', '0:a:0?'] : []),
    '-c', 'copy',
    // Sound an MP4 cannot hold (G.711), converted as it arrives: a few kbit/s, next to no CPU.
    ...(audio === 'aac' ? ['-c:a', 'aac', '-b:a', '32k'] : []),
    '-f', 'segment',
    '-segment_time', String(SEGMENT_SECONDS),
    '-segment_format', 'mpegts',
    '-segment_format_options', 'flush_packets=1',
    '-segment_list', spool.segmentList,
    '-segment_list_type', 'csv',
    // Timestamps run on from segment to segment (no -reset_timestamps): a run's segments laid
    // end to end are one stream, which is how a recording is remuxed from them.
    spool.segmentPattern,
    '-progress', 'pipe:1',
    '-stats_period', '0.5',
  ];
}

/**
 * ffprobe asking a stream whether it delivers video, as quickly as the fast probe allows: how a
 * worker recording its sub stream in place of a main stream that went down learns that the main
 * stream is back. Prints `video` when it is.
 */
export function videoProbeArgs(stream: WorkerStream): string[] {
  return [
    '-v', 'error',
    '-rtsp_transport', stream.transport,
    '-timeout', String(SOCKET_TIMEOUT_US),
    ...PROBE_ARGS.fast,
    '-select_streams', 'v:0',
    '-show_entries', 'stream=codec_type',
    '-of', 'csv=p=0',
    '-i', stream.url,
  ];
}

/**
 * The analysis stream decoded to 8-bit gray frames `width` pixels wide (height keeps the aspect
 * ratio, rounded to even), written back to back on stdout. Every decoded frame is delivered, so
 * the worker measures the stream's own rate and picks the frames to analyse itself: the analysis
 * rate can change without restarting ffmpeg. One decoding thread: a small stream needs no more,
 * and frame threading would hold back a frame per thread (a few hundred ms at 10 fps).
 */
export function grayFramesArgs(stream: WorkerStream, width: number, probe: Probe = 'fast'): string[] {
  return ['-threads', '1', ...rtspInputArgs(stream, probe), '-map', '0:v:0', '-an', '-vf', `scale=${width}:-2`, '-pix_fmt', 'gray', '-f', 'rawvideo', 'pipe:1'];
}

export interface OutputVideo {
  codec: string;
  pixelFormat: string;
  width: number;
  height: number;
  /** The nominal frame rate, when ffmpeg states one. */
  fps?: number;
}

/**
 * The first video stream of ffmpeg's output listing, which it prints (at loglevel info) before
 * the first packet: "Output #0, mp4, ... Stream #0:0: Video: h264 (Constrained Baseline) (avc1 /
 * 0x31637661), yuv420p(progressive), 1280x720 [SAR 1:1 DAR 16:9], q=2-31, 15 fps, ...".
 */
export function outputVideo(stderrText: string): OutputVideo | undefined {
  const output = stderrText.indexOf('Output #0');
  if (output < 0) return undefined;
  const line = /Stream #0:\d+[^\n]*?: Video: ([^\n]*)/.exec(stderrText.slice(output))?.[1];
  // The codec, its parenthesised details, then the pixel format after the first ", ".
  const head = line && /^(\w+)[^,]*, (\w+)/.exec(line);
  const size = line && /, (\d+)x(\d+)/.exec(line);
  if (!head || !size) return undefined;
  const fps = Number(/, ([\d.]+) fps/.exec(line)?.[1]);
  return { codec: head[1] as string, pixelFormat: head[2] as string, width: Number(size[1]), height: Number(size[2]), ...(fps > 0 ? { fps } : {}) };
}

/**
 * The codec of the first audio stream in ffmpeg's input or output listing ("Stream #0:1: Audio:
 * pcm_mulaw, 8000 Hz, mono"); null when the listing has none, undefined before it is printed.
 */
export function listedAudioCodec(stderrText: string, listing: 'Input' | 'Output'): string | null | undefined {
  const start = stderrText.indexOf(`${listing} #0`);
  if (start < 0) return undefined;
  // The listing runs until the next one, or the stream mapping that follows the output's.
  const end = stderrText.slice(start + 1).search(/\n(Output #0|Stream mapping:)/);
  const text = stderrText.slice(start, end < 0 ? undefined : start + 1 + end);
  return /Stream #0:\d+[^\n]*?: Audio: (\w+)/.exec(text)?.[1] ?? null;
}

/** The size of the raw gray output of grayFramesArgs, from ffmpeg's stream listing. */
export function rawOutputSize(stderrText: string): { width: number; height: number } | undefined {
  const video = outputVideo(stderrText);
  return video?.codec === 'rawvideo' && video.pixelFormat === 'gray' ? { width: video.width, height: video.height } : undefined;
}
