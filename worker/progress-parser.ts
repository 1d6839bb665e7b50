/**
 * Reads ffmpeg's `-progress` output: blocks of key=value lines, each ended by a
 * `progress=continue` (or `progress=end`) line, every -stats_period seconds.
 */
export class ProgressParser {
  private pending = '';
  private block: Record<string, string> = {};

  constructor(private readonly onBlock: (block: Readonly<Record<string, string>>) => void) {}

  push(chunk: Buffer | string): void {
    this.pending += chunk.toString();
    let newline: number;
    while ((newline = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, newline).trim();
      this.pending = this.pending.slice(newline + 1);
      const equals = line.indexOf('=');
      if (equals <= 0) continue;
      const key = line.slice(0, equals).trim();
      this.block[key] = line.slice(equals + 1).trim();
      if (key === 'progress') {
        this.onBlock(this.block);
        this.block = {};
      }
    }
  }
}
