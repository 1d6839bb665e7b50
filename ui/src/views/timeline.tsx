// One camera's timeline bar: recorded intervals and motion markers over the view, hour (or minute)
// ticks, "now" and the playback position. Drag (or swipe) pans, the wheel or a pinch zooms about
// the pointer, a click (a tap) picks a moment to play, and hovering a recording shows its
// thumbnail. Keys: ←/→ pan, +/− zoom.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { TimelineData, TimelineRecording, Trigger } from '../timeline/use-timeline-data';
import { clockLabel, dayLabel } from '../timeline/time-labels';
import { panView, spanOf, ticks, timeToX, xToTime, zoomView, type View } from '../timeline/time-scale';

const API = '/apis/camlet.dev/v1';
/** Rows of the bar, in pixels from its top. */
const MOTION_Y = 1;
const MOTION_H = 7;
const BAND_Y = 10;
const BAND_H = 26;
const LABEL_Y = 52;
const HEIGHT = 58;
/** A pointer that moves less than this between press and release clicked rather than dragged. */
const DRAG_THRESHOLD_PX = 4;
/** A recording this close to the pointer counts as hovered: thin ones are hard to hit. */
const HOVER_REACH_PX = 6;
const THUMBNAIL_WIDTH = 160;
/** Labels this close to an edge would be cut off. */
const LABEL_MARGIN_PX = 16;
/** Wheel zoom: the span scales by e^(delta × this) (a notch, 100, zooms by about 1.2). */
const WHEEL_ZOOM_RATE = 0.0018;
/** Keyboard pan: this fraction of the span per press. */
const KEY_PAN_FRACTION = 0.1;

export interface TimelineBarProps {
  view: View;
  widthPx: number;
  /** Where the "now" marker is drawn (views are kept from the future by the real clock). */
  nowMs: number;
  data: TimelineData;
  playheadMs?: number;
  onViewChange: (view: View) => void;
  onPick: (timeMs: number) => void;
}

/** The trigger a merged interval is drawn as: manual over motion over continuous. */
function shownTrigger(triggers: readonly Trigger[]): Trigger {
  return triggers.includes('manual') ? 'manual' : triggers.includes('motion') ? 'motion' : 'continuous';
}

function recordingNear(recordings: readonly TimelineRecording[], view: View, widthPx: number, x: number): TimelineRecording | undefined {
  const reach = (HOVER_REACH_PX / widthPx) * spanOf(view);
  const timeMs = xToTime(view, widthPx, x);
  let best: TimelineRecording | undefined;
  let bestDistance = Infinity;
  for (const recording of recordings) {
    const distance = timeMs < recording.startMs ? recording.startMs - timeMs : timeMs > recording.endMs ? timeMs - recording.endMs : 0;
    if (distance <= reach && distance < bestDistance) [best, bestDistance] = [recording, distance];
  }
  return best;
}

interface Gesture {
  pointers: Map<number, number>;
  startX: number;
  startView: View;
  moved: boolean;
  pinch?: { distance: number; view: View; anchorMs: number };
}

function HoverCard({ x, timeMs, recording, widthPx }: { x: number; timeMs: number; recording: TimelineRecording | undefined; widthPx: number }) {
  const cardWidth = recording ? THUMBNAIL_WIDTH + 8 : 72;
  const left = Math.min(Math.max(0, x - cardWidth / 2), Math.max(0, widthPx - cardWidth));
  return (
    <div class="timeline-hover" style={{ left: `${left}px`, width: `${cardWidth}px` }} data-recording={recording?.id}>
      {recording && <img key={recording.id} src={`${API}/recordings/${encodeURIComponent(recording.id)}/thumbnail`} alt="" width={THUMBNAIL_WIDTH} height={THUMBNAIL_WIDTH * 0.5625} />}
      <span class="timeline-hover-time">{clockLabel(timeMs, true)}</span>
    </div>
  );
}

