import type { EventRecorder } from '../events/event-recorder.js';
import { setCondition, type Condition } from '../store/conditions.js';
import { describeFloor, type FreeSpaceFloor } from './free-space-floor.js';
import { formatBytes } from './quantity.js';
import type { StorageSnapshot } from './storage-monitor.js';

/** The controller itself, as Events name it. */
export const CONTROLLER_OBJECT = { kind: 'Controller', name: 'camlet-controller' } as const;

/**
 * The controller's `StorageLow` condition: True while the storage filesystem has less free space
 * than the floor, Unknown when it cannot be read. Its changes are Events on the controller (a
 * Warning when it turns True), so that a disk filling up is never silent even when retention
 * keeps up; while retention has nothing left to delete, the message says so.
 */
export class StorageLowCondition {
  private conditions: Condition[] = [];
  private nothingLeft = false;

  constructor(
    private readonly floor: FreeSpaceFloor,
    private readonly events: Pick<EventRecorder, 'record'>,
  ) {}

  /** What the last retention sweep found: whether deleting every deletable recording still left the floor unmet. */
  retentionExhausted(exhausted: boolean): void {
    this.nothingLeft = exhausted;
  }

  /** The condition for this snapshot (lastTransitionTime kept while its status holds). */
  update(snapshot: StorageSnapshot, now: Date): Condition {
    const previous = this.conditions[0]?.status;
    const { disk, floorBytes } = snapshot;
    let next: Omit<Condition, 'lastTransitionTime'>;
    if (!disk || floorBytes === undefined) {
      next = { type: 'StorageLow', status: 'Unknown', reason: 'StorageUnreadable', message: snapshot.diskError ?? 'the storage filesystem could not be read' };
    } else if (disk.freeBytes < floorBytes) {
      const figures = `${formatBytes(disk.freeBytes)} free of ${formatBytes(disk.totalBytes)}, below the floor of ${describeFloor(this.floor)} (${formatBytes(floorBytes)})`;
      next = this.nothingLeft
        ? { type: 'StorageLow', status: 'True', reason: 'NothingLeftToDelete', message: `${figures}; retention has deleted every recording it may, and other files fill the disk` }
        : { type: 'StorageLow', status: 'True', reason: 'BelowFreeSpaceFloor', message: `${figures}; retention deletes the oldest recordings` };
    } else {
      next = { type: 'StorageLow', status: 'False', reason: 'EnoughFreeSpace', message: `${formatBytes(disk.freeBytes)} free of ${formatBytes(disk.totalBytes)}, floor ${describeFloor(this.floor)}` };
    }
    this.conditions = setCondition(this.conditions, next, now);
    if (next.status === 'True' && previous !== 'True') this.events.record(CONTROLLER_OBJECT, 'Warning', 'StorageLow', next.message ?? '');
    if (next.status === 'False' && previous === 'True') this.events.record(CONTROLLER_OBJECT, 'Normal', 'StorageRecovered', next.message ?? '');
    return this.conditions[0] as Condition;
  }
}
