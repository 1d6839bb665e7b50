import { describe, expect, it } from 'vitest';
import { NdjsonDecoder } from './ndjson';

describe('NdjsonDecoder', () => {
  it('yields one value per whole line, across chunks and split characters', () => {
    const bytes = new TextEncoder().encode('{"type":"ADDED","object":{"n":"é"}}\n\n{"type":"MODIFIED"}\n{"type":');
    const decoder = new NdjsonDecoder();
    const values: unknown[] = [];
    for (let i = 0; i < bytes.length; i += 5) values.push(...decoder.push(bytes.subarray(i, i + 5)));
    expect(values).toEqual([{ type: 'ADDED', object: { n: 'é' } }, { type: 'MODIFIED' }]);
    expect(decoder.push(new TextEncoder().encode('"DELETED"}\n'))).toEqual([{ type: 'DELETED' }]);
  });
});
