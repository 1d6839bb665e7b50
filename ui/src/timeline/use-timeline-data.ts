// What one camera's timeline shows and plays: the recorded intervals and motion markers to draw
// (the timeline endpoint, aggregated to about a pixel) and the recordings and motion starts to
// play and step between (the lists), over the view's fetch window (see fetchWindow). Fetched
// again when the view has moved out of it or zoomed, when a recording of the camera finishes or
// its motion starts (the events watch), and when `refreshKey` changes.
import { useEffect, useState } from 'preact/hooks';
import type { MotionEventObject, Recording, ResourceList, Timeline } from '../api/types';
import { events, recordings } from '../state';
import type { RecordingSpan } from './playback-target';
import { fetchWindow, resolutionSecondsFor, type View } from './time-scale';

const API = '/apis/camlet.dev/v1';
/** Events of the camera after which there is something new to draw. */
/** Events that put a motion marker on the bar; a recording's arrival comes from the recordings watch. */
const MOTION_NEWS = 'MotionDetected';
/** A view being dragged or zoomed changes at every frame: fetch once it has rested this long. */
const SETTLE_MS = 200;
/** Pages of a list fetched at most (of 1,000): beyond that, a few days of a busy camera, the edges are left out. */
const MAX_PAGES = 3;

export type Trigger = Recording['spec']['trigger'];

export interface TimelineRecording extends RecordingSpan {
  trigger: Trigger;
}

export interface DrawnTimeline {
  intervals: { startMs: number; endMs: number; triggers: Trigger[] }[];
  /** Slots of `resolutionMs` holding motion starts. */
  motion: { startMs: number; count: number }[];
  resolutionMs: number;
}

export interface TimelineData {
  drawn: DrawnTimeline;
  /** Sorted by start. */
  recordings: TimelineRecording[];
  motionStartsMs: number[];
  /** Why the last fetch failed; the data before it is kept. */
  error?: string;
}

const EMPTY: TimelineData = { drawn: { intervals: [], motion: [], resolutionMs: 1000 }, recordings: [], motionStartsMs: [] };

async function getJson<T>(path: string, signal: AbortSignal): Promise<T> {
  const response = await fetch(path, { signal });
  if (!response.ok) throw new Error(`${path.split('?')[0]}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

async function listAll<T>(path: string, signal: AbortSignal): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES && (page === 0 || token); page++) {
    const list = await getJson<ResourceList<T>>(`${path}&limit=1000${token ? `&continue=${encodeURIComponent(token)}` : ''}`, signal);
    items.push(...list.items);
    token = list.metadata.continue;
  }
  return items;
}

async function fetchTimeline(camera: string, window: View, resolutionSeconds: number, signal: AbortSignal): Promise<TimelineData> {
  const range = (to: number) => `camera=${encodeURIComponent(camera)}&from=${Math.floor(window.startMs)}&to=${Math.ceil(to)}`;
  // The lists stop at now (and a little): what lies after has not happened.
  const listed = range(Math.min(window.endMs, Date.now() + 60_000));
  const [timeline, recordings, motion] = await Promise.all([
    getJson<Timeline>(`${API}/timeline?${range(window.endMs)}&resolution=${resolutionSeconds}s`, signal),
    listAll<Recording>(`${API}/recordings?${listed}&state=complete&order=oldest`, signal),
    listAll<MotionEventObject>(`${API}/motionevents?${listed}&order=oldest`, signal),
  ]);
  const ours = timeline.cameras.find((entry) => entry.camera === camera);
  return {
    drawn: {
      intervals: (ours?.intervals ?? []).map((i) => ({ startMs: Date.parse(i.start), endMs: Date.parse(i.end), triggers: i.triggers })),
      motion: (ours?.motion ?? []).map((m) => ({ startMs: Date.parse(m.start), count: m.count })),
      resolutionMs: timeline.resolutionSeconds * 1000,
    },
    recordings: recordings.map((r) => ({ id: r.metadata.name, startMs: Date.parse(r.spec.start), endMs: Date.parse(r.spec.end), trigger: r.spec.trigger })),
    motionStartsMs: motion.map((m) => Date.parse(m.spec.start)),
  };
}

/** The fetch window for the view, once the view has stopped changing for SETTLE_MS. */
function useSettledWindow(view: View): View {
  const window = fetchWindow(view);
  const [settled, setSettled] = useState(window);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(window), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [window.startMs, window.endMs]);
  return settled;
}

export function useTimelineData(camera: string, view: View, widthPx: number, refreshKey: unknown): TimelineData {
  const window = useSettledWindow(view);
  const resolutionSeconds = resolutionSecondsFor(view, widthPx);
  const [news, setNews] = useState(0);
  const [data, setData] = useState<TimelineData>(EMPTY);

  useEffect(() => {
    const bump = () => setNews((n) => n + 1);
    const stopMotion = events.subscribe((change) => {
      if (change && change.type !== 'DELETED' && change.object.involvedObject.name === camera && change.object.reason === MOTION_NEWS) bump();
    });
    const stopRecordings = recordings.subscribe((change) => {
      if (change && change.type === 'ADDED' && change.object.spec.camera === camera) bump();
    });
    return () => {
      stopMotion();
      stopRecordings();
    };
  }, [camera]);

  useEffect(() => {
    if (widthPx <= 0) return;
    const abort = new AbortController();
    fetchTimeline(camera, window, resolutionSeconds, abort.signal).then(setData, (error: unknown) => {
      if (!abort.signal.aborted) setData((previous) => ({ ...previous, error: String(error) }));
    });
    return () => abort.abort();
  }, [camera, window, resolutionSeconds, news, refreshKey]);

  return data;
}
