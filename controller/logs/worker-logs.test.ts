import { describe, expect, it } from 'vitest';
import { systemClock } from '../../lib/clock.js';
import { readManifestFile } from '../manifests/camera-document.js';
import { CameraStore } from '../store/camera-store.js';
import { Revision } from '../store/object-store.js';
import { WorkerLogs } from './worker-logs.js';

function storeWith(...names: string[]): CameraStore {
  const store = new CameraStore(new Revision(), systemClock);
  for (const name of names) {
    const document = readManifestFile(`${name}.yaml`, `apiVersion: camlet.dev/v1\nkind: Camera\nmetadata: {name: ${name}}\nspec: {streams: {main: {url: "rtsp://h/x"}}}\n`).documents[0];
    if (document?.valid) store.applyValid(document.camera);
  }
  return store;
}

const line = (camera: string, msg: string, extra: Record<string, unknown> = {}) => ({ level: 'info', msg, camera, ...extra });

describe('WorkerLogs', () => {
  it('keeps the newest lines of each camera, oldest first, up to its capacity', () => {
    const store = storeWith('door', 'yard');
    const logs = new WorkerLogs(store.objects, 3);
    for (let i = 1; i <= 5; i++) logs.append(line('door', `m${i}`, { time: `t${i}` }));
    logs.append(line('yard', 'y1', { time: 't' }));
    expect(logs.lines('door').map((text) => (JSON.parse(text) as { msg: string }).msg)).toEqual(['m3', 'm4', 'm5']);
    expect(logs.lines('door', { tailLines: 2 }).map((text) => (JSON.parse(text) as { msg: string }).msg)).toEqual(['m4', 'm5']);
    expect(logs.lines('door', { tailLines: 0 })).toEqual([]);
    expect(logs.lines('yard')).toEqual(['{"level":"info","msg":"y1","camera":"yard","time":"t"}']);
  });

  it('stamps a line without a time with the time it came, and filters on it', () => {
    let now = Date.parse('2024-05-01T10:00:00Z');
    const logs = new WorkerLogs(storeWith('door').objects, 10, () => now);
    logs.append(line('door', 'old'));
    now += 60_000;
    logs.append(line('door', 'new'));
    expect(JSON.parse(logs.lines('door')[0] as string)).toEqual({ level: 'info', msg: 'old', camera: 'door', time: '2024-05-01T10:00:00.000Z' });
    expect(logs.lines('door', { since: now - 1000 }).length).toBe(1);
  });

  it('cuts a runaway line, keeping it one JSON object', () => {
    const logs = new WorkerLogs(storeWith('door').objects);
    logs.append(line('door', 'x'.repeat(100_000), { time: 't' }));
    const kept = logs.lines('door')[0] as string;
    expect(kept.length).toBeLessThan(10_000);
    expect(JSON.parse(kept)).toMatchObject({ truncated: true, camera: 'door' });
  });

  it('sends new lines to followers, drops lines of unknown cameras, and forgets a deleted camera', () => {
    const store = storeWith('door');
    const logs = new WorkerLogs(store.objects);
    const seen: string[] = [];
    let ended = false;
    const stop = logs.follow('door', (text) => seen.push(text), () => (ended = true));
    logs.append(line('door', 'a', { time: 't' }));
    logs.append(line('ghost', 'b', { time: 't' }));
    expect(seen).toHaveLength(1);
    expect(logs.lines('ghost')).toEqual([]);
    store.remove('door');
    expect(ended).toBe(true);
    expect(logs.lines('door')).toEqual([]);
    stop();
  });
});
