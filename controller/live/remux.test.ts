import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTiedToParent } from '../../lib/child-process.js';
import type { Fragment, TrackInfo } from './fmp4.js';
import { remuxArgs, startRemux } from './remux.js';

let folder: string;
let clip: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'camlet-remux-'));
  clip = join(folder, 'clip.mp4');
  await runTiedToParent('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=192x108:rate=10', '-t', '2', '-c:v', 'libx264', '-g', '10', '-pix_fmt', 'yuv420p', clip]);
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

function run(url: string, secrets: string[] = []): Promise<{ init?: TrackInfo; fragments: Fragment[]; reason: string }> {
  return new Promise((resolve) => {
    let init: TrackInfo | undefined;
    const fragments: Fragment[] = [];
    startRemux({ url, transport: 'tcp', secrets }, { init: (_bytes, track) => (init = track), fragment: (f) => fragments.push(f), exit: (reason) => resolve({ ...(init ? { init } : {}), fragments, reason }) }, { probe: 'thorough' });
  });
}

describe('startRemux', () => {
  it('copies the video, never re-encoded, into an init segment and fragments', async () => {
    const { init, fragments, reason } = await run(clip);
    expect(init).toMatchObject({ width: 192, height: 108, codec: expect.stringMatching(/^avc1\./) as unknown });
    // -fflags nobuffer drops what the probe read (for a live stream, old pictures): the first
    // second here; the output starts at the next keyframe.
    expect(fragments[0]?.keyframe).toBe(true);
    expect(fragments.length).toBeGreaterThanOrEqual(10);
    expect(fragments.filter((f) => !f.keyframe).length).toBeGreaterThanOrEqual(9);
    expect(reason).toBe('ffmpeg exited with code 0');
  });

  it('says why ffmpeg failed, passwords redacted', async () => {
    const { reason, init } = await run('rtsp://admin:hunter2@127.0.0.1:1/stream', ['hunter2']);
    expect(init).toBeUndefined();
    expect(reason).toMatch(/^ffmpeg exited with code \d+/);
    expect(reason).not.toContain('hunter2');
  });

  it('opens RTSP over the transport asked for, and copies only the video', () => {
    const args = remuxArgs({ url: 'rtsp://cam/x', transport: 'udp' }, 'fast');
    expect(args.join(' ')).toContain('-rtsp_transport udp');
    expect(args.join(' ')).toContain('-c copy -an');
    expect(args.join(' ')).toContain('-movflags frag_keyframe+empty_moov+default_base_moof');
    expect(remuxArgs({ url: '/tmp/file.mp4', transport: 'tcp' }, 'thorough')).not.toContain('-rtsp_transport');
  });
});
