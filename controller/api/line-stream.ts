import { PassThrough } from 'node:stream';
import type { Context } from 'koa';

/** A client this far behind (bytes it has not taken yet) is cut off; it will list or follow again. */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/**
 * A response of lines that stays open (a watch, a followed log): written before it answers (what
 * the client gets first, whole), then as things happen. It ends when the client hangs up, the
 * server closes (every open one is in `closeAll`), the client falls MAX_BUFFERED_BYTES behind,
 * or end() is called; `onEnd` then releases what feeds it, once.
 */
export class LineStream {
  private readonly stream = new PassThrough();
  private onEnd: (() => void) | undefined;
  private answering = false;

  constructor(private readonly closeAll: Set<() => void>) {}

  write(line: string): void {
    if (this.stream.writableEnded) return; // a write already queued when the stream ended
    this.stream.write(`${line}\n`);
    if (this.answering && this.stream.writableLength > MAX_BUFFERED_BYTES) this.end();
  }

  readonly end = (): void => {
    if (this.stream.writableEnded) return;
    this.closeAll.delete(this.end);
    this.onEnd?.();
    this.stream.end();
  };

  /** Answers `ctx` with the lines; the headers go at once, so a client sees the stream open before its first change. */
  answer(ctx: Context, contentType: string, onEnd: () => void): void {
    this.onEnd = onEnd;
    this.answering = true;
    this.closeAll.add(this.end);
    ctx.req.on('close', this.end);
    ctx.status = 200;
    ctx.type = contentType;
    ctx.set('Cache-Control', 'no-cache');
    ctx.res.flushHeaders?.();
    ctx.body = this.stream;
  }
}
