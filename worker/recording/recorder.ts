import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { basename, join } from 'node:path';
import type { CameraSpec } from '../../crds-like-schemas/generated/camera.js';
import type { Logger } from '../../lib/logger.js';
import { isNoSpace, noSpaceLine } from '../../lib/no-space.js';
import { assembleRecording, type AssembledRecording } from './assemble.js';
import { mp4HoldsAudio } from './audio-policy.js';
import { recordingRelativePath } from './recording-path.js';
import type { ListedSegment } from './segment-list.js';
import { createRunFolder, readManualUntil, scanSpool, SEGMENT_LIST, SEGMENT_PATTERN, SEGMENT_SECONDS, writeJournal, writeManualUntil, type FinishedFile, type JournalEntry } from './spool.js';
import { StreamClock } from './stream-clock.js';

export type RecordingSettings = CameraSpec['recording'];
export type Trigger = JournalEntry['trigger'];

/** What the recorder tells the worker (and through it the controller). */
export type RecorderEvent =
  | { type: 'recordingStarted'; id: string; trigger: Trigger }
  | ({ type: 'recordingFinished'; id: string; trigger: Trigger } & FinishedFile)
  | { type: 'recordingFailed'; id: string; trigger: Trigger; error: string }
  /**
   * The storage filesystem is full: a recording waits to be made (`id`), or the segments stopped
   * (no id). The controller frees at least `needBytes` (the oldest recordings go) and the
   * recording is made once there is room.
   */
  | { type: 'storageFull'; needBytes: number; error: string; id?: string };

export interface RecorderOptions {
  camera: string;
  storage: string;
  spool: string;
  settings: RecordingSettings;
  emit(event: RecorderEvent): void;
  logger: Logger;
}

/** A recording waits this long for the controller to free space before it is given up. */
const NO_SPACE_GIVE_UP_MS = 60_000;
/** Room asked for beyond a recording's segments: the index's write, the day folder, the MP4's own boxes. */
const NO_SPACE_MARGIN_BYTES = 1 << 20;

/**
 * Time after a recording's end before it is cut from the segment being written: ffmpeg writes
 * each packet as it arrives (-flush_packets), so this covers the packet's trip, not a buffer.
 */
const CUT_MARGIN_MS = 100;

interface Segment {
  index: number;
  file: string;
  streamStart: number;
  streamEnd: number;
}

/** One run of ffmpeg: its folder, the segments it has closed, its stream clock. */
export class Run {
  readonly segments: Segment[] = [];
  readonly clock = new StreamClock();
  /** ffmpeg has passed on frames: the camera answered. Recordings open only on such a run. */
  delivering = false;
  /** Whether its segments carry sound an MP4 holds, known when it delivers (ffmpeg has listed its streams). */
  withAudio = false;
  ended = false;

  constructor(
    readonly name: string,
    readonly folder: string,
    /** When ffmpeg was started: a little before its first packet, the only time known of a run that has closed no segment yet. */
    readonly startedAt: number,
  ) {}

  get segmentPattern(): string {
    return join(this.folder, SEGMENT_PATTERN);
  }

  get segmentList(): string {
    return join(this.folder, SEGMENT_LIST);
  }

  /** The segment ffmpeg writes now: the one after the last it closed. */
  get writingIndex(): number {
    return (this.segments.at(-1)?.index ?? -1) + 1;
  }

  startMs(segment: { streamStart: number }): number | undefined {
    return this.clock.wallTime(segment.streamStart);
  }

  endMs(segment: { streamEnd: number }): number | undefined {
    return this.clock.wallTime(segment.streamEnd);
  }

  pathOf(index: number): string {
    return join(this.folder, SEGMENT_PATTERN.replace('%06d', String(index).padStart(6, '0')));
  }
}

