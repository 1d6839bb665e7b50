// recordings/ID/content and recordings/ID/thumbnail against real MP4s made by ffmpeg in a real
// storage folder with a real index: ranges byte for byte, validators, a download that decodes,
// thumbnails made once, and no way to reach a file outside storage.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordingRelativePath } from '../../worker/recording/recording-path.js';
import { makeClip } from '../recordings/test-media.js';
import { seedRecording } from '../recordings/test-seed.js';
import type { Recording } from '../recordings/types.js';
import type { StatusObject } from './status-error.js';
import { startRecordingsApi, type RecordingsApi } from './test-recordings-api.js';

const T0 = Date.UTC(2025, 7, 1, 9, 0, 0);
const API = '/apis/camlet.dev/v1';

let media: string;
let clip: string;
let clipBytes: Buffer;
let h: RecordingsApi;
let recording: Recording;

beforeAll(async () => {
  media = await mkdtemp(join(tmpdir(), 'camlet-content-media-'));
  clip = join(media, 'clip.mp4');
  // 4 s at 10 fps, a keyframe every second: the picture moves (a clock), so frames differ.
  await makeClip(clip, 4, '640x360');
  clipBytes = await readFile(clip);
});
afterAll(() => rm(media, { recursive: true, force: true }));
beforeEach(async () => {
  h = await startRecordingsApi();
  recording = await seedRecording(h.index, h.storage, clip, 'porch', T0, { durationMs: 4000 });
});
afterEach(() => h.close());

const content = (id = recording.id, query = '') => `${API}/recordings/${id}/content${query}`;
const bytesOf = async (response: Response) => Buffer.from(await response.arrayBuffer());

