// The sink between supervisors and the index, on a real SQLite file: what each report writes,
// and that a report the index refuses, or one arriving after the index closed, never throws.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.js';
import { PROTOCOL_VERSION, type RecordingMessage } from '../../worker/protocol.js';
import { IndexSink } from './index-sink.js';
import { RecordingsIndex } from './recordings-index.js';

const T0 = Date.UTC(2025, 10, 11, 12, 13, 14);
const v = PROTOCOL_VERSION;
let folder: string;
let index: RecordingsIndex;
let failures: number;
let sink: IndexSink;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'camlet-sink-'));
  index = RecordingsIndex.open(folder);
  failures = 0;
  sink = new IndexSink(index, createLogger('test', 'silent'), () => failures++);
});
afterEach(async () => {
  index.close();
  await rm(folder, { recursive: true, force: true });
});

function finished(id: string, path: string): RecordingMessage {
  return { v, type: 'recordingFinished', id, trigger: 'continuous', path, startMs: T0, endMs: T0 + 60_000, bytes: 5_000_000, durationSeconds: 60, codec: 'hevc', width: 2560, height: 1440 };
}

describe('the index sink', () => {
  it('writes a row per finished recording and nothing for started or failed ones', () => {
    sink.recording('porch', { v, type: 'recordingStarted', id: 'r1', trigger: 'continuous' });
    sink.recording('porch', { v, type: 'recordingFailed', id: 'r0', trigger: 'continuous', error: 'disk full' });
    expect(index.listRecordings().items).toEqual([]);
    sink.recording('porch', finished('r1', 'porch/2025-11-11/porch-20251111T121314Z.mp4'));
    sink.recording('porch', finished('r1', 'porch/2025-11-11/porch-20251111T121314Z.mp4'));
    // The same id for another file (the worker made a second file of one recording): the first row stays.
    sink.recording('porch', finished('r1', 'porch/2025-11-11/porch-20251111T121314Z-1.mp4'));
    expect(index.listRecordings().items).toEqual([expect.objectContaining({ id: 'r1', camera: 'porch', trigger: 'continuous', codec: 'hevc', width: 2560, height: 1440, bytes: 5_000_000 })]);
    expect(failures).toBe(0);
  });

  it('tells who asked of each recording committed, once, with its row', () => {
    const indexed: string[] = [];
    const told = new IndexSink(index, createLogger('test', 'silent'), () => failures++, (recording) => indexed.push(`${recording.id} ${recording.state} ${recording.path}`));
    told.recording('porch', { v, type: 'recordingStarted', id: 'r1', trigger: 'continuous' });
    told.recording('porch', finished('r1', 'porch/2025-11-11/porch-20251111T121314Z.mp4'));
    told.recording('porch', finished('r1', 'porch/2025-11-11/porch-20251111T121314Z.mp4'));
    expect(indexed).toEqual(['r1 complete porch/2025-11-11/porch-20251111T121314Z.mp4']);
  });

  it('opens a motion event at its start, closes it at its end, and ends it with the worker', () => {
    sink.motion('porch', { v, type: 'motionStarted', at: T0, score: 0.05, boxes: [{ x: 0, y: 0, width: 0.5, height: 0.5 }] });
    sink.motion('porch', { v, type: 'motionEnded', at: T0 + 4000, startedAt: T0, peakScore: 0.4 });
    sink.motion('porch', { v, type: 'motionStarted', at: T0 + 10_000, score: 0.05, boxes: [] });
    sink.workerExited('porch', T0 + 12_000);
    expect(index.motionEventsForCamera('porch').map((e) => [e.startMs, e.endMs, e.peakScore])).toEqual([
      [T0, T0 + 4000, 0.4],
      [T0 + 10_000, T0 + 12_000, 0.05],
    ]);
  });

  it('counts a report the index refuses instead of throwing it at the supervisor', () => {
    expect(() => sink.recording('porch', finished('evil', '../../etc/cron.d/x.mp4'))).not.toThrow();
    expect(() => sink.motion('porch', { v, type: 'motionStarted', at: T0, score: 7, boxes: [] })).not.toThrow();
    expect(failures).toBe(2);
    expect(index.listRecordings().items).toEqual([]);
  });

  it('drops reports that arrive after the index is closed, without throwing', () => {
    index.close();
    expect(() => sink.recording('porch', finished('late', 'porch/2025-11-11/porch-20251111T121314Z.mp4'))).not.toThrow();
    expect(() => sink.workerExited('porch', T0)).not.toThrow();
    index = RecordingsIndex.open(folder);
    expect(index.getRecording('late')).toBeUndefined();
  });
});
