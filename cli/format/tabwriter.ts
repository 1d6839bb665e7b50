// Go's text/tabwriter, which kubectl prints its tables and `describe` through: cells are the text
// between tabs, a column is as wide as its widest cell plus padding, and a column block runs over
// consecutive lines that have a cell in that column (so `describe` aligns each section on its own).
// The last cell of a line is not tab-terminated and belongs to no column.

export interface TabwriterOptions {
  /** Smallest width of a column, padding included. */
  minWidth: number;
  /** Spaces added to the widest cell of a column. */
  padding: number;
}

/** kubectl get: tabwriter.NewWriter(out, 6, 4, 3, ' ', 0). */
export const TABLE: TabwriterOptions = { minWidth: 6, padding: 3 };
/** kubectl describe: tabwriter.NewWriter(out, 0, 8, 2, ' ', 0). */
export const DESCRIBE: TabwriterOptions = { minWidth: 0, padding: 2 };

/** Width as a terminal shows it: one column per code point (no wide characters in camlet's output). */
function widthOf(text: string): number {
  return [...text].length;
}

/** Aligns `text` (lines of tab-separated cells) into columns padded with spaces. */
export function tabwrite(text: string, options: TabwriterOptions): string {
  const endsWithNewline = text.endsWith('\n');
  const lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n').map((line) => line.split('\t'));
  const out: string[] = [];
  const widths: number[] = [];

  const writeLines = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const cells = lines[i] as string[];
      let line = '';
      cells.forEach((cell, j) => {
        line += cell;
        const width = widths[j];
        if (width !== undefined && j < cells.length - 1) line += ' '.repeat(Math.max(0, width - widthOf(cell)));
      });
      out.push(line);
    }
  };

  const format = (start: number, end: number) => {
    const column = widths.length;
    let line0 = start;
    for (let row = start; row < end; row++) {
      if (column >= (lines[row] as string[]).length - 1) continue;
      writeLines(line0, row);
      line0 = row;
      let width = options.minWidth;
      for (; row < end; row++) {
        const cells = lines[row] as string[];
        if (column >= cells.length - 1) break;
        width = Math.max(width, widthOf(cells[column] as string) + options.padding);
      }
      widths.push(width);
      format(line0, row);
      widths.pop();
      line0 = row;
    }
    writeLines(line0, end);
  };

  format(0, lines.length);
  return out.join('\n') + (endsWithNewline ? '\n' : '');
}