describe('recordings/ID/content', () => {
  it('serves the whole MP4 with its validators', async () => {
    const response = await h.get(content());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('content-length')).toBe(String(clipBytes.length));
    expect(response.headers.get('etag')).toMatch(/^"[\w-]{22}"$/);
    expect(response.headers.get('content-disposition')).toBe(`inline; filename="porch-20250801T090000Z.mp4"`);
    expect(response.headers.get('last-modified')).toBeTruthy();
    expect((await bytesOf(response)).equals(clipBytes)).toBe(true);
  });

  it('serves byte ranges exactly, byte for byte against the file', async () => {
    const size = clipBytes.length;
    const cases: [string, number, number][] = [
      ['bytes=0-0', 0, 0],
      ['bytes=0-1023', 0, 1023],
      [`bytes=1000-${size - 1}`, 1000, size - 1],
      ['bytes=5000-', 5000, size - 1],
      ['bytes=-777', size - 777, size - 1],
      [`bytes=${size - 10}-${size + 5000}`, size - 10, size - 1],
      [`bytes=${Math.floor(size / 3)}-${Math.floor(size / 2)}`, Math.floor(size / 3), Math.floor(size / 2)],
    ];
    for (const [range, start, end] of cases) {
      const response = await h.get(content(), { Range: range });
      expect(response.status, range).toBe(206);
      expect(response.headers.get('content-range'), range).toBe(`bytes ${start}-${end}/${size}`);
      expect(response.headers.get('content-length'), range).toBe(String(end - start + 1));
      const body = await bytesOf(response);
      expect(body.equals(clipBytes.subarray(start, end + 1)), range).toBe(true);
    }
  });

  it('refuses ranges it cannot satisfy with 416 and the size, and answers several ranges whole', async () => {
    const size = clipBytes.length;
    for (const range of [`bytes=${size}-`, 'bytes=9-3', 'bytes=-0', 'bytes=abc', 'bytes=1-2-3']) {
      const response = await h.get(content(), { Range: range });
      expect(response.status, range).toBe(416);
      expect(response.headers.get('content-range'), range).toBe(`bytes */${size}`);
      expect(((await response.json()) as StatusObject).reason).toBe('RequestedRangeNotSatisfiable');
    }
    const several = await h.get(content(), { Range: 'bytes=0-1,10-20' });
    expect(several.status).toBe(200);
    expect((await bytesOf(several)).equals(clipBytes)).toBe(true);
  });

  it('answers 304 to If-None-Match with its ETag, and the whole file when If-Range names another', async () => {
    const etag = (await h.get(content())).headers.get('etag') as string;
    const again = await h.get(content(), { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect((await bytesOf(again)).length).toBe(0);
    expect((await h.get(content(), { 'If-None-Match': '"something-else"' })).status).toBe(200);
    expect((await h.get(content(), { 'If-None-Match': `"x", W/${etag}` })).status).toBe(304);
    expect((await h.get(content(), { 'If-Modified-Since': new Date(Date.now() + 60_000).toUTCString() })).status).toBe(304);
    const stale = await h.get(content(), { Range: 'bytes=0-9', 'If-Range': '"an-older-version"' });
    expect(stale.status).toBe(200);
    expect((await bytesOf(stale)).length).toBe(clipBytes.length);
    const fresh = await h.get(content(), { Range: 'bytes=0-9', 'If-Range': etag });
    expect(fresh.status).toBe(206);
  });

  it('answers HEAD with the headers and no body', async () => {
    const response = await fetch(`${h.base}${content()}`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(clipBytes.length));
    expect((await bytesOf(response)).length).toBe(0);
  });

  it('downloads as an attachment with ?download=1, and the file downloaded decodes in full', async () => {
    const response = await h.get(content(recording.id, '?download=1'));
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="porch-20250801T090000Z.mp4"');
    const downloaded = join(media, 'downloaded.mp4');
    await writeFile(downloaded, await bytesOf(response));
    const decode = spawnSync('ffmpeg', ['-v', 'error', '-i', downloaded, '-f', 'null', '-'], { encoding: 'utf8' });
    expect(decode.status).toBe(0);
    expect(decode.stderr).toBe('');
    const frames = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', downloaded], { encoding: 'utf8' });
    expect(Number(frames.stdout.trim())).toBe(40);
  });

  it('is 404 for an unknown id, a missing file or a recording being deleted, and 400 for a malformed id', async () => {
    expect((await h.get(content('no-such-recording'))).status).toBe(404);
    const other = await seedRecording(h.index, h.storage, clip, 'gate', T0 + 60_000);
    await unlink(join(h.storage, other.path));
    const missing = await h.get(content(other.id));
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as StatusObject).message).toBe(`recording ${other.id} cannot be served: its file is not in storage`);
    h.index.markDeleting(recording.id);
    expect(((await (await h.get(content())).json()) as StatusObject).message).toBe(`recording ${recording.id} cannot be served: it is deleting`);
    for (const id of ['a%20b', '.hidden', 'x'.repeat(129), '%00', 'a%2Fb']) expect((await h.get(content(id))).status, id).toBe(400);
  });
});

/** A request with the path sent as written (fetch would normalise the dots away). */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('traversal', () => {
  const secret = 'root:x:0:0:camlet-secret-marker';
  let outside: string;
  beforeEach(async () => {
    outside = await mkdtemp(join(tmpdir(), 'camlet-outside-'));
    await writeFile(join(outside, 'passwd'), secret);
  });
  afterEach(() => rm(outside, { recursive: true, force: true }));

  it('never serves a path from the request: encoded and raw dot-segments are refused', async () => {
    for (const path of [
      `${API}/recordings/..%2F..%2F..%2Fetc%2Fpasswd/content`,
      `${API}/recordings/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd/content`,
      `${API}/recordings/..%5C..%5Cwindows/content`,
      `${API}/recordings/../../../../etc/passwd`,
      `${API}/recordings/${recording.id}/../../../../etc/passwd`,
      `${API}/recordings/${recording.id}/content/..%2F..%2Fcamlet.db`,
      `${API}/recordings/${recording.id}%2F..%2F..%2Fcamlet.db/content`,
      `${API}/recordings/%2Fetc%2Fpasswd/content`,
      `${API}/recordings/%2e%2e/content`,
      `${API}/recordings/%2e%2e/%2e%2e/camlet.db`,
    ]) {
      const { status, body } = await rawGet(h.base, path);
      expect([400, 404], path).toContain(status);
      expect(body, path).not.toContain('root:');
      expect(body, path).not.toContain('SQLite');
    }
  });

  it('does not follow a link out of storage, whether the file or a folder above it was swapped', async () => {
    // The recording's file replaced by a link to a file outside storage.
    await unlink(join(h.storage, recording.path));
    await symlink(join(outside, 'passwd'), join(h.storage, recording.path));
    const response = await h.get(content());
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain(secret);
    // A camera's day folder replaced by a link to a folder outside storage holding a "recording".
    const other = await seedRecording(h.index, h.storage, clip, 'gate', T0);
    const day = join(h.storage, 'gate', '2025-08-01');
    await rm(day, { recursive: true });
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, 'gate-20250801T090000Z.mp4'), secret);
    await symlink(outside, day);
    expect(recordingRelativePath('gate', T0)).toBe(other.path);
    const viaFolder = await h.get(content(other.id));
    expect(viaFolder.status).toBe(404);
    expect(await viaFolder.text()).not.toContain(secret);
    expect((await h.get(`${API}/recordings/${other.id}/thumbnail`)).status).toBe(404);
  });
});

