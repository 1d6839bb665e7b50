import { describe, expect, it } from 'vitest';
import { KindStore, type Named } from './kind-store';
import { MultiWatch } from './multi-watch';

interface Thing extends Named {
  kind: string;
}
const thing = (kind: string, name: string, rv: number): Thing => ({ kind, metadata: { name, resourceVersion: String(rv) } });
const line = (type: string, object: unknown) => `${JSON.stringify({ type, object })}\n`;
const bookmark = (rv: number, initialEnd = false) =>
  line('BOOKMARK', { kind: 'Bookmark', metadata: { resourceVersion: String(rv), ...(initialEnd ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}) } });

/** A streamed response the test writes to line by line; aborting the request errors it, as fetch does. */
function streamed(signal: AbortSignal) {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => (controller = c) });
  signal.addEventListener('abort', () => controller.error(signal.reason));
  return {
    response: new Response(body),
    write: (text: string) => controller.enqueue(new TextEncoder().encode(text)),
    end: () => controller.close(),
  };
}

type Stream = ReturnType<typeof streamed>;

/** A fetch whose replies the test gives in turn, noting every URL asked; past the last, requests hang. */
function scriptedFetch(replies: ((stream: Stream) => Response | void)[]) {
  const asked: string[] = [];
  const fake = ((url: string, init: RequestInit) => {
    asked.push(url);
    const stream = streamed(init.signal as AbortSignal);
    const reply = replies.shift();
    return Promise.resolve(reply?.(stream) ?? stream.response);
  }) as typeof fetch;
  return { asked, fetch: fake };
}

async function until(test: () => boolean): Promise<void> {
  for (let waited = 0; !test(); waited += 5) {
    if (waited > 2_000) throw new Error('not in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function stores() {
  return { cameras: new KindStore<Thing>('Camera'), events: new KindStore<Thing>('Event'), recordings: new KindStore<Thing>('Recording') };
}
const names = (store: KindStore<Thing>) => [...store.objects.keys()].sort();
const BASE = '/watch?kinds=cameras%2Cevents%2Crecordings&bookmarkSeconds=10';

describe('MultiWatch', () => {
  it('takes the initial objects whole at their bookmark, applies changes, resumes from the last version, and starts afresh on 410', async () => {
    const kinds = stores();
    let first!: Stream;
    let third!: Stream;
    const script = scriptedFetch([
      (s) => void (first = s),
      () => new Response('{"kind":"Status","code":410}', { status: 410 }),
      (s) => void (third = s),
    ]);
    const watch = new MultiWatch('/watch', kinds, { fetch: script.fetch, retryMs: [1, 1] });
    const heard: string[] = [];
    kinds.cameras.subscribe((change) => heard.push(change ? `${change.type} ${change.object.metadata.name}` : 'set'));
    watch.start();
    await until(() => first !== undefined);
    first.write(line('ADDED', thing('Camera', 'door', 3)) + line('ADDED', thing('Event', 'door.1', 2)) + line('ADDED', thing('Recording', 'r1', 1)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Nothing shown before the set is whole.
    expect(kinds.cameras.objects.size).toBe(0);
    expect(kinds.cameras.connection).toBe('connecting');
    first.write(bookmark(5, true));
    await until(() => kinds.cameras.connection === 'live');
    expect([names(kinds.cameras), names(kinds.events), names(kinds.recordings)]).toEqual([['door'], ['door.1'], ['r1']]);

    first.write(line('MODIFIED', thing('Camera', 'door', 6)) + line('DELETED', thing('Event', 'door.1', 7)) + line('ADDED', thing('Pod', 'x', 8)) + line('ADDED', thing('Camera', 'gate', 9)));
    await until(() => kinds.cameras.objects.has('gate'));
    expect(names(kinds.events)).toEqual([]);
    first.end();
    // Resumed from 9, told 410 (a restarted controller), started afresh: what is gone goes.
    await until(() => third !== undefined);
    third.write(line('ADDED', thing('Camera', 'porch', 2)) + bookmark(2, true));
    await until(() => kinds.cameras.objects.has('porch'));
    watch.stop();
    expect(script.asked).toEqual([BASE, `${BASE}&resourceVersion=9`, BASE]);
    expect([names(kinds.cameras), names(kinds.events), names(kinds.recordings)]).toEqual([['porch'], [], []]);
    expect(heard).toEqual(['set', 'set', 'MODIFIED door', 'ADDED gate', 'set']);
  });

  it('counts a silent connection as dead, and a failing server as retrying, keeping the objects; resumes from the last bookmark', async () => {
    const kinds = stores();
    let resumed!: Stream;
    const script = scriptedFetch([
      (s) => s.write(line('ADDED', thing('Camera', 'door', 3)) + bookmark(4, true) + bookmark(11)),
      () => new Response('busy', { status: 503 }),
      (s) => void (resumed = s),
    ]);
    const watch = new MultiWatch('/watch', kinds, { fetch: script.fetch, retryMs: [1, 1], silenceMs: 60 });
    const connections: string[] = [];
    kinds.events.subscribe((change) => {
      if (!change && connections.at(-1) !== kinds.events.connection) connections.push(kinds.events.connection);
    });
    const warn = console.warn;
    console.warn = () => {};
    try {
      watch.start();
      await until(() => resumed !== undefined);
      await until(() => kinds.events.connection === 'live');
      // Live as long as bookmarks keep coming.
      for (let i = 12; i < 16; i++) {
        resumed.write(bookmark(i));
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      expect(kinds.cameras.connection).toBe('live');
      watch.stop();
    } finally {
      console.warn = warn;
    }
    expect(script.asked).toEqual([BASE, `${BASE}&resourceVersion=11`, `${BASE}&resourceVersion=11`]);
    expect(connections).toEqual(['connecting', 'live', 'retrying', 'live']);
    expect(names(kinds.cameras)).toEqual(['door']);
  });
});