export function TimelineBar({ view, widthPx, nowMs, data, playheadMs, onViewChange, onPick }: TimelineBarProps) {
  const svg = useRef<SVGSVGElement>(null);
  const gesture = useRef<Gesture | undefined>(undefined);
  const [hover, setHover] = useState<{ x: number } | undefined>(undefined);
  // The wheel listener is added once; it reads the props of the latest render.
  const latest = useRef({ view, widthPx, onViewChange });
  latest.current = { view, widthPx, onViewChange };

  useEffect(() => {
    const element = svg.current;
    if (!element) return;
    // Not through JSX: Preact's listener would be passive, and the page would scroll as well as zoom.
    const onWheel = (event: WheelEvent) => {
      const { view, widthPx, onViewChange } = latest.current;
      event.preventDefault();
      const unit = event.deltaMode === WheelEvent.DOM_DELTA_LINE ? 16 : event.deltaMode === WheelEvent.DOM_DELTA_PAGE ? widthPx : 1;
      if (Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
        onViewChange(panView(view, ((event.deltaX * unit) / widthPx) * spanOf(view), Date.now()));
      } else {
        const x = event.clientX - element.getBoundingClientRect().left;
        onViewChange(zoomView(view, Math.exp(event.deltaY * unit * WHEEL_ZOOM_RATE), xToTime(view, widthPx, x), Date.now()));
      }
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  }, []);

  const xOf = (timeMs: number) => timeToX(view, widthPx, timeMs);
  const localX = (event: PointerEvent) => event.clientX - (svg.current?.getBoundingClientRect().left ?? 0);

  const onPointerDown = (event: PointerEvent) => {
    if (event.pointerType === 'mouse' && event.button !== 0) return;
    svg.current?.setPointerCapture(event.pointerId);
    const x = localX(event);
    const current = gesture.current ?? { pointers: new Map<number, number>(), startX: x, startView: view, moved: false };
    current.pointers.set(event.pointerId, x);
    if (current.pointers.size === 2) {
      const [a = 0, b = 0] = current.pointers.values();
      current.pinch = { distance: Math.max(1, Math.abs(a - b)), view, anchorMs: xToTime(view, widthPx, (a + b) / 2) };
      current.moved = true;
    }
    gesture.current = current;
  };

  const onPointerMove = (event: PointerEvent) => {
    const x = localX(event);
    if (event.pointerType === 'mouse') setHover({ x });
    const current = gesture.current;
    if (!current?.pointers.has(event.pointerId)) return;
    current.pointers.set(event.pointerId, x);
    if (current.pinch && current.pointers.size >= 2) {
      const [a = 0, b = 0] = current.pointers.values();
      onViewChange(zoomView(current.pinch.view, current.pinch.distance / Math.max(1, Math.abs(a - b)), current.pinch.anchorMs, Date.now()));
    } else if (!current.pinch && (current.moved || Math.abs(x - current.startX) > DRAG_THRESHOLD_PX)) {
      current.moved = true;
      onViewChange(panView(current.startView, (-(x - current.startX) / widthPx) * spanOf(current.startView), Date.now()));
    }
  };

  const onPointerEnd = (event: PointerEvent, picked: boolean) => {
    const current = gesture.current;
    if (!current?.pointers.delete(event.pointerId)) return;
    if (current.pointers.size > 0) return;
    gesture.current = undefined;
    if (picked && !current.moved) onPick(xToTime(view, widthPx, localX(event)));
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const span = spanOf(view);
    const centre = (view.startMs + view.endMs) / 2;
    const moves: Record<string, () => View> = {
      ArrowLeft: () => panView(view, -span * KEY_PAN_FRACTION, Date.now()),
      ArrowRight: () => panView(view, span * KEY_PAN_FRACTION, Date.now()),
      '+': () => zoomView(view, 0.5, centre, Date.now()),
      '=': () => zoomView(view, 0.5, centre, Date.now()),
      '-': () => zoomView(view, 2, centre, Date.now()),
    };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    onViewChange(move());
  };

  const inView = (startMs: number, endMs: number) => endMs >= view.startMs && startMs <= view.endMs;
  const slotWidth = Math.max(2, (data.drawn.resolutionMs / spanOf(view)) * widthPx);
  const hoverTime = hover && xToTime(view, widthPx, hover.x);
  const hovered = hover && recordingNear(data.recordings, view, widthPx, hover.x);

  return (
    <div class="timeline-bar" data-start-ms={Math.round(view.startMs)} data-end-ms={Math.round(view.endMs)} data-recordings={data.recordings.length}>
      <svg
        ref={svg}
        class="timeline-svg"
        width={widthPx}
        height={HEIGHT}
        viewBox={`0 0 ${widthPx} ${HEIGHT}`}
        tabIndex={0}
        role="slider"
        aria-label="Recordings timeline: click to play from a moment, drag to pan, wheel or pinch to zoom"
        aria-valuemin={view.startMs}
        aria-valuemax={view.endMs}
        aria-valuenow={playheadMs ?? nowMs}
        aria-valuetext={clockLabel(playheadMs ?? nowMs, true)}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={(event) => onPointerEnd(event, true)}
        onPointerCancel={(event) => onPointerEnd(event, false)}
        onPointerLeave={() => setHover(undefined)}
        onKeyDown={onKeyDown}
      >
        <rect class="tl-band" x={0} y={BAND_Y} width={widthPx} height={BAND_H} />
        {ticks(view, widthPx).map((tick) => (
          <g key={tick.timeMs}>
            <line class={tick.midnight ? 'tl-tick tl-midnight' : 'tl-tick'} x1={xOf(tick.timeMs)} x2={xOf(tick.timeMs)} y1={BAND_Y} y2={BAND_Y + BAND_H + 5} />
            {xOf(tick.timeMs) > LABEL_MARGIN_PX && xOf(tick.timeMs) < widthPx - LABEL_MARGIN_PX && (
              <text class="tl-label" x={xOf(tick.timeMs)} y={LABEL_Y}>
                {tick.midnight ? dayLabel(tick.timeMs) : clockLabel(tick.timeMs, tick.seconds)}
              </text>
            )}
          </g>
        ))}
        {/* Under the recordings: at 24 hours, the last ones are a pixel or two, right by it. */}
        {inView(nowMs, nowMs) && <line class="tl-now" x1={xOf(nowMs)} x2={xOf(nowMs)} y1={0} y2={BAND_Y + BAND_H + 5} />}
        {data.drawn.intervals
          .filter((interval) => inView(interval.startMs, interval.endMs))
          .map((interval) => (
            <rect
              key={interval.startMs}
              class={`tl-recorded tl-rec-${shownTrigger(interval.triggers)}`}
              data-start-ms={interval.startMs}
              data-end-ms={interval.endMs}
              x={xOf(interval.startMs)}
              y={BAND_Y}
              width={Math.max(2, xOf(interval.endMs) - xOf(interval.startMs))}
              height={BAND_H}
            />
          ))}
        {data.drawn.motion
          .filter((slot) => inView(slot.startMs, slot.startMs + data.drawn.resolutionMs))
          .map((slot) => (
            <rect key={slot.startMs} class="tl-motion" data-start-ms={slot.startMs} data-count={slot.count} x={xOf(slot.startMs)} y={MOTION_Y} width={slotWidth} height={MOTION_H} rx={1} />
          ))}
        {playheadMs !== undefined && inView(playheadMs, playheadMs) && (
          <g class="tl-playhead" data-time-ms={Math.round(playheadMs)}>
            <line x1={xOf(playheadMs)} x2={xOf(playheadMs)} y1={BAND_Y - 3} y2={BAND_Y + BAND_H + 3} />
            <circle cx={xOf(playheadMs)} cy={BAND_Y - 3} r={3.5} />
          </g>
        )}
        {hover && <line class="tl-hover-line" x1={hover.x} x2={hover.x} y1={BAND_Y} y2={BAND_Y + BAND_H} />}
      </svg>
      {hover && hoverTime !== undefined && <HoverCard x={hover.x} timeMs={hoverTime} recording={hovered} widthPx={widthPx} />}
    </div>
  );
}
