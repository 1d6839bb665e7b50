// stopFfmpeg against real ffmpeg processes.
import { spawn } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnTiedToParent, stopFfmpeg } from './child-process.js';

const run = promisify(execFile);
let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'camlet-stop-ffmpeg-'));
});
afterAll(() => rm(folder, { recursive: true, force: true }));

describe('stopFfmpeg', () => {
  it('asks with q on stdin: ffmpeg finishes its file (a playable MP4) and exits 0, without a signal', async () => {
    const output = join(folder, 'live.mp4');
    // A live source (-re) writing an MP4, whose index (moov) is only written when ffmpeg finishes.
    const ffmpeg = spawnTiedToParent('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10', '-c:v', 'libx264', '-preset', 'ultrafast', '-y', output], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    await sleep(1500);
    const startedStopping = Date.now();
    await stopFfmpeg(ffmpeg, 10_000);
    // A SIGINT would have come after 5 s, and ended ffmpeg with code 255.
    expect(Date.now() - startedStopping).toBeLessThan(5000);
    expect({ code: ffmpeg.exitCode, signal: ffmpeg.signalCode }).toEqual({ code: 0, signal: null });
    const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', output]);
    expect(Number(stdout)).toBeGreaterThan(0.5);
  });

  it('falls back to signals when ffmpeg does not read its stdin', async () => {
    // stdin ignored: the q never reaches it; SIGINT after half the grace period does.
    const ffmpeg = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10', '-f', 'null', '-'], { stdio: ['ignore', 'ignore', 'ignore'] });
    await sleep(500);
    const startedStopping = Date.now();
    await stopFfmpeg(ffmpeg, 1000);
    const took = Date.now() - startedStopping;
    expect(took).toBeGreaterThanOrEqual(450);
    expect(took).toBeLessThan(1500);
    expect(ffmpeg.exitCode ?? ffmpeg.signalCode).not.toBeNull();
  });

  it('returns at once for an ffmpeg that has already exited', async () => {
    const ffmpeg = spawn('ffmpeg', ['-hide_banner', '-version'], { stdio: ['pipe', 'ignore', 'ignore'] });
    await new Promise((resolve) => ffmpeg.once('exit', resolve));
    await stopFfmpeg(ffmpeg, 1000);
    expect(ffmpeg.exitCode).toBe(0);
  });
});
