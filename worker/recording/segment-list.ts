import { open } from 'node:fs/promises';

/** One segment ffmpeg has finished, as its `-segment_list_type csv` list names it. */
export interface ListedSegment {
  file: string;
  /** Stream time, in seconds from the start of ffmpeg's run. */
  start: number;
  end: number;
}

/**
 * Parses the complete lines of ffmpeg's CSV segment list (`name,start,end`); ffmpeg writes a
 * line when the segment is closed, so a listed segment is whole on disk. A name holding a comma
 * or quote is quoted by ffmpeg; the spool's names never do, so such a line is an error.
 */
export function parseSegmentLines(text: string): ListedSegment[] {
  const segments: ListedSegment[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const [file, start, end, ...rest] = line.split(',');
    const startSeconds = Number(start);
    const endSeconds = Number(end);
    if (!file || rest.length > 0 || !Number.isFinite(startSeconds) || !Number.isFinite(endSeconds) || endSeconds < startSeconds) {
      throw new Error(`unexpected line in ffmpeg's segment list: ${JSON.stringify(line)}`);
    }
    segments.push({ file, start: startSeconds, end: endSeconds });
  }
  return segments;
}

/** Reads a segment list as ffmpeg appends to it: each call returns the lines completed since the last. */
export class SegmentListReader {
  private offset = 0;
  private pending = '';

  constructor(private readonly path: string) {}

  async readNew(): Promise<ListedSegment[]> {
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      // ffmpeg creates the list when its first segment ends.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    try {
      const { size } = await handle.stat();
      if (size <= this.offset) return [];
      const buffer = Buffer.alloc(size - this.offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
      this.offset += bytesRead;
      const text = this.pending + buffer.toString('utf8', 0, bytesRead);
      const lastBreak = text.lastIndexOf('\n');
      this.pending = text.slice(lastBreak + 1);
      return parseSegmentLines(text.slice(0, lastBreak + 1));
    } finally {
      await handle.close();
    }
  }
}
