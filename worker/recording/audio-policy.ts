import type { CameraSpec } from '../../crds-like-schemas/generated/camera.js';

export type AudioSetting = CameraSpec['recording']['audio'];

/** What the recording ffmpeg does with the camera's sound: copies it as it is, converts it to AAC, or leaves it out. */
export type SegmentAudio = 'copy' | 'aac' | 'none';

/**
 * Audio codecs that cameras send and that an MP4 holds as they are (ffmpeg's mp4 muxer writes
 * them without `-strict`). MPEG audio over RTP (RFC 2250) does not say its layer: ffmpeg names it
 * mp2 until it has seen a frame, mp3 after. G.711 (pcm_mulaw, pcm_alaw), the commonest after
 * AAC, is not one, and neither does it survive the spool's MPEG-TS segments.
 */
const MP4_AUDIO = new Set(['aac', 'mp3', 'mp2', 'ac3', 'eac3']);

export function mp4HoldsAudio(codec: string | undefined): boolean {
  return codec !== undefined && MP4_AUDIO.has(codec);
}

/**
 * What the recording ffmpeg does with a stream whose sound is `codec` under `recording.audio`;
 * `codec` is undefined until a first run has listed the stream (copied then, to learn it) and
 * null for a stream without sound.
 */
export function segmentAudio(codec: string | null | undefined, setting: AudioSetting): SegmentAudio {
  if (setting === 'off' || codec === null) return 'none';
  if (codec === undefined || mp4HoldsAudio(codec)) return 'copy';
  return setting === 'aac' ? 'aac' : 'none';
}

/** The Warning owed to the user when the camera's sound is dropped for its codec, if it is. */
export function audioDroppedWarning(codec: string | null | undefined, setting: AudioSetting): string | undefined {
  if (typeof codec !== 'string' || setting !== 'keep' || mp4HoldsAudio(codec)) return undefined;
  return `the camera's audio (${codec}) cannot be kept in an MP4 as it is: recordings have no sound; set spec.recording.audio to aac to convert it`;
}
