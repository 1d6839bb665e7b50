import { describe, expect, it } from 'vitest';
import { setCondition, type Condition } from './conditions.js';

const t0 = new Date('2025-03-01T10:00:00.000Z');
const t1 = new Date('2025-03-01T10:05:00.000Z');
const t2 = new Date('2025-03-01T10:09:30.250Z');

describe('setCondition', () => {
  it('appends a new condition with lastTransitionTime now', () => {
    const conditions = setCondition([], { type: 'Ready', status: 'False', reason: 'Starting', message: 'worker starting' }, t0);
    expect(conditions).toEqual([
      { type: 'Ready', status: 'False', reason: 'Starting', message: 'worker starting', lastTransitionTime: '2025-03-01T10:00:00.000Z' },
    ]);
  });

  it('keeps lastTransitionTime while the status holds, and updates reason and message', () => {
    const first = setCondition([], { type: 'Ready', status: 'False', reason: 'Starting', message: 'a' }, t0);
    const second = setCondition(first, { type: 'Ready', status: 'False', reason: 'StreamStalled', message: 'b' }, t1);
    expect(second).toEqual([
      { type: 'Ready', status: 'False', reason: 'StreamStalled', message: 'b', lastTransitionTime: '2025-03-01T10:00:00.000Z' },
    ]);
  });

  it('moves lastTransitionTime when the status changes, each time it changes', () => {
    let conditions = setCondition([], { type: 'Ready', status: 'False' }, t0);
    conditions = setCondition(conditions, { type: 'Ready', status: 'True' }, t1);
    expect(conditions[0]?.lastTransitionTime).toBe('2025-03-01T10:05:00.000Z');
    conditions = setCondition(conditions, { type: 'Ready', status: 'Unknown' }, t2);
    expect(conditions[0]).toEqual({ type: 'Ready', status: 'Unknown', lastTransitionTime: '2025-03-01T10:09:30.250Z' });
  });

  it('drops a reason or message the update no longer carries', () => {
    const first = setCondition([], { type: 'Recording', status: 'True', reason: 'Motion', message: 'since 10:00' }, t0);
    expect(setCondition(first, { type: 'Recording', status: 'True' }, t1)).toEqual([
      { type: 'Recording', status: 'True', lastTransitionTime: '2025-03-01T10:00:00.000Z' },
    ]);
  });

  it('keeps the order of the other conditions and replaces the one in place', () => {
    let conditions: Condition[] = [];
    for (const type of ['ManifestValid', 'Ready', 'StreamConnected', 'Recording']) {
      conditions = setCondition(conditions, { type, status: 'False' }, t0);
    }
    conditions = setCondition(conditions, { type: 'StreamConnected', status: 'True' }, t1);
    expect(conditions.map((c) => `${c.type}=${c.status}@${c.lastTransitionTime}`)).toEqual([
      'ManifestValid=False@2025-03-01T10:00:00.000Z',
      'Ready=False@2025-03-01T10:00:00.000Z',
      'StreamConnected=True@2025-03-01T10:05:00.000Z',
      'Recording=False@2025-03-01T10:00:00.000Z',
    ]);
  });

  it('returns a new list and leaves the one given untouched', () => {
    const given: Condition[] = [{ type: 'Ready', status: 'False', reason: 'Starting', lastTransitionTime: t0.toISOString() }];
    const snapshot = structuredClone(given);
    const result = setCondition(given, { type: 'Ready', status: 'True', reason: 'Running' }, t1);
    expect(result).not.toBe(given);
    expect(given).toEqual(snapshot);
    expect(result[0]).not.toBe(given[0]);
    const appended = setCondition(given, { type: 'Recording', status: 'False' }, t1);
    expect(appended).not.toBe(given);
    expect(given).toHaveLength(1);
    expect(appended).toHaveLength(2);
    // An untouched condition is carried over as it was.
    expect(appended[0]).toBe(given[0]);
  });

  it('ignores a lastTransitionTime passed in the update (it is computed)', () => {
    const update = { type: 'Ready', status: 'True' as const, lastTransitionTime: '1999-01-01T00:00:00.000Z' };
    expect(setCondition([], update, t0)[0]?.lastTransitionTime).toBe('2025-03-01T10:00:00.000Z');
  });
});
