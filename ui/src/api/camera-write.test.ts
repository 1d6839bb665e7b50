import { describe, expect, it } from 'vitest';
import { putCamera } from './camera-write';

const camera = { metadata: { name: 'front door' } };

describe('putCamera', () => {
  it('PUTs the camera as JSON and gives back what the write did', async () => {
    const sent: { url: string; init?: RequestInit }[] = [];
    const outcome = await putCamera(camera, (url, init) => {
      sent.push({ url: url as string, init });
      return Promise.resolve(new Response(JSON.stringify({ kind: 'Camera', metadata: { name: 'front door', generation: 2 } }), { headers: { 'Camlet-Apply-Result': 'configured' } }));
    });
    expect(sent).toEqual([{ url: '/apis/camlet.dev/v1/cameras/front%20door', init: { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(camera) } }]);
    expect(outcome).toEqual({ ok: true, result: 'configured', camera: { kind: 'Camera', metadata: { name: 'front door', generation: 2 } } });
  });

  it("gives the API's Status when it refuses", async () => {
    const status = { kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422, message: 'invalid', details: { causes: [{ field: 'spec.motion.fps', message: 'must be <= 30' }] } };
    const outcome = await putCamera(camera, () => Promise.resolve(new Response(JSON.stringify(status), { status: 422 })));
    expect(outcome).toEqual({ ok: false, status });
  });

  it('says what went wrong when the controller cannot be reached or answers no Status', async () => {
    expect(await putCamera(camera, () => Promise.reject(new TypeError('Failed to fetch')))).toMatchObject({ ok: false, status: { message: 'the controller could not be reached: Failed to fetch' } });
    expect(await putCamera(camera, () => Promise.resolve(new Response('<html>', { status: 502 })))).toMatchObject({ ok: false, status: { message: 'the controller answered HTTP 502', code: 502 } });
  });
});
