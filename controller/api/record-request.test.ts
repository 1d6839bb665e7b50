import { describe, expect, it } from 'vitest';
import { parseRecordRequest } from './record-request.js';

describe('parseRecordRequest', () => {
  it('takes seconds, stop, or nothing (the default length), in JSON or YAML', () => {
    expect(parseRecordRequest('{"seconds": 60}')).toEqual({ ok: true, request: { seconds: 60 } });
    expect(parseRecordRequest('seconds: 5')).toEqual({ ok: true, request: { seconds: 5 } });
    expect(parseRecordRequest('{"stop": true}')).toEqual({ ok: true, request: { stop: true } });
    expect(parseRecordRequest('')).toEqual({ ok: true, request: { seconds: 300 } });
    expect(parseRecordRequest('{}')).toEqual({ ok: true, request: { seconds: 300 } });
  });

  it('names each wrong field, its value and why', () => {
    const bad = (text: string) => {
      const parsed = parseRecordRequest(text);
      if (parsed.ok) throw new Error(`accepted ${text}`);
      return parsed;
    };
    expect(bad('{"seconds": 0}').causes).toEqual([{ reason: 'FieldValueInvalid', field: 'seconds', message: '0: must be a whole number of seconds from 1 to 3600' }]);
    expect(bad('{"seconds": 3601}').message).toBe('invalid record request: seconds: 3601: must be a whole number of seconds from 1 to 3600');
    expect(bad('{"seconds": "60"}').causes[0]?.field).toBe('seconds');
    expect(bad('{"seconds": 1.5}').causes[0]?.field).toBe('seconds');
    expect(bad('{"stop": "yes"}').causes).toEqual([{ reason: 'FieldValueInvalid', field: 'stop', message: '"yes": must be true, or left out to start a recording' }]);
    expect(bad('{"stop": false}').causes).toEqual([{ reason: 'FieldValueInvalid', field: 'stop', message: 'false: must be true, or left out to start a recording' }]);
    expect(bad('{"stop": true, "seconds": 5}').causes).toEqual([{ reason: 'FieldValueForbidden', field: 'seconds', message: '5: not with "stop": true' }]);
    expect(bad('{"secs": 5}').causes).toEqual([{ reason: 'FieldValueNotSupported', field: 'secs', message: 'unknown field: give seconds or stop' }]);
    expect(bad('[1]')).toMatchObject({ causes: [], message: 'the body must be an object such as {"seconds": 60} or {"stop": true}' });
    expect(bad('{"seconds": ').message).toMatch(/^the body is not JSON or YAML: /);
  });
});
