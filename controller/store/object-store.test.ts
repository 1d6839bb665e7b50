import { describe, expect, it } from 'vitest';
import { ObjectStore, ResourceVersionTooOld, Revision, type WatchEvent } from './object-store.js';

interface Thing {
  metadata: { name: string; resourceVersion?: string };
  value: number;
}

const thing = (name: string, value = 0): Thing => ({ metadata: { name }, value });

/** A watch that records what it receives as `TYPE name@resourceVersion=value`. */
function record(store: ObjectStore<Thing>, resourceVersion?: number) {
  const seen: WatchEvent<Thing>[] = [];
  const stop = store.watch(resourceVersion, (event) => seen.push(event));
  const lines = () => seen.map((e) => `${e.type} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}=${e.object.value}`);
  return { seen, stop, lines };
}

describe('Revision', () => {
  it('counts up from 0, one step per next()', () => {
    const revision = new Revision();
    expect(revision.current).toBe(0);
    expect([revision.next(), revision.next(), revision.next()]).toEqual([1, 2, 3]);
    expect(revision.current).toBe(3);
  });
});

describe('ObjectStore', () => {
  it('stamps every put with the next resourceVersion of the shared revision, across stores', () => {
    const revision = new Revision();
    const cameras = new ObjectStore<Thing>(revision);
    const events = new ObjectStore<Thing>(revision);
    expect(cameras.put(thing('a')).metadata.resourceVersion).toBe('1');
    expect(events.put(thing('e')).metadata.resourceVersion).toBe('2');
    expect(cameras.put(thing('a', 1)).metadata.resourceVersion).toBe('3');
    expect(cameras.get('a')).toEqual({ metadata: { name: 'a', resourceVersion: '3' }, value: 1 });
    expect(revision.current).toBe(3);
    // Both lists are consistent with the one global revision.
    expect(cameras.list().resourceVersion).toBe('3');
    expect(events.list().resourceVersion).toBe('3');
  });

  it('does not modify the object it is given', () => {
    const store = new ObjectStore<Thing>(new Revision());
    const original = thing('a', 7);
    const stored = store.put(original);
    expect(original).toEqual({ metadata: { name: 'a' }, value: 7 });
    expect(stored).not.toBe(original);
    expect(stored.metadata).not.toBe(original.metadata);
  });

  it('replaces a stamped resourceVersion that the caller passes in', () => {
    const store = new ObjectStore<Thing>(new Revision());
    store.put(thing('a'));
    const stale = { metadata: { name: 'a', resourceVersion: '99' }, value: 1 };
    expect(store.put(stale).metadata.resourceVersion).toBe('2');
  });

  it('lists every object sorted by name, whatever the insertion order', () => {
    const store = new ObjectStore<Thing>(new Revision());
    for (const name of ['cam-b', 'cam-10', 'a', 'cam-2', 'B']) store.put(thing(name));
    const { items, resourceVersion } = store.list();
    // Code-unit order, as a Kubernetes list by name (upper case sorts before lower case).
    expect(items.map((i) => i.metadata.name)).toEqual(['B', 'a', 'cam-10', 'cam-2', 'cam-b']);
    expect(resourceVersion).toBe('5');
    expect(store.size).toBe(5);
  });

  it('lists nothing, at the current revision, when empty', () => {
    const revision = new Revision();
    revision.next();
    const store = new ObjectStore<Thing>(revision);
    expect(store.list()).toEqual({ items: [], resourceVersion: '1' });
    expect(store.size).toBe(0);
    expect(store.get('x')).toBeUndefined();
  });

  it('tells ADDED from MODIFIED and carries the replaced version in previous', () => {
    const store = new ObjectStore<Thing>(new Revision());
    const watch = record(store);
    store.put(thing('a', 1));
    store.put(thing('a', 2));
    expect(watch.seen).toEqual([
      { type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '1' }, value: 1 } },
      {
        type: 'MODIFIED',
        object: { metadata: { name: 'a', resourceVersion: '2' }, value: 2 },
        previous: { metadata: { name: 'a', resourceVersion: '1' }, value: 1 },
      },
    ]);
    expect(watch.seen[0]).not.toHaveProperty('previous');
  });

  it('deletes with a new resourceVersion, the last state in the event and the removed version in previous', () => {
    const revision = new Revision();
    const store = new ObjectStore<Thing>(revision);
    store.put(thing('a', 5));
    const watch = record(store, 1);
    const deleted = store.delete('a');
    expect(deleted).toEqual({ metadata: { name: 'a', resourceVersion: '2' }, value: 5 });
    expect(store.get('a')).toBeUndefined();
    expect(store.size).toBe(0);
    expect(revision.current).toBe(2);
    expect(watch.seen).toEqual([
      {
        type: 'DELETED',
        object: { metadata: { name: 'a', resourceVersion: '2' }, value: 5 },
        previous: { metadata: { name: 'a', resourceVersion: '1' }, value: 5 },
      },
    ]);
  });

  it('deletes nothing, and spends no revision, for a name it does not hold', () => {
    const revision = new Revision();
    const store = new ObjectStore<Thing>(revision);
    store.put(thing('a'));
    const watch = record(store, 1);
    expect(store.delete('b')).toBeUndefined();
    expect(revision.current).toBe(1);
    expect(watch.seen).toEqual([]);
  });

  it('adds again after a delete: the name comes back as ADDED, not MODIFIED', () => {
    const store = new ObjectStore<Thing>(new Revision());
    const watch = record(store);
    store.put(thing('a', 1));
    store.delete('a');
    store.put(thing('a', 2));
    expect(watch.lines()).toEqual(['ADDED a@1=1', 'DELETED a@2=1', 'ADDED a@3=2']);
  });

  it('without a resourceVersion, sends every current object as ADDED (sorted by name), then each change', () => {
    const store = new ObjectStore<Thing>(new Revision());
    store.put(thing('b', 1));
    store.put(thing('a', 1));
    store.put(thing('b', 2)); // history holds 3 changes; the watch sees only today's state
    store.put(thing('c', 1));
    store.delete('c');
    const watch = record(store);
    expect(watch.lines()).toEqual(['ADDED a@2=1', 'ADDED b@3=2']);
    store.put(thing('a', 9));
    expect(watch.lines()).toEqual(['ADDED a@2=1', 'ADDED b@3=2', 'MODIFIED a@6=9']);
  });

  it('from a resourceVersion, replays every later change from the history, then follows live changes', () => {
    const store = new ObjectStore<Thing>(new Revision());
    store.put(thing('a', 1)); // 1
    store.put(thing('b', 1)); // 2
    store.put(thing('a', 2)); // 3
    store.delete('b'); // 4
    const fromTwo = record(store, 2);
    expect(fromTwo.lines()).toEqual(['MODIFIED a@3=2', 'DELETED b@4=1']);
    const fromZero = record(store, 0);
    expect(fromZero.lines()).toEqual(['ADDED a@1=1', 'ADDED b@2=1', 'MODIFIED a@3=2', 'DELETED b@4=1']);
    const fromNow = record(store, 4);
    expect(fromNow.lines()).toEqual([]);
    store.put(thing('c', 1)); // 5
    expect(fromTwo.lines()).toEqual(['MODIFIED a@3=2', 'DELETED b@4=1', 'ADDED c@5=1']);
    expect(fromNow.lines()).toEqual(['ADDED c@5=1']);
    // The replayed MODIFIED keeps its previous version, as it had when first sent.
    expect(fromTwo.seen[0]?.previous?.metadata.resourceVersion).toBe('1');
  });

  it('replays only its own changes when other stores share the revision', () => {
    const revision = new Revision();
    const cameras = new ObjectStore<Thing>(revision);
    const events = new ObjectStore<Thing>(revision);
    cameras.put(thing('a')); // 1
    events.put(thing('e')); // 2
    cameras.put(thing('b')); // 3
    events.put(thing('f')); // 4
    expect(record(cameras, 2).lines()).toEqual(['ADDED b@3=0']);
    expect(record(cameras, 1).lines()).toEqual(['ADDED b@3=0']);
    expect(record(events, 2).lines()).toEqual(['ADDED f@4=0']);
  });

  it('refuses a resourceVersion older than its trimmed history with ResourceVersionTooOld', () => {
    const store = new ObjectStore<Thing>(new Revision(), 3);
    for (let value = 1; value <= 5; value++) store.put(thing('a', value)); // revisions 1..5; history keeps 3, 4, 5
    expect(() => store.watch(0, () => undefined)).toThrow(ResourceVersionTooOld);
    let error: unknown;
    try {
      store.watch(1, () => undefined);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ResourceVersionTooOld);
    expect(error).toMatchObject({ requested: 1, oldest: 2, message: 'too old resource version: 1 (2)' });
    // 2 is the newest change dropped: a watcher that saw it misses nothing.
    expect(record(store, 2).lines()).toEqual(['MODIFIED a@3=3', 'MODIFIED a@4=4', 'MODIFIED a@5=5']);
    expect(record(store, 4).lines()).toEqual(['MODIFIED a@5=5']);
    // A fresh list and watch (no resourceVersion) always works.
    expect(record(store).lines()).toEqual(['ADDED a@5=5']);
  });

  it('moves the too-old boundary forward as the history keeps being trimmed', () => {
    const store = new ObjectStore<Thing>(new Revision(), 2);
    store.put(thing('a', 1)); // 1
    store.put(thing('a', 2)); // 2
    expect(record(store, 0).lines()).toEqual(['ADDED a@1=1', 'MODIFIED a@2=2']);
    store.put(thing('a', 3)); // 3 — drops 1
    expect(() => store.watch(0, () => undefined)).toThrow(ResourceVersionTooOld);
    expect(record(store, 1).lines()).toEqual(['MODIFIED a@2=2', 'MODIFIED a@3=3']);
    store.delete('a'); // 4 — drops 2
    expect(() => store.watch(1, () => undefined)).toThrow(ResourceVersionTooOld);
    expect(record(store, 2).lines()).toEqual(['MODIFIED a@3=3', 'DELETED a@4=3']);
  });

  it('refuses a version from before it was created, when another store spent it', () => {
    const revision = new Revision();
    revision.next();
    revision.next();
    const store = new ObjectStore<Thing>(revision);
    expect(() => store.watch(1, () => undefined)).toThrow(ResourceVersionTooOld);
    expect(record(store, 2).lines()).toEqual([]);
  });

  it('does not register a listener whose watch was refused', () => {
    const store = new ObjectStore<Thing>(new Revision(), 1);
    store.put(thing('a', 1));
    store.put(thing('a', 2));
    const seen: WatchEvent<Thing>[] = [];
    expect(() => store.watch(0, (event) => seen.push(event))).toThrow(ResourceVersionTooOld);
    store.put(thing('a', 3));
    expect(seen).toEqual([]);
  });

  it('sends nothing more after unsubscribe, while other watches go on', () => {
    const store = new ObjectStore<Thing>(new Revision());
    const first = record(store);
    const second = record(store);
    store.put(thing('a', 1));
    first.stop();
    store.put(thing('a', 2));
    store.delete('a');
    expect(first.lines()).toEqual(['ADDED a@1=1']);
    expect(second.lines()).toEqual(['ADDED a@1=1', 'MODIFIED a@2=2', 'DELETED a@3=2']);
    first.stop(); // a second call is harmless
    second.stop();
    store.put(thing('b'));
    expect(second.seen).toHaveLength(3);
  });

  it('lets a listener end its own watch while an event is being delivered', () => {
    const store = new ObjectStore<Thing>(new Revision());
    const seen: string[] = [];
    const stop = store.watch(undefined, (event) => {
      seen.push(event.object.metadata.name);
      stop();
    });
    const other = record(store);
    store.put(thing('a'));
    store.put(thing('b'));
    expect(seen).toEqual(['a']);
    expect(other.lines()).toEqual(['ADDED a@1=0', 'ADDED b@2=0']);
  });
});
