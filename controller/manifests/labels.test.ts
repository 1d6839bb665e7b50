import { describe, expect, it } from 'vitest';
import { checkAnnotations, checkLabels } from './labels.js';

const KEY_NAME = 'key name must be at most 63 characters: letters, digits, -, _ or ., starting and ending with a letter or digit';
const KEY_PREFIX = 'key prefix must be a DNS subdomain (lower case, at most 253 characters)';
const LABEL_VALUE = 'label value must be empty or at most 63 characters: letters, digits, -, _ or ., starting and ending with a letter or digit';
const LIMIT = 256 * 1024;

describe('checkLabels', () => {
  it('accepts no labels at all', () => {
    expect(checkLabels(undefined)).toEqual([]);
    expect(checkLabels(null)).toEqual([]);
    expect(checkLabels({})).toEqual([]);
  });

  it('accepts keys and values as Kubernetes does', () => {
    expect(
      checkLabels({
        site: 'home',
        'app.kubernetes.io/part-of': 'camlet',
        'camlet.dev/floor': 'ground_1',
        A9: 'Mixed.Case-value_9',
        x: '',
        [`${'k'.repeat(63)}`]: 'v'.repeat(63),
        [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}/name`]: 'x',
      }),
    ).toEqual([]);
  });

  it('rejects a malformed key name, at the key', () => {
    for (const key of ['', '-site', 'site-', '.site', 'si te', 'sité', 'k'.repeat(64), 'a/b/c', 'camlet.dev/']) {
      expect(checkLabels({ [key]: 'v' }), `key ${JSON.stringify(key)}`).toEqual([{ path: ['metadata', 'labels', key], message: KEY_NAME, atKey: true }]);
    }
  });

  it('rejects a malformed key prefix, at the key', () => {
    const longPrefix = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`; // 254 characters
    for (const key of ['/site', 'Camlet.dev/site', 'camlet_dev/site', '-camlet.dev/site', 'camlet..dev/site', `${longPrefix}/site`]) {
      expect(checkLabels({ [key]: 'v' }), `key ${JSON.stringify(key)}`).toEqual([{ path: ['metadata', 'labels', key], message: KEY_PREFIX, atKey: true }]);
    }
  });

  it('rejects a malformed value', () => {
    for (const value of ['-home', 'home-', 'ho me', 'home/1', 'v'.repeat(64), 'ü']) {
      expect(checkLabels({ site: value }), `value ${JSON.stringify(value)}`).toEqual([{ path: ['metadata', 'labels', 'site'], message: LABEL_VALUE }]);
    }
  });

  it('rejects values that are not strings, asking for quotes', () => {
    for (const value of [1, true, null, ['a'], { a: 'b' }]) {
      expect(checkLabels({ floor: value })).toEqual([
        { path: ['metadata', 'labels', 'floor'], message: 'must be a string (quote numbers and booleans)' },
      ]);
    }
  });

  it('rejects labels that are not a map', () => {
    for (const labels of ['site=home', 5, ['site']]) {
      expect(checkLabels(labels)).toEqual([{ path: ['metadata', 'labels'], message: 'must be a map of strings' }]);
    }
  });

  it('reports every problem, a bad key and a bad value of one entry both', () => {
    expect(checkLabels({ ok: 'fine', '-bad': 'also bad!', n: 3 })).toEqual([
      { path: ['metadata', 'labels', '-bad'], message: KEY_NAME, atKey: true },
      { path: ['metadata', 'labels', '-bad'], message: LABEL_VALUE },
      { path: ['metadata', 'labels', 'n'], message: 'must be a string (quote numbers and booleans)' },
    ]);
  });
});

describe('checkAnnotations', () => {
  it('accepts any string value', () => {
    expect(checkAnnotations(undefined)).toEqual([]);
    expect(
      checkAnnotations({ note: 'by the porch, facing the street — café side', 'camlet.dev/config': '{"a": [1, 2]}\nsecond line', empty: '' }),
    ).toEqual([]);
  });

  it('checks keys as labels are checked', () => {
    expect(checkAnnotations({ 'Camlet.dev/x': 'v', 'bad key': 'v' })).toEqual([
      { path: ['metadata', 'annotations', 'Camlet.dev/x'], message: KEY_PREFIX, atKey: true },
      { path: ['metadata', 'annotations', 'bad key'], message: KEY_NAME, atKey: true },
    ]);
  });

  it('rejects values that are not strings, and annotations that are not a map', () => {
    expect(checkAnnotations({ replicas: 3 })).toEqual([
      { path: ['metadata', 'annotations', 'replicas'], message: 'must be a string (quote numbers and booleans)' },
    ]);
    expect(checkAnnotations(['a'])).toEqual([{ path: ['metadata', 'annotations'], message: 'must be a map of strings' }]);
  });

  it('accepts annotations of exactly 256 KiB, keys and values counted, as Kubernetes does', () => {
    expect(checkAnnotations({ note: 'x'.repeat(LIMIT - 'note'.length) })).toEqual([]);
    expect(checkAnnotations({ a: 'x'.repeat(LIMIT / 2 - 1), b: 'y'.repeat(LIMIT / 2 - 1) })).toEqual([]);
  });

  it('rejects annotations beyond 256 KiB in total', () => {
    const error = [{ path: ['metadata', 'annotations'], message: `annotations must total at most ${LIMIT} bytes` }];
    expect(checkAnnotations({ note: 'x'.repeat(LIMIT - 'note'.length + 1) })).toEqual(error);
    expect(checkAnnotations({ a: 'x'.repeat(LIMIT / 2), b: 'y'.repeat(LIMIT / 2) })).toEqual(error);
  });

  it('counts bytes, not characters: text outside ASCII takes more', () => {
    // 100,000 characters of two bytes each in UTF-8: 200,000 bytes, within the limit.
    expect(checkAnnotations({ note: 'é'.repeat(100_000) })).toEqual([]);
    // 150,000 of them: 300,000 bytes, which a cluster refuses.
    expect(checkAnnotations({ note: 'é'.repeat(150_000) })).toEqual([
      { path: ['metadata', 'annotations'], message: `annotations must total at most ${LIMIT} bytes` },
    ]);
  });

  it('does not add a size error on top of malformed entries', () => {
    expect(checkAnnotations({ 'bad key': 'x'.repeat(LIMIT + 1) })).toEqual([
      { path: ['metadata', 'annotations', 'bad key'], message: KEY_NAME, atKey: true },
    ]);
  });
});
