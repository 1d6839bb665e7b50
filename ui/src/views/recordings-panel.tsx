// A camera's recordings on its page: the timeline bar with its zoom controls, and, once a moment
// is picked, the recording playing from there with its controls. Owns the view (which follows
// the clock while it shows now), the playback and its speed.
import { useEffect, useRef, useState } from 'preact/hooks';
import { eventMarks, nextMark, playbackAt, previousMark, recordingAfter } from '../timeline/playback-target';
import { clockLabel, dayLabel, spanLabel } from '../timeline/time-labels';
import { centreView, followNow, showsNow, spanOf, viewEndingNow, zoomView, type View } from '../timeline/time-scale';
import { useTimelineData } from '../timeline/use-timeline-data';
import { PlaybackControls, PlaybackVideo, type Playback, type Speed } from './playback';
import { TimelineBar } from './timeline';
import { useElementWidth } from './use-element-width';

/** The clock moves "now" about a pixel at a time, between once a second and every 30 s. */
const clockStepMs = (view: View, widthPx: number) => Math.min(30_000, Math.max(1_000, spanOf(view) / Math.max(1, widthPx)));
/** "Last 24 h" while the view follows now; else from when to when. */
function rangeLabel(view: View, nowMs: number): string {
  if (showsNow(view, nowMs)) return `Last ${spanLabel(spanOf(view))}`;
  const withSeconds = spanOf(view) < 10 * 60_000;
  return `${dayLabel(view.startMs)} ${clockLabel(view.startMs, withSeconds)} – ${clockLabel(view.endMs, withSeconds)}`;
}

/** The lists are fetched again this often even without news: retention deletes, clocks drift. */
const REFRESH_MS = 30_000;

/** "now", moved on as the view needs; a view that shows now moves along with it. */
function useClock(view: View, widthPx: number, setView: (update: (view: View) => View) => void): number {
  const [nowMs, setNow] = useState(Date.now);
  const step = clockStepMs(view, widthPx);
  const previous = useRef(nowMs);
  useEffect(() => {
    const tick = () => {
      const now = Date.now();
      const before = previous.current;
      previous.current = now;
      setNow(now);
      setView((current) => followNow(current, before, now));
    };
    // At once too: zoomed in, the last reading may be many pixels old.
    tick();
    const timer = setInterval(tick, step);
    return () => clearInterval(timer);
  }, [step]);
  return nowMs;
}

export function RecordingsPanel({ camera }: { camera: string }) {
  const [view, setView] = useState<View>(() => viewEndingNow(Date.now()));
  const [barBox, widthPx] = useElementWidth<HTMLDivElement>();
  const nowMs = useClock(view, widthPx, setView);
  const data = useTimelineData(camera, view, widthPx, Math.floor(nowMs / REFRESH_MS));
  const [speed, setSpeed] = useState<Speed>(1);
  const [playback, setPlayback] = useState<Playback | undefined>(undefined);
  const [positionMs, setPositionMs] = useState<number | undefined>(undefined);
  const [note, setNote] = useState<string | undefined>(undefined);

  const inView = (t: number | undefined): t is number => t !== undefined && t >= view.startMs && t <= view.endMs;

  /** Plays what there is at `timeMs` (or after it); false when there is nothing. */
  const play = (timeMs: number): boolean => {
    const target = playbackAt(data.recordings, timeMs);
    if (!target) return false;
    setNote(undefined);
    setPlayback((previous) => ({ ...target, seq: (previous?.seq ?? 0) + 1 }));
    setPositionMs(target.recording.startMs + target.offsetSeconds * 1000);
    return true;
  };

  const pick = (timeMs: number) => {
    if (!play(timeMs)) setNote(`Nothing recorded after ${clockLabel(timeMs, true)} yet.`);
  };

  const step = (direction: 'previous' | 'next') => {
    const marks = eventMarks(data.recordings, data.motionStartsMs);
    // Without playback, "previous" is the latest event, "next" the first one in view.
    const from = playback && positionMs !== undefined ? positionMs : direction === 'previous' ? Date.now() : view.startMs;
    const mark = direction === 'previous' ? previousMark(marks, from) : nextMark(marks, from);
    if (mark === undefined) {
      setNote(`No ${direction === 'previous' ? 'earlier' : 'later'} event around this view.`);
      return;
    }
    if (play(mark) && !inView(mark)) setView(centreView(view, mark, Date.now()));
  };

  const onPosition = (timeMs: number) => {
    // Playback that runs off the bar brings the bar along (not when the bar was moved away from it).
    if (inView(positionMs) && !inView(timeMs)) setView(centreView(view, timeMs, Date.now()));
    setPositionMs(timeMs);
  };

  const onEnded = () => {
    const next = playback && recordingAfter(data.recordings, playback.recording);
    if (next) setPlayback((previous) => ({ recording: next, offsetSeconds: 0, seq: (previous?.seq ?? 0) + 1 }));
  };

  const zoom = (factor: number) => {
    // About what matters: the playback position, else now, else the middle.
    const now = Date.now();
    const anchor = playback && inView(positionMs) ? positionMs : inView(now) ? now : (view.startMs + view.endMs) / 2;
    setView(zoomView(view, factor, anchor, now));
  };

  return (
    <div class="recordings" data-camera={camera}>
      <div class="recordings-head">
        <h2>Recordings</h2>
        <span class="timeline-range muted">
          {rangeLabel(view, nowMs)}
        </span>
        <span class="spacer" />
        <div class="button-group" role="group" aria-label="Zoom">
          <button type="button" class="zoom-out" title="Zoom out" onClick={() => zoom(2)}>
            −
          </button>
          <button type="button" class="zoom-in" title="Zoom in" onClick={() => zoom(0.5)}>
            +
          </button>
          <button type="button" class="zoom-day" title="The last 24 hours" onClick={() => setView(viewEndingNow(Date.now()))}>
            24 h
          </button>
        </div>
      </div>
      <div class="timeline-box" ref={barBox}>
        <TimelineBar view={view} widthPx={widthPx} nowMs={nowMs} data={data} playheadMs={playback ? positionMs : undefined} onViewChange={setView} onPick={pick} />
      </div>
      <div class="timeline-legend muted">
        <span class="swatch tl-motion-swatch" /> motion
        <span class="swatch tl-motion-rec-swatch" /> motion recording
        <span class="swatch tl-continuous-swatch" /> continuous
        <span class="swatch tl-manual-swatch" /> manual
        {data.drawn.intervals.length === 0 && <span class="timeline-empty">· nothing recorded in this range</span>}
        {data.error && <span class="timeline-error">· {data.error}</span>}
      </div>
      <PlaybackControls
        speed={speed}
        onSpeed={setSpeed}
        onPrevious={() => step('previous')}
        onNext={() => step('next')}
        playing={playback && { recording: playback.recording, positionMs: positionMs ?? playback.recording.startMs }}
        onClose={() => {
          setPlayback(undefined);
          setPositionMs(undefined);
        }}
      />
      {note && <p class="timeline-note muted">{note}</p>}
      {playback && (
        <div class="playback">
          <PlaybackVideo playback={playback} speed={speed} onPosition={onPosition} onEnded={onEnded} />
        </div>
      )}
    </div>
  );
}
