// One ffmpeg that copies a camera stream, never re-encoded, into fragmented MP4 on its stdout,
// cut by Fmp4Segmenter into the init segment and fragments that the live view sends on.
import type { ChildProcess } from 'node:child_process';
import { spawnTiedToParent, stopGracefully } from '../../lib/child-process.js';
import { redactText } from '../../lib/redact.js';
import { Fmp4Segmenter, type Segments } from './fmp4.js';

export interface RemuxSource {
  /** The stream URL with its ${VAR} references resolved: for ffmpeg only, never shown. */
  url: string;
  transport: 'tcp' | 'udp';
  /** Values to redact from whatever ffmpeg says (it echoes its URL). */
  secrets: readonly string[];
}

export interface RemuxEvents extends Segments {
  /** ffmpeg ended (on its own or stopped); `reason` is redacted. */
  exit(reason: string): void;
}

export interface Remux {
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export type RemuxFactory = (source: RemuxSource, events: RemuxEvents, options: { probe: 'fast' | 'thorough' }) => Remux;

const SOCKET_TIMEOUT_US = 5_000_000;
const STOP_GRACE_MS = 2_000;
const STDERR_KEPT_CHARS = 2_000;

/**
 * The command. A fragment per frame or two (-frag_duration 50 ms, and always at a keyframe), each
 * flushed to the pipe at once: a fragment leaves ffmpeg as soon as the next frame arrives, which
 * keeps the latency a frame long. The 'fast' probe reads the stream's parameters from the SDP
 * (as the worker does); a camera whose SDP lacks them needs the 'thorough' one. Sound is left
 * out: the live view is silent.
 */
export function remuxArgs(source: Pick<RemuxSource, 'url' | 'transport'>, probe: 'fast' | 'thorough'): string[] {
  const rtsp = /^rtsps?:/i.test(source.url);
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-fflags', 'nobuffer', '-flags', 'low_delay',
    ...(probe === 'fast' ? ['-probesize', '32', '-analyzeduration', '0'] : ['-probesize', '500000', '-analyzeduration', '1000000']),
    ...(rtsp ? ['-rtsp_transport', source.transport, '-timeout', String(SOCKET_TIMEOUT_US)] : []),
    '-i', source.url,
    '-map', '0:v:0', '-c', 'copy', '-an', '-sn', '-dn',
    '-f', 'mp4', '-movflags', 'frag_keyframe+empty_moov+default_base_moof', '-frag_duration', '50000', '-flush_packets', '1',
    'pipe:1',
  ];
}

/** Starts ffmpeg (tied to the controller: it dies with it, even on SIGKILL). */
export const startRemux: RemuxFactory = (source, events, options) => {
  const child: ChildProcess = spawnTiedToParent('ffmpeg', remuxArgs(source, options.probe), { stdio: ['ignore', 'pipe', 'pipe'] });
  const segmenter = new Fmp4Segmenter(events);
  let stderr = '';
  let failure: string | undefined;
  let stopping = false;
  child.stdout?.on('data', (chunk: Buffer) => {
    if (failure) return;
    try {
      segmenter.push(chunk);
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
      child.kill('SIGKILL');
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_KEPT_CHARS);
  });
  child.once('error', (error) => {
    failure ??= `cannot start ffmpeg: ${error.message}`;
  });
  child.once('close', (code, signal) => {
    const said = redactText(stderr.trim().split('\n').slice(-3).join('; '), source.secrets);
    const how = stopping ? 'stopped' : signal ? `killed by ${signal}` : `exited with code ${code}`;
    events.exit(failure ?? `ffmpeg ${how}${said ? `: ${said}` : ''}`);
  });
  return {
    pid: child.pid,
    stop: () => {
      stopping = true;
      // ffmpeg ends on SIGINT at once when copying; SIGKILL after the grace period otherwise.
      return stopGracefully(child, STOP_GRACE_MS, 'SIGINT');
    },
  };
};
