import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runTiedToParent } from '../../lib/child-process.js';
import { THUMBNAILS_FOLDER } from './storage-layout.js';

export interface ThumbnailOptions {
  /** ffmpeg processes at once: a page of 50 cold thumbnails must not take every core from the workers. */
  concurrency?: number;
  /** An ffmpeg that takes longer is killed; the request fails and the next one tries again. */
  timeoutMs?: number;
  /** Width in pixels (at most the video's own); the height follows the picture's shape. */
  width?: number;
}

export interface Thumbnail {
  file: string;
  /** Whether it was there already (false: made by this request). */
  cached: boolean;
}

/** Names safe as file names as they are; anything else is hashed. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * JPEG thumbnails of recordings, made by ffmpeg on first request and kept in
 * `<storage>/.thumbnails/<id>.jpg`: a recording never changes, so neither does its picture.
 * The picture is the first keyframe at or after the moment asked for (the motion's start): a
 * keyframe decodes alone (`-skip_frame nokey` decodes nothing else, which is what keeps a cold
 * thumbnail well under a second) and shows no artefacts of a half-decoded picture. Written
 * aside and renamed, so a crash or two requests at once never leave half a JPEG.
 */
export class ThumbnailCache {
  private readonly inFlight = new Map<string, Promise<Thumbnail>>();
  private readonly waiting: (() => void)[] = [];
  private running = 0;
  private readonly concurrency: number;
  private readonly timeoutMs: number;
  private readonly width: number;

  constructor(
    private readonly storage: string,
    options: ThumbnailOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 2;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.width = options.width ?? 480;
  }

  fileFor(id: string): string {
    const name = SAFE_ID.test(id) ? id : createHash('sha256').update(id).digest('hex').slice(0, 40);
    return join(this.storage, THUMBNAILS_FOLDER, `${name}.jpg`);
  }

  /** The thumbnail of the recording whose file is `video`, at `seekSeconds` into it, made if need be. */
  get(id: string, video: string, seekSeconds: number): Promise<Thumbnail> {
    let pending = this.inFlight.get(id);
    if (!pending) {
      pending = this.make(id, video, seekSeconds).finally(() => this.inFlight.delete(id));
      this.inFlight.set(id, pending);
    }
    return pending;
  }

  /** The recording is gone: so is its thumbnail. */
  async forget(id: string): Promise<void> {
    await rm(this.fileFor(id), { force: true });
  }

  private async make(id: string, video: string, seekSeconds: number): Promise<Thumbnail> {
    const file = this.fileFor(id);
    if (await nonEmpty(file)) return { file, cached: true };
    await this.slot();
    try {
      await mkdir(join(this.storage, THUMBNAILS_FOLDER), { recursive: true });
      const aside = `${file}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        // The first keyframe at or after the moment; when there is none after it (motion near
        // the end), the keyframe before it.
        if (!(await this.extract(video, seekSeconds, true, aside))) {
          if (!(await this.extract(video, seekSeconds, false, aside))) throw new Error(`ffmpeg found no keyframe in ${video}`);
        }
        await rename(aside, file);
      } finally {
        await rm(aside, { force: true });
      }
      return { file, cached: false };
    } finally {
      this.release();
    }
  }

  /** True when a picture was written. */
  private async extract(video: string, seekSeconds: number, after: boolean, output: string): Promise<boolean> {
    await runTiedToParent(
      'ffmpeg',
      [
        '-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-threads', '1',
        // Input seeking goes to the keyframe at or before the moment. After: only keyframes are
        // decoded and accurate seek (the default) drops those before the moment. Before: that
        // keyframe itself, the first frame decoded (ffmpeg 5 writes nothing when -skip_frame
        // and -noaccurate_seek are combined, hence the full decode of one frame).
        ...(after ? ['-skip_frame', 'nokey'] : ['-noaccurate_seek']),
        '-ss', seekSeconds.toFixed(3),
        '-i', video,
        '-frames:v', '1', '-an',
        '-vf', `scale='min(${this.width},iw)':-2`,
        '-q:v', '4', '-f', 'mjpeg', output,
      ],
      { timeoutMs: this.timeoutMs },
    );
    return nonEmpty(output);
  }

  private async slot(): Promise<void> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
  }

  private release(): void {
    this.running--;
    this.waiting.shift()?.();
  }
}

async function nonEmpty(file: string): Promise<boolean> {
  try {
    return (await stat(file)).size > 0;
  } catch {
    return false;
  }
}