interface OpenRecording {
  id: string;
  trigger: Trigger;
  run: Run;
  firstIndex: number;
  /** Epoch ms where it starts, once its first segment is closed. */
  startMs?: number;
  /** Epoch ms where it ends; undefined while the motion (or the continuous file) goes on. */
  endMs?: number;
  cutTimer?: NodeJS.Timeout;
  finishing?: Promise<void>;
  /** Its file, in place and about to be reported. */
  finished?: FinishedFile;
}

/**
 * Turns the spool's segments into recordings. The MAIN stream is always being cut into short
 * segments; a recording is a span of them: for motion, from the segment holding `start -
 * preRoll` (segments start on keyframes) to `end + postRoll`, extended by motion that resumes
 * before that; in continuous mode, back-to-back files of `segmentMinutes`; and manual ones an
 * operator asks for (record()), beside the others. Segments no recording needs and older
 * than the pre-roll are deleted as new ones arrive.
 */
export class Recorder {
  private settings: RecordingSettings;
  private readonly runs: Run[] = [];
  private readonly open: OpenRecording[] = [];
  private motionActive = false;
  /** Epoch ms until which an operator asked for a manual recording (see record()). */
  private manualUntil: number | undefined;
  private stopped = false;
  /** Why the segments stopped, while the filesystem is full (until a segment is closed again). */
  private storageFull: string | undefined;
  /** Aborted when the worker stops: recordings no longer wait for room (see withSpace). */
  private readonly spaceWaits = new AbortController();

  constructor(private readonly options: RecorderOptions) {
    this.settings = options.settings;
  }

  /**
   * Finishes what an earlier worker left in the spool (the recordings in its journal, from their
   * whole segments) and clears it; call once, before the first run.
   */
  async recover(): Promise<void> {
    const { spool, storage, logger } = this.options;
    const left = await scanSpool(spool);
    const entries = [...left.journal];
    const asked = await readManualUntil(spool);
    if (asked !== undefined && asked > Date.now()) this.manualUntil = Math.max(this.manualUntil ?? 0, asked);
    for (const [i, entry] of entries.entries()) {
      // An operator's request outlives the worker: the rest of it is recorded once the stream delivers.
      if (entry.trigger === 'manual' && entry.endMs !== undefined && entry.endMs > Date.now()) this.manualUntil = Math.max(this.manualUntil ?? 0, entry.endMs);
      if (entry.finished) {
        // Made, and perhaps reported, before the kill: reported (again), never made twice.
        if (existsSync(join(storage, entry.finished.path))) this.options.emit({ type: 'recordingFinished', id: entry.id, trigger: entry.trigger, ...entry.finished });
        continue;
      }
      const listed = left.runs.get(entry.run) ?? [];
      const from = listed.findIndex((segment) => segment.file === entry.firstSegment);
      const segments = from < 0 ? [] : listed.slice(from);
      const recording = { id: entry.id, trigger: entry.trigger, withAudio: entry.withAudio ?? false };
      if (segments.length === 0 || entry.startMs === undefined) {
        logger.warn({ recordingID: entry.id }, 'a recording interrupted before its first whole segment is dropped');
        continue;
      }
      const first = segments[0] as ListedSegment;
      const maxSeconds = entry.endMs !== undefined ? (entry.endMs - entry.startMs) / 1000 : undefined;
      try {
        await this.assemble(
          recording,
          segments.map((segment) => join(spool, entry.run, segment.file)),
          entry.startMs,
          maxSeconds,
          `recovered after the worker was interrupted (from ${first.file})`,
          (finished) => {
            entries[i] = { ...entry, finished };
            return writeJournal(spool, entries);
          },
        );
      } catch (error) {
        // Stopped while the filesystem is full: the spool stays as it is, for the next start.
        if (!this.waitsForSpace && isNoSpace(error)) return;
        const message = error instanceof Error ? error.message : String(error);
        logger.error({ recordingID: entry.id, err: message }, 'a recording interrupted with the worker could not be made');
        this.options.emit({ type: 'recordingFailed', id: entry.id, trigger: entry.trigger, error: message });
      }
    }
    for (const run of left.runs.keys()) await rm(join(spool, run), { recursive: true, force: true });
    await writeJournal(spool, []);
  }

