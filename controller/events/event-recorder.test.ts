import { SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { Revision, type WatchEvent } from '../store/object-store.js';
import { EventRecorder, type EventObject, type EventRecorderOptions } from './event-recorder.js';

const START = Date.UTC(2025, 2, 1, 10, 0, 0);
const HOUR = 60 * 60 * 1000;

const door = { kind: 'Camera', name: 'front-door', uid: 'uid-door' };
const yard = { kind: 'Camera', name: 'yard' };

function setup(options: EventRecorderOptions = {}) {
  const clock = new SimulatedClock();
  clock.set(START);
  const revision = new Revision();
  const recorder = new EventRecorder(revision, clock, 'camlet-controller', options);
  const watched: WatchEvent<EventObject>[] = [];
  recorder.objects.watch(undefined, (event) => watched.push(event));
  /** Every stored event as `object reason xcount`, least recently recorded first. */
  const stored = () =>
    recorder.objects
      .list()
      .items.sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
      .map((e) => `${e.involvedObject.name} ${e.reason} x${e.count}`);
  return { clock, revision, recorder, watched, stored };
}

describe('EventRecorder', () => {
  it('records an Event shaped as Kubernetes shapes it', () => {
    const { recorder } = setup();
    const event = recorder.record(door, 'Normal', 'Started', 'worker started (pid 4242)');
    expect(event).toEqual({
      apiVersion: 'camlet.dev/v1',
      kind: 'Event',
      metadata: {
        name: expect.stringMatching(/^front-door\.[0-9a-f]+$/) as unknown,
        uid: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
        resourceVersion: '1',
        creationTimestamp: '2025-03-01T10:00:00.000Z',
      },
      involvedObject: { apiVersion: 'camlet.dev/v1', kind: 'Camera', name: 'front-door', uid: 'uid-door' },
      type: 'Normal',
      reason: 'Started',
      message: 'worker started (pid 4242)',
      count: 1,
      firstTimestamp: '2025-03-01T10:00:00.000Z',
      lastTimestamp: '2025-03-01T10:00:00.000Z',
      source: { component: 'camlet-controller' },
    });
    expect(recorder.objects.get(event.metadata.name)).toEqual(event);
  });

  it('gives every distinct event a distinct name, even within one millisecond', () => {
    const { recorder } = setup();
    const names = new Set(Array.from({ length: 50 }, (_, i) => recorder.record(door, 'Normal', 'Tick', `tick ${i}`).metadata.name));
    expect(names.size).toBe(50);
    expect(recorder.objects.size).toBe(50);
  });

  it('folds a repeat into one Event: count grows, lastTimestamp moves, firstTimestamp stays', () => {
    const { clock, recorder, watched } = setup();
    const first = recorder.record(door, 'Warning', 'BackOff', 'restarting in 2s');
    clock.increment(2_000);
    recorder.record(door, 'Warning', 'BackOff', 'restarting in 2s');
    clock.increment(3_500);
    const third = recorder.record(door, 'Warning', 'BackOff', 'restarting in 2s');
    expect(recorder.objects.size).toBe(1);
    expect(third.metadata.name).toBe(first.metadata.name);
    expect(third.metadata.uid).toBe(first.metadata.uid);
    expect(third.metadata.creationTimestamp).toBe('2025-03-01T10:00:00.000Z');
    expect(third).toMatchObject({ count: 3, firstTimestamp: '2025-03-01T10:00:00.000Z', lastTimestamp: '2025-03-01T10:00:05.500Z' });
    expect(third.metadata.resourceVersion).toBe('3');
    expect(watched.map((e) => `${e.type} x${e.object.count} ${e.object.lastTimestamp}`)).toEqual([
      'ADDED x1 2025-03-01T10:00:00.000Z',
      'MODIFIED x2 2025-03-01T10:00:02.000Z',
      'MODIFIED x3 2025-03-01T10:00:05.500Z',
    ]);
  });

  it('keeps events apart that differ in object, kind, type, reason or message', () => {
    const { recorder, stored } = setup();
    recorder.record(door, 'Warning', 'BackOff', 'restarting in 2s');
    recorder.record(yard, 'Warning', 'BackOff', 'restarting in 2s');
    recorder.record({ kind: 'Recording', name: 'front-door' }, 'Warning', 'BackOff', 'restarting in 2s');
    recorder.record(door, 'Normal', 'BackOff', 'restarting in 2s');
    recorder.record(door, 'Warning', 'Crashed', 'restarting in 2s');
    recorder.record(door, 'Warning', 'BackOff', 'restarting in 4s');
    recorder.record(door, 'Warning', 'BackOff', 'restarting in 2s');
    expect(recorder.objects.size).toBe(6);
    expect(stored()).toEqual([
      'yard BackOff x1',
      'front-door BackOff x1',
      'front-door BackOff x1',
      'front-door Crashed x1',
      'front-door BackOff x1',
      'front-door BackOff x2',
    ]);
  });

  it('redacts URL passwords from messages, and folds repeats that differ only in the password', () => {
    const { recorder } = setup();
    const event = recorder.record(door, 'Warning', 'StreamError', 'rtsp://admin:hunter2@10.0.0.5:554/stream1: Connection refused');
    expect(event.message).toBe('rtsp://admin:***@10.0.0.5:554/stream1: Connection refused');
    const again = recorder.record(door, 'Warning', 'StreamError', 'rtsp://admin:other@10.0.0.5:554/stream1: Connection refused');
    expect(again.metadata.name).toBe(event.metadata.name);
    expect(again.count).toBe(2);
    expect(JSON.stringify(recorder.objects.list())).not.toMatch(/hunter2|other@/);
  });

  it('starts a new Event once the previous one has expired, and forgets expired ones after the TTL', () => {
    const { clock, recorder, watched } = setup({ ttlMs: HOUR });
    const first = recorder.record(door, 'Warning', 'BackOff', 'restarting');
    recorder.record(yard, 'Normal', 'Started', 'worker started');
    clock.increment(HOUR); // exactly the TTL: still kept
    const repeat = recorder.record(door, 'Warning', 'BackOff', 'restarting');
    expect(repeat.metadata.name).toBe(first.metadata.name);
    expect(repeat.count).toBe(2);
    expect(recorder.objects.get(first.metadata.name)).toBeDefined();
    expect(recorder.for('Camera', 'yard').map((e) => e.reason)).toEqual(['Started']);
    clock.increment(1); // the yard event is now older than the TTL
    expect(recorder.for('Camera', 'yard')).toEqual([]);
    expect(recorder.objects.size).toBe(1);
    expect(watched.filter((e) => e.type === 'DELETED').map((e) => e.object.involvedObject.name)).toEqual(['yard']);
    // A repeat counts from its lastTimestamp, so the door event lives another hour.
    clock.increment(HOUR - 1);
    expect(recorder.for('Camera', 'front-door').map((e) => e.count)).toEqual([2]);
    clock.increment(1);
    expect(recorder.for('Camera', 'front-door')).toEqual([]);
    const fresh = recorder.record(door, 'Warning', 'BackOff', 'restarting');
    expect(fresh.metadata.name).not.toBe(first.metadata.name);
    expect(fresh).toMatchObject({ count: 1, firstTimestamp: '2025-03-01T12:00:00.001Z' });
  });

  it('expires on record too, not only when listed', () => {
    const { clock, recorder } = setup({ ttlMs: 1_000 });
    recorder.record(door, 'Normal', 'Old', 'a');
    clock.increment(1_001);
    recorder.record(yard, 'Normal', 'New', 'b');
    expect(recorder.objects.list().items.map((e) => e.reason)).toEqual(['New']);
  });

  it('evicts the oldest events first beyond maxEvents', () => {
    const { clock, recorder, stored } = setup({ maxEvents: 3 });
    for (const reason of ['A', 'B', 'C', 'D', 'E']) {
      recorder.record(door, 'Normal', reason, reason);
      clock.increment(10);
    }
    expect(stored()).toEqual(['front-door C x1', 'front-door D x1', 'front-door E x1']);
  });

  it('counts a repeat as recent when evicting, so the least recently seen event goes first', () => {
    const { clock, recorder, stored } = setup({ maxEvents: 3 });
    recorder.record(door, 'Normal', 'A', 'a');
    clock.increment(10);
    recorder.record(door, 'Normal', 'B', 'b');
    clock.increment(10);
    recorder.record(door, 'Normal', 'C', 'c');
    clock.increment(10);
    recorder.record(door, 'Normal', 'A', 'a'); // A is now the most recent
    clock.increment(10);
    recorder.record(door, 'Normal', 'D', 'd'); // B goes
    expect(stored()).toEqual(['front-door C x1', 'front-door A x2', 'front-door D x1']);
    clock.increment(10);
    recorder.record(door, 'Normal', 'E', 'e'); // then C
    expect(stored()).toEqual(['front-door A x2', 'front-door D x1', 'front-door E x1']);
  });

  it('folds a repeat of the oldest event when full instead of evicting it', () => {
    const { clock, recorder, stored } = setup({ maxEvents: 2 });
    recorder.record(door, 'Warning', 'BackOff', 'restarting');
    clock.increment(10);
    recorder.record(yard, 'Normal', 'Started', 'worker started');
    clock.increment(10);
    const repeat = recorder.record(door, 'Warning', 'BackOff', 'restarting');
    expect(repeat).toMatchObject({ count: 2, firstTimestamp: '2025-03-01T10:00:00.000Z' });
    expect(stored()).toEqual(['yard Started x1', 'front-door BackOff x2']);
  });

  it('keeps every event when exactly full and only read', () => {
    const { recorder, stored } = setup({ maxEvents: 2 });
    recorder.record(door, 'Normal', 'A', 'a');
    recorder.record(door, 'Normal', 'B', 'b');
    expect(recorder.for('Camera', 'front-door').map((e) => e.reason)).toEqual(['A', 'B']);
    expect(recorder.for('Camera', 'front-door').map((e) => e.reason)).toEqual(['A', 'B']);
    expect(stored()).toEqual(['front-door A x1', 'front-door B x1']);
  });

  it('never holds more than maxEvents, whatever the mix of new events and repeats', () => {
    const { clock, recorder } = setup({ maxEvents: 4 });
    for (let i = 0; i < 200; i++) {
      recorder.record(i % 3 === 0 ? door : yard, 'Normal', `R${(i * 7) % 6}`, 'm');
      clock.increment(i % 4);
      expect(recorder.objects.size).toBeLessThanOrEqual(4);
    }
    expect(recorder.objects.size).toBe(4);
  });

  it('lists the events of one object, oldest lastTimestamp first, in recording order within one instant', () => {
    const { clock, recorder } = setup();
    recorder.record(door, 'Normal', 'Pending', 'waiting');
    recorder.record(yard, 'Normal', 'Pending', 'waiting');
    recorder.record(door, 'Normal', 'Starting', 'starting worker');
    recorder.record(door, 'Normal', 'Started', 'worker started');
    recorder.record({ kind: 'Recording', name: 'front-door' }, 'Normal', 'Saved', 'clip saved');
    clock.increment(1_000);
    recorder.record(door, 'Warning', 'StreamStalled', 'no frame for 10s');
    clock.increment(1_000);
    recorder.record(door, 'Normal', 'Starting', 'starting worker'); // a repeat moves to the end
    expect(recorder.for('Camera', 'front-door').map((e) => `${e.reason} x${e.count}`)).toEqual([
      'Pending x1',
      'Started x1',
      'StreamStalled x1',
      'Starting x2',
    ]);
    expect(recorder.for('Camera', 'yard').map((e) => e.reason)).toEqual(['Pending']);
    expect(recorder.for('Recording', 'front-door').map((e) => e.reason)).toEqual(['Saved']);
    expect(recorder.for('Camera', 'nobody')).toEqual([]);
  });

  it('keeps recording order for many events within one instant', () => {
    const { recorder } = setup();
    const reasons = Array.from({ length: 40 }, (_, i) => `Step${i}`);
    for (const reason of reasons) recorder.record(door, 'Normal', reason, reason);
    expect(recorder.for('Camera', 'front-door').map((e) => e.reason)).toEqual(reasons);
  });

  it('names the source component given', () => {
    const clock = new SimulatedClock();
    const recorder = new EventRecorder(new Revision(), clock, 'camlet-worker');
    expect(recorder.record(door, 'Normal', 'X', 'y').source).toEqual({ component: 'camlet-worker' });
  });
});
