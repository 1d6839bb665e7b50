// Playing recordings: the <video> of a recording's content (progressive MP4, +faststart, fetched
// with ranges by the browser), started at an offset, at the chosen speed; and its controls:
// previous and next event, speed, the time shown, download, close.
import { useEffect, useRef } from 'preact/hooks';
import type { PlaybackTarget } from '../timeline/playback-target';
import { clockLabel, dayLabel } from '../timeline/time-labels';
import type { TimelineRecording } from '../timeline/use-timeline-data';

const API = '/apis/camlet.dev/v1';
export const SPEEDS = [0.5, 1, 2, 4] as const;
export type Speed = (typeof SPEEDS)[number];

/** A target to play; `seq` tells one click from the next on the same spot (each one seeks). */
export type Playback = PlaybackTarget<TimelineRecording> & { seq: number };

const contentUrl = (id: string) => `${API}/recordings/${encodeURIComponent(id)}/content`;

export interface PlaybackVideoProps {
  playback: Playback;
  speed: Speed;
  /** The wall-clock time shown, as it moves. */
  onPosition: (timeMs: number) => void;
  onEnded: () => void;
}

export function PlaybackVideo({ playback, speed, onPosition, onEnded }: PlaybackVideoProps) {
  const video = useRef<HTMLVideoElement>(null);
  const { recording, offsetSeconds } = playback;

  useEffect(() => {
    const element = video.current;
    if (!element) return;
    if (element.dataset.recording === recording.id) {
      element.currentTime = offsetSeconds;
    } else {
      element.dataset.recording = recording.id;
      // A media fragment: the browser starts there as soon as it has the file's index (moov), without playing from 0 first.
      element.src = `${contentUrl(recording.id)}#t=${offsetSeconds.toFixed(3)}`;
    }
    // Loading a new source resets the rate to the default one.
    element.defaultPlaybackRate = speed;
    element.playbackRate = speed;
    // Refused only where the browser wants a gesture first (the controls then offer play).
    element.play().catch(() => undefined);
  }, [recording.id, offsetSeconds, playback.seq]);

  useEffect(() => {
    const element = video.current;
    if (!element) return;
    element.defaultPlaybackRate = speed;
    element.playbackRate = speed;
  }, [speed]);

  const report = () => {
    const element = video.current;
    if (element) onPosition(recording.startMs + element.currentTime * 1000);
  };

  return (
    <video
      ref={video}
      class="playback-video"
      controls
      playsInline
      preload="auto"
      data-start-ms={recording.startMs}
      data-requested-ms={Math.round(recording.startMs + offsetSeconds * 1000)}
      onTimeUpdate={report}
      onSeeked={report}
      onEnded={onEnded}
    />
  );
}

export interface PlaybackControlsProps {
  speed: Speed;
  onSpeed: (speed: Speed) => void;
  onPrevious: () => void;
  onNext: () => void;
  playing?: { recording: TimelineRecording; positionMs: number };
  onClose: () => void;
}

export function PlaybackControls({ speed, onSpeed, onPrevious, onNext, playing, onClose }: PlaybackControlsProps) {
  return (
    <div class="playback-controls">
      <div class="button-group" role="group" aria-label="Events">
        <button type="button" class="prev-event" title="Previous event (recording or motion start)" onClick={onPrevious}>
          ‹ Prev
        </button>
        <button type="button" class="next-event" title="Next event (recording or motion start)" onClick={onNext}>
          Next ›
        </button>
      </div>
      <div class="button-group speeds" role="group" aria-label="Playback speed">
        {SPEEDS.map((s) => (
          <button key={s} type="button" class={s === speed ? 'active' : ''} aria-pressed={s === speed} data-speed={s} onClick={() => onSpeed(s)}>
            {`${s}×`}
          </button>
        ))}
      </div>
      {playing && (
        <>
          <span class="playback-time" data-time-ms={Math.round(playing.positionMs)}>
            {`${dayLabel(playing.positionMs)} ${clockLabel(playing.positionMs, true)}`}
            <span class="muted">{` · ${playing.recording.trigger}`}</span>
          </span>
          <span class="spacer" />
          <a class="button download" href={`${contentUrl(playing.recording.id)}?download=1`} download title="Download this recording (MP4)">
            ↓ Download
          </a>
          <button type="button" class="close-playback" title="Stop playback" onClick={onClose}>
            ×
          </button>
        </>
      )}
    </div>
  );
}
