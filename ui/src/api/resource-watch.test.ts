import { describe, expect, it } from 'vitest';
import { ResourceWatch } from './resource-watch';

interface Thing {
  metadata: { name: string; resourceVersion?: string };
  value: number;
}
const thing = (name: string, rv: number, value = 0): Thing => ({ metadata: { name, resourceVersion: String(rv) }, value });
const lines = (...events: unknown[]) => new Response(events.map((e) => `${JSON.stringify(e)}\n`).join(''));

describe('ResourceWatch', () => {
  it('lists, watches from the list version, watches again from the last version seen, and lists again when that is too old', async () => {
    const asked: string[] = [];
    const replies: (() => Response)[] = [
      () => Response.json({ metadata: { resourceVersion: '5' }, items: [thing('a', 4), thing('b', 5)] }),
      () => lines({ type: 'MODIFIED', object: thing('a', 6, 1) }, { type: 'DELETED', object: thing('b', 7) }),
      () => new Response('{"kind":"Status"}', { status: 410 }),
      () => Response.json({ metadata: { resourceVersion: '20' }, items: [thing('c', 20)] }),
      () => lines({ type: 'ADDED', object: thing('d', 21) }),
    ];
    let release: () => void = () => {};
    const finished = new Promise<void>((resolve) => (release = resolve));
    const fakeFetch = ((url: string) => {
      asked.push(url);
      const reply = replies.shift();
      if (!reply) {
        release();
        return new Promise(() => {});
      }
      return Promise.resolve(reply());
    }) as typeof fetch;
    const watch = new ResourceWatch<Thing>('/things', { fetch: fakeFetch, retryMs: [1, 1] });
    const changes: string[] = [];
    watch.subscribe((change) => change && changes.push(`${change.type} ${change.object.metadata.name}`));
    watch.start();
    await finished;
    watch.stop();
    expect(asked).toEqual([
      '/things',
      '/things?watch=true&resourceVersion=5',
      '/things?watch=true&resourceVersion=7',
      '/things',
      '/things?watch=true&resourceVersion=20',
      '/things?watch=true&resourceVersion=21',
    ]);
    expect(changes).toEqual(['MODIFIED a', 'DELETED b', 'ADDED d']);
    expect([...watch.objects.keys()].sort()).toEqual(['c', 'd']);
    expect(watch.connection).toBe('live');
  });
});
