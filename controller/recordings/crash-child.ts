// A process for crash.test.ts to SIGKILL: it writes recordings (a file put in place the way
// worker/recording/assemble.ts does, then the row through the controller's index sink) or
// deletes them (the deletion helper), and prints each step as it is done, so that the test can
// kill it at a known point, or at a random one.
//
//   record <storage> <clip> <camera> <first> <count> [pause]   files then rows; `pause`: stop after the first file is linked
//   delete <storage> <pauseAt|-> <id>...                        deletions; pauseAt: marked | unlinked
import { writeSync } from 'node:fs';
import { copyFile, link, mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createLogger } from '../../lib/logger.js';
import { fsyncPath } from './fsync-path.js';
import { probeRecording } from './probe-recording.js';
import { recordingRelativePath } from '../../worker/recording/recording-path.js';
import { spoolFolder } from '../../worker/recording/spool.js';
import { PROTOCOL_VERSION } from '../../worker/protocol.js';
import { CRASH_BASE_MS, crashRecordingId } from './crash-plan.js';
import { deleteRecording } from './delete-recording.js';
import { IndexSink } from './index-sink.js';
import { RecordingsIndex } from './recordings-index.js';

/** Written straight to the pipe (synchronous), so that the parent has it before the pause. */
function say(line: string): void {
  writeSync(1, `${line}\n`);
}

/**
 * The worker's half, in assemble.ts's order: the MP4 written aside in the spool, checked with
 * ffprobe, synced, linked under its name (never overwriting), its folders synced, the work file
 * removed. (Not assemble.ts itself: its ffmpeg options belong to the worker and change with it;
 * what matters here is the order of the file operations.)
 */
async function placeRecording(clip: string, workFile: string, destination: string) {
  await copyFile(clip, workFile);
  const probe = await probeRecording(workFile);
  if (!probe.playable) throw new Error(`${clip}: ${probe.reason}`);
  await fsyncPath(workFile);
  await mkdir(dirname(destination), { recursive: true });
  await link(workFile, destination);
  await fsyncPath(dirname(destination));
  await fsyncPath(dirname(dirname(destination)));
  await rm(workFile);
  const { size } = await stat(destination);
  return { bytes: size, durationSeconds: probe.durationSeconds, codec: probe.codec, width: probe.width, height: probe.height };
}

/** Freezes the process where it is, event loop and all, until it is killed. */
function freeze(): never {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  throw new Error('unreachable');
}

async function record(storage: string, clip: string, camera: string, first: number, count: number, pause: boolean): Promise<void> {
  const index = RecordingsIndex.open(storage);
  const sink = new IndexSink(index, createLogger('crash-child', 'silent'), () => say('index-write-failed'));
  const spool = spoolFolder(storage, camera);
  await mkdir(spool, { recursive: true });
  for (let n = first; n < first + count; n++) {
    const id = crashRecordingId(n);
    const startMs = CRASH_BASE_MS + n * 60_000;
    const path = recordingRelativePath(camera, startMs);
    const made = await placeRecording(clip, join(spool, `${id}.mp4`), join(storage, path));
    say(`linked ${n}`);
    if (pause) freeze();
    // The controller's half, as it receives the worker's report.
    sink.recording(camera, { v: PROTOCOL_VERSION, type: 'recordingFinished', id, trigger: 'motion', path, startMs, endMs: startMs + Math.round(made.durationSeconds * 1000), ...made });
    say(`committed ${n}`);
  }
  index.close();
  say('done');
}

async function remove(storage: string, pauseAt: string, ids: string[]): Promise<void> {
  const index = RecordingsIndex.open(storage);
  for (const id of ids) {
    await deleteRecording(index, storage, id, (step) => {
      say(`${step} ${id}`);
      if (step === pauseAt) freeze();
    });
  }
  index.close();
  say('done');
}

const [command, storage, ...rest] = process.argv.slice(2);
if (!storage) throw new Error('usage: crash-child.ts record|delete <storage> ...');
if (command === 'record') {
  const [clip, camera, first, count, pause] = rest;
  if (!clip || !camera) throw new Error('usage: crash-child.ts record <storage> <clip> <camera> <first> <count> [pause]');
  await record(storage, clip, camera, Number(first), Number(count), pause === 'pause');
} else if (command === 'delete') {
  const [pauseAt = '-', ...ids] = rest;
  await remove(storage, pauseAt, ids);
} else {
  throw new Error(`crash-child.ts: unknown command ${JSON.stringify(command)}`);
}