  /** A new run of ffmpeg is about to start: its folder, where ffmpeg writes its segments and list. */
  startRun(nowMs = Date.now()): Run {
    const name = createRunFolder(this.options.spool, nowMs);
    const run = new Run(name, join(this.options.spool, name), nowMs);
    this.runs.push(run);
    return run;
  }

  /**
   * The run's ffmpeg passes on its first frames. Its recordings (continuous, or motion going on
   * from an earlier run) open now, not when ffmpeg starts: a camera that is down makes attempt
   * after attempt, and none of them is a recording that failed.
   */
  runDelivering(run: Run, segmentAudioCodec: string | null | undefined): void {
    if (run.delivering || run.ended || this.stopped) return;
    run.delivering = true;
    run.withAudio = mp4HoldsAudio(segmentAudioCodec ?? undefined);
    if (this.settings.mode === 'continuous') this.openRecording('continuous', run, 0);
    else if (this.settings.mode === 'motion' && this.motionActive && !this.open.some((r) => r.trigger === 'motion' && !r.finishing)) this.openRecording('motion', run, 0);
    if (this.manualUntil !== undefined && this.manualUntil > Date.now() && !this.ongoingManual()) this.openManual(run, 0);
  }

  /** ffmpeg closed these segments (in order), seen at `nowMs`. */
  segmentsClosed(run: Run, listed: readonly ListedSegment[], nowMs = Date.now()): void {
    if (listed.length > 0) this.storageFull = undefined;
    for (const { file, start, end } of listed) {
      const index = Number(/(\d+)\.ts$/.exec(file)?.[1]);
      if (!Number.isInteger(index)) throw new Error(`unexpected segment name ${file}`);
      run.segments.push({ index, file: join(run.folder, basename(file)), streamStart: start, streamEnd: end });
      run.clock.observe(end, nowMs);
    }
    for (const recording of this.open.filter((r) => r.run === run && r.startMs === undefined)) {
      const first = run.segments.find((s) => s.index === recording.firstIndex);
      recording.startMs = first && run.startMs(first);
      // The journal learns the start, which a recovery needs to name the file.
      if (recording.startMs !== undefined) void this.saveJournal();
    }
    this.cutContinuous(run);
    this.prune(nowMs);
  }

  /** The run's last segment is not whole after all (the disk filled while it was written): it is deleted. */
  async dropLastSegment(run: Run): Promise<void> {
    const last = run.segments.pop();
    if (!last) return;
    this.options.logger.warn({ segment: basename(last.file) }, 'the segment written as the disk filled is cut short: dropped');
    await rm(last.file, { force: true });
  }

  /** The run's ffmpeg is gone: its recordings end with its last whole segment. */
  async endRun(run: Run): Promise<void> {
    run.ended = true;
    await Promise.all(this.open.filter((r) => r.run === run).map((recording) => this.finish(recording, 'the stream ended')));
    this.prune(Date.now());
  }

  /** Motion began at `atMs` (its first moving frame). */
  motionStarted(atMs: number): void {
    this.motionActive = true;
    if (this.settings.mode !== 'motion' || this.stopped) return;
    const ongoing = this.open.find((r) => r.trigger === 'motion' && !r.finishing);
    if (ongoing) {
      // Resumed within the post-roll: the same recording goes on.
      clearTimeout(ongoing.cutTimer);
      delete ongoing.endMs;
      void this.saveJournal();
      return;
    }
    // None delivering: the recording opens when one does (runDelivering).
    const run = this.liveRun();
    if (!run) return;
    this.openRecording('motion', run, this.preRollStart(run, atMs));
  }

