/**
 * Cuts ffmpeg's raw video output (a byte stream) into whole frames. Chunks from the pipe rarely
 * line up with frames, so bytes are gathered into one preallocated frame buffer; a chunk that
 * holds whole frames is handed on as views into the chunk, without copying.
 */
export class FrameReader {
  private readonly partial: Buffer;
  private filled = 0;

  constructor(
    readonly frameBytes: number,
    /** Called synchronously; the buffer may be reused afterwards, so copy what must outlive the call. */
    private readonly onFrame: (frame: Buffer) => void,
  ) {
    if (!Number.isInteger(frameBytes) || frameBytes <= 0) throw new Error(`frame size must be a positive integer, got ${frameBytes}`);
    this.partial = Buffer.allocUnsafe(frameBytes);
  }

  push(chunk: Buffer): void {
    let offset = 0;
    if (this.filled > 0) {
      const take = Math.min(this.frameBytes - this.filled, chunk.length);
      chunk.copy(this.partial, this.filled, 0, take);
      this.filled += take;
      offset = take;
      if (this.filled < this.frameBytes) return;
      this.onFrame(this.partial);
      this.filled = 0;
    }
    while (chunk.length - offset >= this.frameBytes) {
      this.onFrame(chunk.subarray(offset, offset + this.frameBytes));
      offset += this.frameBytes;
    }
    if (offset < chunk.length) {
      chunk.copy(this.partial, 0, offset);
      this.filled = chunk.length - offset;
    }
  }
}
