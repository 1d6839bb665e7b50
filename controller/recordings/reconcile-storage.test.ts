// The start-up reconciliation on a real storage folder: real MP4s made by ffmpeg, files that are
// not playable, the worker's spool and work files, rows whose file is gone, interrupted deletions.
import { copyFile, mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.js';
import { recordingRelativePath } from '../../worker/recording/recording-path.js';
import { writeJournal } from '../../worker/recording/spool.js';
import { idForPath } from './derived-id.js';
import { reconcileStorage } from './reconcile-storage.js';
import { knownFromSpoolJournals } from './known-recordings.js';
import { RecordingsIndex } from './recordings-index.js';
import { makeAudioOnly, makeClip, truncatedCopy } from './test-media.js';
import type { NewRecording } from './types.js';

const logger = createLogger('test', 'silent');
const NOTHING = { indexed: 0, lostAndFound: 0, missing: 0, deletionsFinished: 0, restored: 0 };
const T0 = Date.UTC(2025, 6, 4, 23, 59, 58);

let media: string;
let clip: string;
let audioOnly: string;
let storage: string;
let index: RecordingsIndex;

beforeAll(async () => {
  media = await mkdtemp(join(tmpdir(), 'camlet-reconcile-media-'));
  clip = join(media, 'clip.mp4');
  audioOnly = join(media, 'audio.mp4');
  await Promise.all([makeClip(clip), makeAudioOnly(audioOnly)]);
});
afterAll(() => rm(media, { recursive: true, force: true }));
beforeEach(async () => {
  storage = await mkdtemp(join(tmpdir(), 'camlet-reconcile-'));
  index = RecordingsIndex.open(storage);
});
afterEach(async () => {
  index.close();
  await rm(storage, { recursive: true, force: true });
});

/** Puts a copy of `source` at `path` (relative to storage). */
async function place(path: string, source = clip): Promise<string> {
  await mkdir(dirname(join(storage, path)), { recursive: true });
  await copyFile(source, join(storage, path));
  return path;
}

async function put(path: string, content: string): Promise<void> {
  await mkdir(dirname(join(storage, path)), { recursive: true });
  await writeFile(join(storage, path), content);
}

async function exists(path: string): Promise<boolean> {
  return stat(join(storage, path)).then(
    () => true,
    () => false,
  );
}

function row(path: string, id = `row-${path}`): NewRecording {
  const camera = path.split('/')[0] ?? '';
  return { id, camera, path, startMs: T0, endMs: T0 + 2000, durationSeconds: 2, bytes: 1, codec: 'h264', width: 320, height: 180, trigger: 'motion' };
}

const reconcile = async (extra: Partial<Parameters<typeof reconcileStorage>[0]> = {}) => reconcileStorage({ index, storage, logger, ...extra });

describe('reconciling the index with storage', () => {
  it('indexes a file no row knows, with its start from the name and the rest from ffprobe', async () => {
    const path = await place(recordingRelativePath('porch', T0));
    const report = await reconcile();
    expect(report).toEqual({ counts: { ...NOTHING, indexed: 1 }, lostAndFound: [] });
    const [found, ...others] = index.listRecordings().items;
    expect(others).toEqual([]);
    expect(found).toMatchObject({ id: idForPath(path), camera: 'porch', path, startMs: T0, codec: 'h264', width: 320, height: 180, trigger: 'motion', state: 'complete' });
    expect(found?.durationSeconds).toBeCloseTo(2, 1);
    expect(found?.endMs).toBe(T0 + Math.round((found?.durationSeconds ?? 0) * 1000));
    expect(found?.bytes).toBe((await stat(join(storage, path))).size);
    // And only once.
    expect((await reconcile()).counts).toEqual(NOTHING);
  });

  it('gives a second recording of the same second (name suffix -1) its own row', async () => {
    await place(recordingRelativePath('porch', T0));
    await place(recordingRelativePath('porch', T0, 1));
    expect((await reconcile()).counts.indexed).toBe(2);
    expect(index.listRecordings().items.map((r) => r.startMs)).toEqual([T0, T0]);
  });

  it('moves files that are not playable to lost+found, under the same relative path, and never indexes them', async () => {
    const garbage = recordingRelativePath('porch', T0);
    await put(garbage, 'this is not an mp4 at all');
    const audio = await place(recordingRelativePath('porch', T0 + 60_000), audioOnly);
    const cut = recordingRelativePath('porch', T0 + 120_000);
    await mkdir(dirname(join(storage, cut)), { recursive: true });
    await truncatedCopy(clip, join(storage, cut), 600);
    const badName = await place('porch/2025-07-04/holiday.mp4');
    // Something already in lost+found under the same name: kept, the newcomer gets a suffix.
    await put(`lost+found/${garbage}`, 'an older lost file');

    const report = await reconcile();
    expect(report.counts).toEqual({ ...NOTHING, lostAndFound: 4 });
    expect(index.listRecordings().items).toEqual([]);
    const lost = Object.fromEntries(report.lostAndFound.map((f) => [f.path, f]));
    expect(lost[garbage]).toMatchObject({ camera: 'porch', movedTo: `lost+found/${garbage}.1`, reason: expect.stringContaining('ffprobe failed') as unknown });
    expect(lost[audio]).toMatchObject({ movedTo: `lost+found/${audio}`, reason: 'no video stream' });
    expect(lost[cut]?.movedTo).toBe(`lost+found/${cut}`);
    expect(lost[badName]).toMatchObject({ movedTo: `lost+found/${badName}`, reason: 'the name does not carry porch-<YYYYMMDDTHHMMSSZ>.mp4' });
    for (const path of [garbage, audio, cut, badName]) expect(await exists(path)).toBe(false);
    for (const file of report.lostAndFound) expect(await exists(file.movedTo)).toBe(true);
    expect(await exists(`lost+found/${garbage}`)).toBe(true);
    // lost+found is not looked into again.
    expect((await reconcile()).counts).toEqual(NOTHING);
  });

  it('leaves alone what is not a recording: the spool and the worker work files, lost+found, the index, hidden and other files', async () => {
    // The worker assembles into .spool/<camera>/<id>.mp4 and its concat list, and keeps segments in run folders.
    await put('.spool/porch/5b1f0c1e-0000-4000-8000-000000000000.mp4', 'half-written work file');
    await put('.spool/porch/5b1f0c1e-0000-4000-8000-000000000000.mp4.txt', "file 'x'");
    await put('.spool/porch/run-00001751673600000-0/seg-000001.ts', 'segment');
    await put('.spool/porch/recordings.json', '[]');
    await put('lost+found/porch/2025-07-04/porch-20250704T235958Z.mp4', 'lost');
    await put('porch/2025-07-04/.porch-20250704T235958Z.mp4.swp', 'editor');
    await put('porch/2025-07-04/notes.txt', 'notes');
    await put('porch/2025-07-04/porch-20250704T235958Z.mp4.partial', 'partial');
    await put('porch/thumbnails/porch-20250704T235958Z.mp4', 'not a day folder');
    await put('Not-A-Camera/2025-07-04/x.mp4', 'not a camera folder');
    await put('stray.mp4', 'top level file');
    await symlink(clip, join(storage, 'porch/2025-07-04/porch-20250704T235959Z.mp4'));
    const before = (await readdir(storage, { recursive: true })).sort();
    expect((await reconcile()).counts).toEqual(NOTHING);
    expect((await readdir(storage, { recursive: true })).sort()).toEqual(before);
  });

  it('marks rows whose file is gone as missing, and complete again when the file comes back', async () => {
    const kept = await place(recordingRelativePath('porch', T0));
    index.insertRecording(row(kept));
    const gone = recordingRelativePath('porch', T0 + 60_000);
    index.insertRecording(row(gone));
    expect((await reconcile()).counts).toEqual({ ...NOTHING, missing: 1 });
    expect(index.getRecording(`row-${gone}`)?.state).toBe('missing');
    expect(index.getRecording(`row-${kept}`)?.state).toBe('complete');
    // Counted once, not at every start.
    expect((await reconcile()).counts).toEqual(NOTHING);
    await place(gone);
    expect((await reconcile()).counts).toEqual({ ...NOTHING, restored: 1 });
    expect(index.getRecording(`row-${gone}`)?.state).toBe('complete');
  });

  it('finishes deletions a crash interrupted, whether or not the file was already unlinked', async () => {
    const withFile = await place(recordingRelativePath('porch', T0));
    const withoutFile = recordingRelativePath('porch', T0 + 60_000);
    for (const path of [withFile, withoutFile]) {
      index.insertRecording(row(path));
      index.markDeleting(`row-${path}`);
    }
    expect((await reconcile()).counts).toEqual({ ...NOTHING, deletionsFinished: 2 });
    expect(await exists(withFile)).toBe(false);
    expect(index.listRecordings().items).toEqual([]);
  });

  it("takes the id and trigger of a file's recording from the worker's spool journal when it lists it", async () => {
    const path = await place(recordingRelativePath('porch', T0));
    await mkdir(join(storage, '.spool', 'porch'), { recursive: true });
    await writeJournal(join(storage, '.spool', 'porch'), [
      { id: 'a7e6c7f2-1111-4222-8333-444455556666', trigger: 'continuous', run: 'run-1', firstSegment: 'seg-000000.ts', startMs: T0 + 400 },
      { id: 'no-start-yet', trigger: 'motion', run: 'run-1', firstSegment: 'seg-000003.ts' },
    ]);
    expect((await reconcile({ known: await knownFromSpoolJournals(storage) })).counts.indexed).toBe(1);
    expect(index.getRecordingByPath(path)).toMatchObject({ id: 'a7e6c7f2-1111-4222-8333-444455556666', trigger: 'continuous' });
  });

  it('does not judge files unplayable when ffprobe cannot run: it fails and moves nothing', async () => {
    const path = await place(recordingRelativePath('porch', T0));
    // A PATH with setpriv (which runs ffprobe) and no ffprobe.
    const bin = await mkdtemp(join(tmpdir(), 'camlet-no-ffprobe-'));
    await symlink(execFileSync('sh', ['-c', 'command -v setpriv'], { encoding: 'utf8' }).trim(), join(bin, 'setpriv'));
    const path0 = process.env.PATH;
    process.env.PATH = bin;
    try {
      await expect(reconcile()).rejects.toThrow('ffprobe cannot run, so recordings cannot be checked');
    } finally {
      process.env.PATH = path0;
      await rm(bin, { recursive: true, force: true });
    }
    expect(await exists(path)).toBe(true);
    expect(await exists('lost+found')).toBe(false);
  });
});