  /** Motion ended at `atMs` (its last moving frame); the recording goes on for the post-roll. */
  motionEnded(atMs: number): void {
    this.motionActive = false;
    const ongoing = this.open.find((r) => r.trigger === 'motion' && !r.finishing);
    if (!ongoing) return;
    ongoing.endMs = atMs + this.settings.postRollSeconds * 1000;
    void this.saveJournal();
    this.scheduleCut(ongoing, 'motion ended and its post-roll passed');
  }

  /**
   * An operator asks for a manual recording of `seconds` from `nowMs`. It is an explicit act, so
   * it records whatever recording.mode says (even off), beside any motion or continuous
   * recording (both files are made). It starts with the pre-roll, as a motion recording does:
   * the operator reacts to something already seen, on a live view a little behind the camera,
   * and the spool holds those segments anyway. One going on is extended to the later end.
   */
  record(seconds: number, nowMs = Date.now()): void {
    if (this.stopped) return;
    this.manualUntil = Math.max(this.manualUntil ?? 0, nowMs + seconds * 1000);
    void this.saveManualUntil();
    const ongoing = this.ongoingManual();
    if (ongoing) {
      ongoing.endMs = this.manualUntil;
      void this.saveJournal();
      this.scheduleCut(ongoing, 'its requested time is up');
      return;
    }
    // None delivering: the recording opens when one does (runDelivering), if still asked for.
    const run = this.liveRun();
    if (run) this.openManual(run, this.preRollStart(run, nowMs));
  }

  /** The operator stops the manual recording: it ends at `nowMs`, with what has arrived. */
  stopManual(nowMs = Date.now()): void {
    this.manualUntil = undefined;
    void this.saveManualUntil();
    const ongoing = this.ongoingManual();
    if (!ongoing) return;
    ongoing.endMs = nowMs;
    void this.saveJournal();
    void this.finish(ongoing, 'stopped by request');
  }

  update(settings: RecordingSettings): void {
    const before = this.settings.mode;
    this.settings = settings;
    if (before === settings.mode) return;
    // A recording of the mode left ends now (a manual one goes on); one of the mode entered starts with the segment being written.
    for (const recording of this.open.filter((r) => r.trigger !== settings.mode && r.trigger !== 'manual')) {
      recording.endMs = Date.now();
      void this.finish(recording, `recording.mode changed to ${settings.mode}`);
    }
    const run = this.liveRun();
    if (!run) return;
    if (settings.mode === 'continuous') this.openRecording('continuous', run, run.writingIndex);
    else if (settings.mode === 'motion' && this.motionActive) this.openRecording('motion', run, this.preRollStart(run, Date.now()));
  }

  /** The worker is stopping: a recording waiting for space is left in the spool for the next start. */
  stopWaitingForSpace(): void {
    this.spaceWaits.abort();
  }

  /** Recordings wait for room on a full filesystem until the worker stops. */
  private get waitsForSpace(): boolean {
    return !this.spaceWaits.signal.aborted;
  }

  /** Finishes every recording with what has arrived (post-roll cut short); call after ffmpeg has stopped. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopWaitingForSpace();
    await Promise.all(this.open.map((recording) => this.finish(recording, 'the worker stopped')));
  }

  /** The run whose ffmpeg delivers now, if any. */
  private liveRun(): Run | undefined {
    return this.runs.find((r) => r.delivering && !r.ended);
  }

  /** The index of the segment holding `atMs - preRoll`, or the oldest kept. */
  private preRollStart(run: Run, atMs: number): number {
    const from = atMs - this.settings.preRollSeconds * 1000;
    for (let i = run.segments.length - 1; i >= 0; i--) {
      const segment = run.segments[i] as Segment;
      const start = run.startMs(segment);
      const end = run.endMs(segment);
      // The segment holding `from`, or the one after it when it ended before (the one being written).
      if (start !== undefined && start <= from) return end !== undefined && end <= from ? segment.index + 1 : segment.index;
    }
    return run.segments[0]?.index ?? run.writingIndex;
  }

