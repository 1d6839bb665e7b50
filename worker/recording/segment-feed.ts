import type { Logger } from '../../lib/logger.js';
import type { Recorder, Run } from './recorder.js';
import { SegmentListReader } from './segment-list.js';

/** How often ffmpeg's segment list is read; a new line there is a segment closed. */
const POLL_MS = 250;

interface FedRun {
  run: Run;
  reader: SegmentListReader;
  timer: NodeJS.Timeout;
  /** Reads of the list, one after the other. */
  reads: Promise<void>;
}

/**
 * Tells the recorder about the segments each run of the MAIN ffmpeg closes, from the list ffmpeg
 * appends to, and that the run is over once ffmpeg has exited (after a last read of the list,
 * which holds the segment ffmpeg closed on its way out).
 */
export class SegmentFeed {
  private fed: FedRun | undefined;
  private endings: Promise<void> = Promise.resolve();

  constructor(
    private readonly recorder: Recorder,
    private readonly logger: Logger,
  ) {}

  /** A run for the ffmpeg about to start (its arguments name the run's folder). */
  startRun(): Run {
    const run = this.recorder.startRun();
    const reader = new SegmentListReader(run.segmentList);
    const fed: FedRun = { run, reader, reads: Promise.resolve(), timer: setInterval(() => this.read(fed), POLL_MS) };
    this.fed = fed;
    return run;
  }

  /** The current run's ffmpeg passes on its first frames; the codec of the sound it writes into the segments (null: none). */
  runDelivering(audioCodec: string | null | undefined): void {
    if (this.fed) this.recorder.runDelivering(this.fed.run, audioCodec);
  }

  /**
   * The run's ffmpeg has exited. `outOfSpace`: it died of a full disk, and the last segment it
   * listed was cut short where the disk filled (its last frame is broken): it is dropped.
   */
  runExited(outOfSpace = false): void {
    const fed = this.fed;
    if (!fed) return;
    this.fed = undefined;
    clearInterval(fed.timer);
    this.read(fed);
    const ended = fed.reads.then(async () => {
      if (outOfSpace) await this.recorder.dropLastSegment(fed.run);
      await this.recorder.endRun(fed.run);
    });
    this.endings = Promise.all([this.endings, ended]).then(() => undefined);
  }

  /** Resolves once every exited run's recordings are finished. */
  settled(): Promise<void> {
    return this.endings;
  }

  private read(fed: FedRun): void {
    fed.reads = fed.reads
      .then(async () => {
        const listed = await fed.reader.readNew();
        if (listed.length > 0) this.recorder.segmentsClosed(fed.run, listed);
      })
      .catch((error: unknown) => this.logger.error({ err: String(error), run: fed.run.name }, 'reading the segment list failed'));
  }
}
