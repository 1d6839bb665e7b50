// Tables as `kubectl get` prints them: upper-case headers, each column as wide as its widest cell
// plus three spaces (at least six), the last column unpadded. Rows printed later (by -w) keep the
// widths of what was printed before, growing a column only when a cell needs more.
import { TABLE } from './tabwriter.js';

function widthOf(text: string): number {
  return [...text].length;
}

export class Table {
  private widths: number[] = [];
  private headerPrinted = false;

  constructor(
    private readonly headers: string[],
    private readonly noHeaders = false,
  ) {}

  private line(cells: string[]): string {
    return `${cells.map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat(Math.max(0, (this.widths[i] ?? 0) - widthOf(cell))))).join('')}\n`;
  }

  private measure(rows: string[][]): void {
    for (const row of rows) {
      row.forEach((cell, i) => {
        if (i < row.length - 1) this.widths[i] = Math.max(this.widths[i] ?? TABLE.minWidth, widthOf(cell) + TABLE.padding);
      });
    }
  }

  /** Rows, with the header line first unless it was printed already or is not wanted. */
  render(rows: string[][]): string {
    const withHeader = !this.noHeaders && !this.headerPrinted;
    this.measure(withHeader ? [this.headers, ...rows] : rows);
    if (withHeader) this.headerPrinted = true;
    return (withHeader ? this.line(this.headers) : '') + rows.map((row) => this.line(row)).join('');
  }
}
