import { describe, expect, it } from 'vitest';
import { CameraLog, KEPT_LINES } from './camera-log';

/** A streamed response whose chunks the test pushes, as the controller's follow sends lines. */
function streamed() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  const encoder = new TextEncoder();
  return {
    response: new Response(body, { status: 200, headers: { 'content-type': 'text/plain' } }),
    send: (text: string) => controller.enqueue(encoder.encode(text)),
    end: () => controller.close(),
  };
}

const line = (msg: string, level = 'info') => `${JSON.stringify({ level, time: '2026-11-23T18:00:00.000Z', msg })}\n`;
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('CameraLog', () => {
  it('reads the tail, then follows the lines as they come, whatever the chunking', async () => {
    const stream = streamed();
    const urls: string[] = [];
    const log = new CameraLog('front door', { fetch: (url) => (urls.push(url as string), Promise.resolve(stream.response)) });
    log.load(true);
    stream.send(line('one') + line('tw').slice(0, 10));
    await settle();
    expect(urls).toEqual(['/apis/camlet.dev/v1/cameras/front%20door/log?tailLines=1000&follow=true']);
    expect(log.state).toBe('following');
    expect(log.entries.map((e) => e.message)).toEqual(['one']);
    stream.send(line('tw').slice(10) + line('three', 'error'));
    await settle();
    expect(log.entries.map((e) => [e.message, e.level])).toEqual([['one', 'info'], ['tw', 'info'], ['three', 'error']]);
    log.stop();
    expect(log.state).toBe('paused');
    expect(log.entries).toHaveLength(3);
  });

  it('loads the tail alone when not following', async () => {
    const log = new CameraLog('porch', { fetch: () => Promise.resolve(new Response(line('a') + line('b'))) });
    log.load(false);
    await settle();
    expect(log.state).toBe('paused');
    expect(log.entries.map((e) => e.message)).toEqual(['a', 'b']);
  });

  it('keeps the newest lines only', async () => {
    const log = new CameraLog('porch', { fetch: () => Promise.resolve(new Response(Array.from({ length: KEPT_LINES + 10 }, (_, i) => line(`n${i}`)).join(''))) });
    log.load(false);
    await settle();
    expect(log.entries).toHaveLength(KEPT_LINES);
    expect(log.entries[0]?.message).toBe('n10');
  });

  it("says what the API said when it refuses, and asks no more", async () => {
    let calls = 0;
    const refusal = { kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404, message: 'cameras.camlet.dev "gone" not found' };
    const log = new CameraLog('gone', { fetch: () => (calls++, Promise.resolve(new Response(JSON.stringify(refusal), { status: 404 }))), retryMs: 1 });
    log.load(true);
    await settle();
    expect(log.state).toBe('failed');
    expect(log.problem).toBe('cameras.camlet.dev "gone" not found');
    await settle();
    expect(calls).toBe(1);
  });

  it('follows again with a fresh tail when the stream ends by itself', async () => {
    const first = streamed();
    const second = streamed();
    const responses = [first.response, second.response];
    const log = new CameraLog('porch', { fetch: () => Promise.resolve(responses.shift() as Response), retryMs: 1 });
    log.load(true);
    first.send(line('before'));
    await settle();
    first.end();
    await settle();
    second.send(line('after'));
    await settle();
    expect(log.state).toBe('following');
    expect(log.entries.map((e) => e.message)).toEqual(['after']);
    log.stop();
  });
});