  private openRecording(trigger: Trigger, run: Run, firstIndex: number, endMs?: number): OpenRecording {
    const recording: OpenRecording = { id: randomUUID(), trigger, run, firstIndex, ...(endMs !== undefined ? { endMs } : {}) };
    // Known at once when it starts with a closed segment (the pre-roll): the first journal holds
    // it, so that a recovery can name the file even if no later journal reaches the disk.
    const first = run.segments.find((s) => s.index === firstIndex);
    recording.startMs = first && run.startMs(first);
    this.open.push(recording);
    this.options.logger.info({ recordingID: recording.id, trigger }, 'recording started');
    this.options.emit({ type: 'recordingStarted', id: recording.id, trigger });
    void this.saveJournal();
    return recording;
  }

  private ongoingManual(): OpenRecording | undefined {
    return this.open.find((r) => r.trigger === 'manual' && !r.finishing);
  }

  /** A manual recording from `firstIndex` to the end asked for, cut when that end comes. */
  private openManual(run: Run, firstIndex: number): void {
    this.scheduleCut(this.openRecording('manual', run, firstIndex, this.manualUntil), 'its requested time is up');
  }

  private scheduleCut(recording: OpenRecording, why: string): void {
    clearTimeout(recording.cutTimer);
    if (recording.endMs === undefined) return;
    const delay = Math.max(0, recording.endMs + CUT_MARGIN_MS - Date.now());
    recording.cutTimer = setTimeout(() => void this.finish(recording, why), delay);
  }

  /** Continuous files end on the first segment boundary past `segmentMinutes`; the next starts there. */
  private cutContinuous(run: Run): void {
    for (const recording of this.open.filter((r) => r.run === run && r.trigger === 'continuous' && !r.finishing)) {
      const first = run.segments.find((s) => s.index === recording.firstIndex);
      const last = run.segments.at(-1);
      const startMs = first && run.startMs(first);
      const endMs = last && run.endMs(last);
      if (!last || startMs === undefined || endMs === undefined) continue;
      if (endMs - startMs < this.settings.segmentMinutes * 60_000) continue;
      recording.endMs = endMs;
      void this.finish(recording, `segmentMinutes (${this.settings.segmentMinutes}) reached`);
      if (this.settings.mode === 'continuous' && !run.ended) this.openRecording('continuous', run, last.index + 1);
    }
  }

  private finish(recording: OpenRecording, why: string): Promise<void> {
    recording.finishing ??= this.finishNow(recording, why);
    return recording.finishing;
  }

