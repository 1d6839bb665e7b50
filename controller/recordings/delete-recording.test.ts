// The deletion order on a real file and a real SQLite index, watched from a second connection:
// each step is committed before the next begins.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordingRelativePath } from '../../worker/recording/recording-path.js';
import { deleteRecording, type DeletionStep } from './delete-recording.js';
import { RecordingsIndex } from './recordings-index.js';
import { makeClip } from './test-media.js';

const T0 = Date.UTC(2025, 2, 3, 4, 5, 6);
let media: string;
let clip: string;
let storage: string;
let index: RecordingsIndex;
let observer: RecordingsIndex;

beforeAll(async () => {
  media = await mkdtemp(join(tmpdir(), 'camlet-delete-media-'));
  clip = join(media, 'clip.mp4');
  await makeClip(clip, 1);
});
afterAll(() => rm(media, { recursive: true, force: true }));
beforeEach(async () => {
  storage = await mkdtemp(join(tmpdir(), 'camlet-delete-'));
  index = RecordingsIndex.open(storage);
  observer = RecordingsIndex.open(storage);
});
afterEach(async () => {
  index.close();
  observer.close();
  await rm(storage, { recursive: true, force: true });
});

async function seed(id: string, startMs: number): Promise<string> {
  const path = recordingRelativePath('porch', startMs);
  await mkdir(dirname(join(storage, path)), { recursive: true });
  await copyFile(clip, join(storage, path));
  index.insertRecording({ id, camera: 'porch', path, startMs, endMs: startMs + 1000, durationSeconds: 1, bytes: 1, codec: 'h264', width: 320, height: 180, trigger: 'manual' });
  return path;
}

const fileExists = (path: string) => stat(join(storage, path)).then(() => true, () => false);

describe('deleting a recording', () => {
  it('marks the row, unlinks the file, removes the row: in that order, each step committed', async () => {
    const path = await seed('a', T0);
    await seed('b', T0 + 60_000);
    const seen: { step: DeletionStep; state: string | undefined; file: boolean }[] = [];
    expect(
      await deleteRecording(index, storage, 'a', (step) => {
        // Read by another connection, at once: what a crash at this point would leave behind.
        seen.push({ step, state: observer.getRecording('a')?.state, file: existsSync(join(storage, path)) });
      }),
    ).toBe(true);
    expect(seen).toEqual([
      { step: 'marked', state: 'deleting', file: true },
      { step: 'unlinked', state: 'deleting', file: false },
      { step: 'removed', state: undefined, file: false },
    ]);
    expect(await fileExists(path)).toBe(false);
    expect(observer.listRecordings().items.map((r) => r.id)).toEqual(['b']);
  });

  it('says so when there is no such recording', async () => {
    expect(await deleteRecording(index, storage, 'nope')).toBe(false);
  });

  it('finishes when the file is already gone', async () => {
    const path = await seed('a', T0);
    await rm(join(storage, path));
    expect(await deleteRecording(index, storage, 'a')).toBe(true);
    expect(index.getRecording('a')).toBeUndefined();
  });

  it('keeps the row marked deleting when the file cannot be unlinked, naming the file', async () => {
    const path = await seed('a', T0);
    // A folder where the file should be: unlink fails with EISDIR.
    await rm(join(storage, path));
    await mkdir(join(storage, path));
    await expect(deleteRecording(index, storage, 'a')).rejects.toThrow(`${join(storage, path)}: cannot delete recording a:`);
    expect(index.getRecording('a')?.state).toBe('deleting');
  });
});
