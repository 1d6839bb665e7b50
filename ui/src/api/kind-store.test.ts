import { describe, expect, it } from 'vitest';
import { KindStore } from './kind-store';

const object = (name: string) => ({ metadata: { name } });

describe('KindStore', () => {
  it('keeps at most maxObjects, the longest held going first, and tells each change', () => {
    const store = new KindStore<{ metadata: { name: string } }>('Recording', 2);
    const heard: (string | undefined)[] = [];
    store.subscribe((change) => heard.push(change?.object.metadata.name));
    for (const name of ['a', 'b', 'c']) store.apply({ type: 'ADDED', object: object(name) });
    expect([...store.objects.keys()]).toEqual(['b', 'c']);
    store.apply({ type: 'DELETED', object: object('b') });
    store.apply({ type: 'ADDED', object: object('d') });
    expect([...store.objects.keys()]).toEqual(['c', 'd']);
    expect(heard).toEqual(['a', 'b', 'c', 'b', 'd']);
  });
});