  private async finishNow(recording: OpenRecording, why: string): Promise<void> {
    clearTimeout(recording.cutTimer);
    const { run } = recording;
    const whole = run.segments.filter((s) => s.index >= recording.firstIndex);
    const first = whole[0];
    const lastWholeEnd = whole.length > 0 ? run.endMs(whole.at(-1) as Segment) : undefined;
    // The end lies in the segment ffmpeg is writing: taken as far as it is written, cut at the end.
    const writing = !run.ended && (lastWholeEnd === undefined || recording.endMs === undefined || recording.endMs > lastWholeEnd);
    const paths = whole.filter((s) => recording.endMs === undefined || (run.startMs(s) ?? 0) < recording.endMs).map((s) => s.file);
    const writingPath = run.pathOf(Math.max(recording.firstIndex, run.writingIndex));
    const withWriting = writing && existsSync(writingPath);
    if (withWriting) paths.push(writingPath);
    // With no whole segment of its own, it starts where the last whole segment ended, or with the run.
    const lastWhole = run.segments.at(-1);
    const startMs = first ? run.startMs(first) : writing ? (lastWhole ? run.endMs(lastWhole) : run.startedAt) : undefined;
    let leftForNextStart = false;
    /** Set once its MP4 is being made: only then is a full disk a reason to leave it for the next start. */
    let assembling = false;
    try {
      if (startMs === undefined || paths.length === 0) {
        throw new Error(this.storageFull ? `no video could be written before it ended: the storage is full (${this.storageFull})` : 'no video arrived before it ended');
      }
      const maxSeconds = recording.endMs !== undefined ? (recording.endMs - startMs) / 1000 : undefined;
      const made = { id: recording.id, trigger: recording.trigger, withAudio: run.withAudio };
      const remember = (finished: FinishedFile) => {
        recording.finished = finished;
        return this.saveJournal();
      };
      assembling = true;
      await this.assemble(made, paths, startMs, maxSeconds, why, remember).catch((error: unknown) => {
        // The segment being written may hold nothing readable yet (ffmpeg had only just opened
        // it): the recording then ends with its last whole segment.
        if (!withWriting || paths.length < 2 || isNoSpace(error)) throw error;
        this.options.logger.warn({ recordingID: recording.id, err: String(error) }, 'the segment being written is unreadable; the recording ends before it');
        return this.assemble(made, paths.slice(0, -1), startMs, maxSeconds, why, remember);
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (assembling && !this.waitsForSpace && isNoSpace(error)) {
        // Its segments and its journal entry stay: the next start makes it, once there is room.
        leftForNextStart = true;
        this.options.logger.warn({ recordingID: recording.id, err: noSpaceLine(error) }, 'storage full as the worker stops: the recording is left in the spool for the next start');
        return;
      }
      this.options.logger.error({ recordingID: recording.id, err: message }, 'recording failed');
      this.options.emit({ type: 'recordingFailed', id: recording.id, trigger: recording.trigger, error: message });
    } finally {
      if (!leftForNextStart) {
        this.open.splice(this.open.indexOf(recording), 1);
        void this.saveJournal();
        this.prune(Date.now());
      }
    }
  }

  /** Makes the recording's MP4, has `remember` note it in the journal, then reports it. */
  private async assemble(
    recording: { id: string; trigger: Trigger; withAudio: boolean },
    segments: string[],
    startMs: number,
    maxSeconds: number | undefined,
    why: string,
    remember: (finished: FinishedFile) => Promise<void>,
  ): Promise<AssembledRecording> {
    const { storage, camera, spool, logger } = this.options;
    for (let attempt = 0; ; attempt++) {
      const path = recordingRelativePath(camera, startMs, attempt);
      let made: AssembledRecording;
      try {
        made = await this.withSpace(recording.id, segments, () =>
          assembleRecording({ segments, maxSeconds, workFile: join(spool, `${recording.id}.mp4`), destination: join(storage, path), withAudio: recording.withAudio }),
        );
      } catch (error) {
        // Another recording started within the same second took the name.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 9) throw error;
        continue;
      }
      const finished: FinishedFile = { path, startMs, endMs: startMs + Math.round(made.durationSeconds * 1000), ...made };
      await remember(finished);
      logger.info({ recordingID: recording.id, path, seconds: made.durationSeconds, bytes: made.bytes }, `recording finished: ${why}`);
      this.options.emit({ type: 'recordingFinished', id: recording.id, trigger: recording.trigger, ...finished });
      return made;
    }
  }

  /**
   * Runs `attempt`, which writes into storage, again while the filesystem is full: each time the
   * controller is told how much room the recording needs, and its retention frees that much
   * (the oldest recordings go). Given up after NO_SPACE_GIVE_UP_MS, and at once when the worker
   * stops (finishNow then leaves the recording in the journal for the next start).
   */
  private async withSpace<T>(id: string, segments: readonly string[], attempt: () => Promise<T>): Promise<T> {
    const giveUpAt = Date.now() + NO_SPACE_GIVE_UP_MS;
    for (let waitMs = 250; ; waitMs = Math.min(waitMs * 2, 4000)) {
      try {
        return await attempt();
      } catch (error) {
        if (!isNoSpace(error) || !this.waitsForSpace || Date.now() + waitMs > giveUpAt) throw error;
        const needBytes = (await bytesOf(segments)) + NO_SPACE_MARGIN_BYTES;
        this.options.logger.warn({ recordingID: id, needBytes }, 'storage full: the recording is made once the controller has freed space');
        this.options.emit({ type: 'storageFull', id, needBytes, error: noSpaceLine(error) });
        // Cut short when the worker stops: the recording is left for the next start at once.
        await sleep(waitMs, undefined, { signal: this.spaceWaits.signal }).catch(() => undefined);
        if (!this.waitsForSpace) throw error;
      }
    }
  }

  /**
   * The segments' ffmpeg stopped because the filesystem is full. The controller is asked for
   * room for what the spool holds now (the pre-roll and the recordings going on) as much again:
   * the recordings' MP4s are about the size of their segments.
   */
  async segmentsOutOfSpace(error: string): Promise<void> {
    this.storageFull = noSpaceLine(error);
    const needBytes = (await bytesOf(this.runs.flatMap((run) => run.segments.map((segment) => segment.file)))) + NO_SPACE_MARGIN_BYTES;
    this.options.emit({ type: 'storageFull', needBytes, error: this.storageFull });
  }

  /**
   * Deletes segments no recording needs: those of ended runs without recordings, and older
   * than the pre-roll (with a segment to spare) in the running one.
   */
  private prune(nowMs: number): void {
    const keepAfter = nowMs - (this.settings.preRollSeconds + 2 * SEGMENT_SECONDS) * 1000;
    for (const run of [...this.runs]) {
      const needed = this.open.filter((r) => r.run === run).map((r) => r.firstIndex);
      if (run.ended && needed.length === 0) {
        this.runs.splice(this.runs.indexOf(run), 1);
        void rm(run.folder, { recursive: true, force: true });
        continue;
      }
      const firstNeeded = Math.min(...needed, Infinity);
      while (run.segments.length > 1) {
        const oldest = run.segments[0] as Segment;
        const end = run.endMs(oldest);
        if (oldest.index >= firstNeeded || end === undefined || end >= keepAfter) break;
        run.segments.shift();
        void rm(oldest.file, { force: true });
      }
    }
  }

  /** Writes the journal of the recordings open now; resolves once it is on disk (a failure is logged). */
  private saveJournal(): Promise<void> {
    const entries: JournalEntry[] = this.open.map((recording) => ({
      id: recording.id,
      trigger: recording.trigger,
      run: recording.run.name,
      firstSegment: basename(recording.run.pathOf(recording.firstIndex)),
      ...(recording.startMs !== undefined ? { startMs: recording.startMs } : {}),
      ...(recording.endMs !== undefined ? { endMs: recording.endMs } : {}),
      withAudio: recording.run.withAudio,
      ...(recording.finished ? { finished: recording.finished } : {}),
    }));
    return this.queueWrite(() => writeJournal(this.options.spool, entries), 'cannot write the recordings journal');
  }

  /** Notes the manual request's end on disk, for the next worker. */
  private saveManualUntil(): Promise<void> {
    const until = this.manualUntil;
    return this.queueWrite(() => writeManualUntil(this.options.spool, until), 'cannot note the manual recording asked for');
  }

  /**
   * The spool's small files are written one after the other, in order: an older journal never
   * lands after a newer one. Resolves once this write is done; a failure is logged.
   */
  private queueWrite(write: () => Promise<void>, failure: string): Promise<void> {
    this.journalWrites = this.journalWrites.then(write).catch((error: unknown) => this.options.logger.error({ err: String(error) }, failure));
    return this.journalWrites;
  }

  private journalWrites: Promise<void> = Promise.resolve();
}

/** The bytes the files take together (a file gone counts for nothing). */
async function bytesOf(paths: readonly string[]): Promise<number> {
  const sizes = await Promise.all(paths.map((path) => stat(path).then((stats) => stats.size, () => 0)));
  return sizes.reduce((sum, size) => sum + size, 0);
}
