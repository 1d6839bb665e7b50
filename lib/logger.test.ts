import { describe, expect, it } from 'vitest';
import { createLogger, withLogContext } from './logger.js';

function capture(level: Parameters<typeof createLogger>[1] = 'info') {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('controller', level, { write: (text: string) => void lines.push(JSON.parse(text) as Record<string, unknown>) });
  return { logger, lines };
}

describe('createLogger', () => {
  it('writes one JSON object per line, with level, time, component and the camera of a child logger', () => {
    const { logger, lines } = capture();
    logger.child({ camera: 'porch' }).info({ phase: 'Running' }, 'worker started');
    expect(lines).toEqual([{ level: 'info', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown, component: 'controller', camera: 'porch', phase: 'Running', msg: 'worker started' }]);
  });

  it('respects the level', () => {
    const { logger, lines } = capture('warn');
    logger.info('hidden');
    logger.debug('hidden');
    logger.warn('shown');
    expect(lines.map((l) => l.msg)).toEqual(['shown']);
  });

  it('stamps the fields of withLogContext on every line written inside it, by any logger, and only there', () => {
    const { logger, lines } = capture();
    const other = capture();
    const camera = logger.child({ camera: 'porch' });
    logger.info('before');
    const result = withLogContext({ reconcileID: 'a' }, () => {
      camera.info('inside');
      other.logger.warn('another logger');
      withLogContext({ step: 2 }, () => camera.info('nested'));
      camera.info({ reconcileID: 'explicit' }, 'own field wins');
      return 42;
    });
    expect(() => withLogContext({ reconcileID: 'b' }, () => { throw new Error('boom'); })).toThrow('boom');
    logger.info('after');
    expect(result).toBe(42);
    expect(lines.map((l) => [l.msg, l.reconcileID, l.step])).toEqual([
      ['before', undefined, undefined],
      ['inside', 'a', undefined],
      ['nested', 'a', 2],
      ['own field wins', 'explicit', undefined],
      ['after', undefined, undefined],
    ]);
    expect(other.lines[0]).toMatchObject({ msg: 'another logger', reconcileID: 'a' });
  });

  it('never prints a URL password or credential parameter, in a field or in the message', () => {
    const { logger, lines } = capture();
    logger.info({ url: 'rtsp://admin:hunter2@10.0.0.5/main', cause: 'http://cam/snap?user=a&pwd=hunter2' }, 'connecting to rtsp://admin:hunter2@10.0.0.5/main');
    logger.info('printf %s', 'rtsp://admin:hunter2@10.0.0.5/sub');
    const text = JSON.stringify(lines);
    expect(text).not.toContain('hunter2');
    expect(lines[0]).toMatchObject({ url: 'rtsp://admin:***@10.0.0.5/main', msg: 'connecting to rtsp://admin:***@10.0.0.5/main' });
    expect(lines[1]).toMatchObject({ msg: 'printf rtsp://admin:***@10.0.0.5/sub' });
  });
});
