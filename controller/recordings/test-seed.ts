// Puts real recordings into a storage folder for tests: an MP4 made by ffmpeg (test-media.ts)
// copied to where a worker would write it, and its row, with the file's true size.
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { recordingRelativePath } from '../../worker/recording/recording-path.js';
import type { RecordingsIndex } from './recordings-index.js';
import type { Recording, RecordingTrigger } from './types.js';

export interface SeedOptions {
  id?: string;
  durationMs?: number;
  trigger?: RecordingTrigger;
  /** A second recording starting in the same second. */
  attempt?: number;
}

export async function seedRecording(index: RecordingsIndex, storage: string, clip: string, camera: string, startMs: number, options: SeedOptions = {}): Promise<Recording> {
  const path = recordingRelativePath(camera, startMs, options.attempt ?? 0);
  await mkdir(dirname(join(storage, path)), { recursive: true });
  await copyFile(clip, join(storage, path));
  const { size } = await stat(join(storage, path));
  const durationMs = options.durationMs ?? 2000;
  const id = options.id ?? `${camera}-${startMs}${options.attempt ? `-${options.attempt}` : ''}`;
  index.insertRecording({ id, camera, path, startMs, endMs: startMs + durationMs, durationSeconds: durationMs / 1000, bytes: size, codec: 'h264', width: 320, height: 180, trigger: options.trigger ?? 'motion' });
  const recording = index.getRecording(id);
  if (!recording) throw new Error(`seeding ${id}: no row after the insert`);
  return recording;
}
