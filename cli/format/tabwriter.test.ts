import { describe, expect, it } from 'vitest';
import { DESCRIBE, TABLE, tabwrite } from './tabwriter.js';

describe('tabwrite', () => {
  it('pads each column to its widest cell plus three, at least six, leaving the last unpadded (kubectl get)', () => {
    expect(tabwrite('NAME\tREADY\tAGE\na\tTrue\t5s\nfront-door\tFalse\t2d\n', TABLE)).toBe(
      ['NAME         READY   AGE', 'a            True    5s', 'front-door   False   2d', ''].join('\n'),
    );
  });

  it('aligns each block of consecutive lines on its own, as kubectl describe sections are', () => {
    const text = 'Name:\tdemo\nAPI Version:\tv1\nSpec:\n  Enabled:\ttrue\n  Main Stream:\trtsp://x\nEvents:\n  Type\tReason\tAge\n  ----\t------\t---\n  Normal\tStarted\t5s\n';
    expect(tabwrite(text, DESCRIBE)).toBe(
      [
        'Name:         demo',
        'API Version:  v1',
        'Spec:',
        '  Enabled:      true',
        '  Main Stream:  rtsp://x',
        'Events:',
        '  Type    Reason   Age',
        '  ----    ------   ---',
        '  Normal  Started  5s',
        '',
      ].join('\n'),
    );
  });

  it('nests column blocks: a line with fewer cells ends the inner block only', () => {
    // Go: tabwriter with minwidth 0, padding 1, over "a\tb\tc\naa\tbbbb\tc\naaa\tb\n".
    expect(tabwrite('a\tb\tc\naa\tbbbb\tc\naaa\tb\n', { minWidth: 0, padding: 1 })).toBe('a   b    c\naa  bbbb c\naaa b\n');
  });
});
