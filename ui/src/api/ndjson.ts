/** Newline-delimited JSON from a byte stream, whatever the chunking: one value per whole line. */
export class NdjsonDecoder {
  private readonly text = new TextDecoder();
  private partial = '';

  push(chunk: Uint8Array): unknown[] {
    this.partial += this.text.decode(chunk, { stream: true });
    const lines = this.partial.split('\n');
    this.partial = lines.pop() ?? '';
    return lines.filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as unknown);
  }
}