describe('recordings/ID/thumbnail', () => {
  it('is a JPEG made by ffmpeg once (cold within 5 s), then served from the cache', async () => {
    const started = performance.now();
    const cold = await h.get(`${API}/recordings/${recording.id}/thumbnail`);
    const coldMs = performance.now() - started;
    expect(cold.status).toBe(200);
    expect(cold.headers.get('content-type')).toBe('image/jpeg');
    expect(cold.headers.get('x-thumbnail-cache')).toBe('miss');
    const jpeg = await bytesOf(cold);
    expect(jpeg.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))).toBe(true);
    expect(coldMs).toBeLessThan(5000);
    const file = join(h.storage, '.thumbnails', `${recording.id}.jpg`);
    expect((await stat(file)).size).toBe(jpeg.length);
    const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'csv=p=0', file], { encoding: 'utf8' });
    expect(probe.stdout.trim()).toBe('mjpeg,480,270');

    const cached = await h.get(`${API}/recordings/${recording.id}/thumbnail`);
    expect(cached.headers.get('x-thumbnail-cache')).toBe('hit');
    expect((await bytesOf(cached)).equals(jpeg)).toBe(true);
    expect((await h.get(`${API}/recordings/${recording.id}/thumbnail`, { 'If-None-Match': cached.headers.get('etag') as string })).status).toBe(304);
  });

  it('shows the first keyframe after the motion start, and is made once for requests that come together', async () => {
    // The same video, a motion 2.5 s in: its picture is the keyframe at 3 s, not the start.
    const withMotion = await seedRecording(h.index, h.storage, clip, 'gate', T0, { durationMs: 4000 });
    h.index.startMotion({ camera: 'gate', startMs: T0 + 2500, score: 0.2, boxes: [] });
    h.index.endMotion({ camera: 'gate', startMs: T0 + 2500, endMs: T0 + 3000, peakScore: 0.3 });
    // Linked as a worker's report would link it: the recording committed after the motion.
    h.index.removeRecording(withMotion.id);
    await seedRecording(h.index, h.storage, clip, 'gate', T0, { id: withMotion.id, durationMs: 4000 });
    expect(h.index.motionEventsOf(withMotion.id)).toHaveLength(1);

    const responses = await Promise.all([1, 2, 3].map(() => h.get(`${API}/recordings/${withMotion.id}/thumbnail`)));
    const pictures = await Promise.all(responses.map(bytesOf));
    expect(new Set(responses.map((r) => r.headers.get('x-thumbnail-cache')))).toEqual(new Set(['miss']));
    expect(pictures.every((p) => p.equals(pictures[0] as Buffer))).toBe(true);
    const atStart = await bytesOf(await h.get(`${API}/recordings/${recording.id}/thumbnail`));
    expect((pictures[0] as Buffer).equals(atStart)).toBe(false);
    // The keyframe at 3 s, extracted by ffmpeg directly, is the same picture.
    const expected = join(media, 'expected.jpg');
    spawnSync('ffmpeg', ['-v', 'error', '-y', '-ss', '3', '-i', clip, '-frames:v', '1', '-vf', "scale='min(480,iw)':-2", '-q:v', '4', '-f', 'mjpeg', expected]);
    expect((pictures[0] as Buffer).equals(await readFile(expected))).toBe(true);
  });
});
