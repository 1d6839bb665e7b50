// The dashboard's picture of the controller: cameras, events and recent recordings, kept by one
// watch connection for all three (reconnecting by itself), and the motion seen as it happens.
import { useEffect, useState } from 'preact/hooks';
import { KindStore, type Connection } from './api/kind-store';
import { MultiWatch } from './api/multi-watch';
import type { Camera, CameraEvent, Recording } from './api/types';

const API = '/apis/camlet.dev/v1';
/** How long a tile shows motion after a MotionDetected event (the worker's motion lasts at least 2 s). */
const MOTION_SHOWN_MS = 4_000;

export const cameras = new KindStore<Camera>('Camera');
export const events = new KindStore<CameraEvent>('Event');
/** The last day's recordings (the newest 1,000 of them at most): the timeline hears of new ones here. */
export const recordings = new KindStore<Recording>('Recording', 1000);
const allKinds = new MultiWatch(`${API}/watch`, { cameras, events, recordings });
const motionUntil = new Map<string, number>();

events.subscribe((change) => {
  if (change && change.type !== 'DELETED' && change.object.reason === 'MotionDetected') {
    motionUntil.set(change.object.involvedObject.name, Date.now() + MOTION_SHOWN_MS);
  }
});

let started = false;
export function startWatching(): void {
  if (started) return;
  started = true;
  allKinds.start();
}

/** Re-renders the component on every change of the watch, and every `everyMs` (ages, motion). */
export function useWatch(watch: { subscribe(listener: () => void): () => void }, everyMs = 0): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let pending = false;
    const bump = () => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        setVersion((v) => v + 1);
      });
    };
    const unsubscribe = watch.subscribe(bump);
    const timer = everyMs > 0 ? setInterval(bump, everyMs) : undefined;
    return () => {
      unsubscribe();
      clearInterval(timer);
    };
  }, [watch, everyMs]);
  return version;
}

/** The one connection's state, which every kind shares. */
export function connection(): Connection {
  return cameras.connection;
}

export function sortedCameras(): Camera[] {
  return [...cameras.objects.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

export function motionNow(camera: Camera): boolean {
  return camera.status.motion?.active === true || (motionUntil.get(camera.metadata.name) ?? 0) > Date.now();
}

export function eventsOf(name: string, limit = 50): CameraEvent[] {
  return [...events.objects.values()]
    .filter((event) => event.involvedObject.name === name)
    .sort((a, b) => b.lastTimestamp.localeCompare(a.lastTimestamp))
    .slice(0, limit);
}
