import { describe, expect, it } from 'vitest';
import { prettyLogLine } from './log-line.js';

describe('prettyLogLine', () => {
  it('prints time, level and message first, then the other fields, leaving out the camera', () => {
    const line = JSON.stringify({ level: 'warn', time: '2024-05-01T10:00:00.123Z', component: 'worker', camera: 'door', msg: 'stream stalled', stream: 'main', after: 5.2, detail: 'no frame for 5 s' });
    expect(prettyLogLine(line)).toBe('2024-05-01T10:00:00.123Z WARN  stream stalled stream=main after=5.2 detail="no frame for 5 s"');
  });

  it('prints a line that is not JSON as it is', () => {
    expect(prettyLogLine('Segmentation fault')).toBe('Segmentation fault');
  });
});
