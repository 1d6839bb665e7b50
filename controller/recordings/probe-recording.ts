import { runTiedToParent } from '../../lib/child-process.js';

export type ProbeResult =
  | { playable: true; durationSeconds: number; codec: string; width: number; height: number }
  | { playable: false; reason: string };

interface ProbeOutput {
  streams?: { codec_type?: string; codec_name?: string; width?: number; height?: number }[];
  format?: { duration?: string };
}

/** Fails when ffprobe itself cannot run: files must not be judged unplayable for want of ffprobe. */
export async function checkFfprobe(): Promise<void> {
  try {
    await runTiedToParent('ffprobe', ['-version']);
  } catch (error) {
    throw new Error(`ffprobe cannot run, so recordings cannot be checked: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * What ffprobe says of a file found in storage: playable (a video stream with a codec, a size and
 * a duration) or not, and why. Reads the container's header only, as the worker's own check does.
 */
export async function probeRecording(file: string): Promise<ProbeResult> {
  let stdout: string;
  try {
    ({ stdout } = await runTiedToParent('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height:format=duration', '-of', 'json', file]));
  } catch (error) {
    return { playable: false, reason: `ffprobe failed: ${(error as Error).message.slice(0, 500)}` };
  }
  let probe: ProbeOutput;
  try {
    probe = JSON.parse(stdout) as ProbeOutput;
  } catch {
    return { playable: false, reason: `ffprobe printed no JSON: ${stdout.slice(0, 200)}` };
  }
  const video = probe.streams?.find((stream) => stream.codec_type === 'video');
  const durationSeconds = Number(probe.format?.duration);
  if (!video) return { playable: false, reason: 'no video stream' };
  if (!video.codec_name || !video.width || !video.height) return { playable: false, reason: `the video stream has no codec or size: ${JSON.stringify(video)}` };
  if (!Number.isFinite(durationSeconds) || durationSeconds < 0) return { playable: false, reason: `no duration (${JSON.stringify(probe.format?.duration)})` };
  return { playable: true, durationSeconds, codec: video.codec_name, width: video.width, height: video.height };
}
