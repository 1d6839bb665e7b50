import { describe, expect, it } from 'vitest';
import { systemClock } from '../../lib/clock.js';
import { EventRecorder } from '../events/event-recorder.js';
import { Revision } from '../store/object-store.js';
import { StorageLowCondition } from './storage-low.js';
import type { StorageSnapshot } from './storage-monitor.js';

const GiB = 2 ** 30;
const snapshot = (freeBytes: number | undefined): StorageSnapshot =>
  freeBytes === undefined
    ? { atMs: 0, diskError: 'statfs /data: ENOENT: no such file or directory', cameras: [] }
    : { atMs: 0, disk: { totalBytes: 100 * GiB, freeBytes, usedBytes: 100 * GiB - freeBytes }, floorBytes: 5 * GiB, cameras: [] };

describe('the StorageLow condition', () => {
  it('follows free space against the floor, keeps its transition time while it holds, and tells each change as an Event on the controller', () => {
    const events = new EventRecorder(new Revision(), systemClock, 'camlet-controller');
    const condition = new StorageLowCondition({ percent: 5 }, events);
    const at = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s));

    expect(condition.update(snapshot(50 * GiB), at(0))).toEqual({ type: 'StorageLow', status: 'False', reason: 'EnoughFreeSpace', message: '50.0 GiB free of 100 GiB, floor 5%', lastTransitionTime: at(0).toISOString() });
    const low = condition.update(snapshot(4 * GiB), at(1));
    expect(low).toMatchObject({ status: 'True', reason: 'BelowFreeSpaceFloor', message: '4.0 GiB free of 100 GiB, below the floor of 5% (5.0 GiB); retention deletes the oldest recordings', lastTransitionTime: at(1).toISOString() });
    condition.retentionExhausted(true);
    expect(condition.update(snapshot(3 * GiB), at(2))).toMatchObject({ status: 'True', reason: 'NothingLeftToDelete', lastTransitionTime: at(1).toISOString() });
    expect(condition.update(snapshot(undefined), at(3))).toMatchObject({ status: 'Unknown', reason: 'StorageUnreadable', message: 'statfs /data: ENOENT: no such file or directory' });
    condition.retentionExhausted(false);
    condition.update(snapshot(4 * GiB), at(4));
    condition.update(snapshot(6 * GiB), at(5));

    const told = events.objects.list().items.map((e) => [e.involvedObject.kind, e.type, e.reason, e.count]);
    // Low twice with the same words: one Event, counted twice, as Kubernetes folds repeats.
    expect(told.sort()).toEqual(
      [
        ['Controller', 'Warning', 'StorageLow', 2],
        ['Controller', 'Normal', 'StorageRecovered', 1],
      ].sort(),
    );
  });
});
