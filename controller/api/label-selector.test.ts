import { describe, expect, it } from 'vitest';
import { LabelSelectorError, parseLabelSelector } from './label-selector.js';

const home = { site: 'home', tier: 'gold' };
const office = { site: 'office' };
const unlabelled = {};

/** Which of the named label sets the selector matches. */
function matching(selector: string, candidates: Record<string, Readonly<Record<string, string>>>): string[] {
  const parsed = parseLabelSelector(selector);
  return Object.entries(candidates)
    .filter(([, labels]) => parsed.matches(labels))
    .map(([name]) => name);
}

function parseError(selector: string): string {
  try {
    parseLabelSelector(selector);
  } catch (error) {
    expect(error).toBeInstanceOf(LabelSelectorError);
    return (error as LabelSelectorError).message;
  }
  throw new Error(`expected '${selector}' to be rejected`);
}

describe('operators', () => {
  const cameras = { home, office, unlabelled };

  it('= and == match objects with that exact value', () => {
    expect(matching('site=home', cameras)).toEqual(['home']);
    expect(matching('site==home', cameras)).toEqual(['home']);
    expect(matching('site=garage', cameras)).toEqual([]);
  });

  it('!= matches other values and objects without the key', () => {
    expect(matching('site!=home', cameras)).toEqual(['office', 'unlabelled']);
    expect(matching('tier!=gold', cameras)).toEqual(['office', 'unlabelled']);
  });

  it('in matches any of the listed values, and never an object without the key', () => {
    expect(matching('site in (home,office)', cameras)).toEqual(['home', 'office']);
    expect(matching('site in (garage)', cameras)).toEqual([]);
  });

  it('notin matches other values and objects without the key', () => {
    expect(matching('site notin (home,garage)', cameras)).toEqual(['office', 'unlabelled']);
    expect(matching('tier notin (gold)', cameras)).toEqual(['office', 'unlabelled']);
  });

  it('a bare key tests existence, !key tests absence', () => {
    expect(matching('tier', cameras)).toEqual(['home']);
    expect(matching('!tier', cameras)).toEqual(['office', 'unlabelled']);
  });

  it('comma-separated requirements must all hold', () => {
    expect(matching('site in (home,office),!tier', cameras)).toEqual(['office']);
    expect(matching('site=home,tier=gold', cameras)).toEqual(['home']);
    expect(matching('site=home,site=office', cameras)).toEqual([]);
  });

  it('the empty selector, or one of only whitespace, matches everything', () => {
    expect(matching('', cameras)).toEqual(['home', 'office', 'unlabelled']);
    expect(matching(' \t\n', cameras)).toEqual(['home', 'office', 'unlabelled']);
    expect(parseLabelSelector('').toString()).toBe('');
  });

  it('does not find keys on Object.prototype', () => {
    expect(parseLabelSelector('constructor').matches({})).toBe(false);
    expect(parseLabelSelector('!toString').matches({})).toBe(true);
    expect(parseLabelSelector('constructor=x').matches({ constructor: 'x' })).toBe(true);
  });
});

describe('syntax', () => {
  it('tolerates whitespace around every token', () => {
    const selector = parseLabelSelector('  site = home ,\ttier  in(gold , silver) , ! off,x!=y ');
    expect(selector.toString()).toBe('site=home,tier in (gold,silver),!off,x!=y');
    expect(selector.matches({ site: 'home', tier: 'silver' })).toBe(true);
    expect(selector.matches({ site: 'home', tier: 'silver', off: 'true' })).toBe(false);
  });

  it('accepts keys with a DNS subdomain prefix', () => {
    const selector = parseLabelSelector('camlet.dev/site=home,app.kubernetes.io/name notin (x)');
    expect(selector.matches({ 'camlet.dev/site': 'home' })).toBe(true);
    expect(selector.matches({ site: 'home' })).toBe(false);
    expect(selector.toString()).toBe('camlet.dev/site=home,app.kubernetes.io/name notin (x)');
  });

  it('reads a missing value after =, == or != as the empty value', () => {
    expect(parseLabelSelector('site=').matches({ site: '' })).toBe(true);
    expect(parseLabelSelector('site=').matches({ site: 'home' })).toBe(false);
    expect(parseLabelSelector('site=').matches({})).toBe(false);
    expect(parseLabelSelector('site!=,tier').matches({ site: 'home', tier: 'a' })).toBe(true);
    expect(parseLabelSelector('site!=,tier').matches({ site: '', tier: 'a' })).toBe(false);
    expect(parseLabelSelector('site==,tier').toString()).toBe('site=,tier');
  });

  it('treats in and notin as keywords only after a key', () => {
    const selector = parseLabelSelector('in=notin,notin in (in)');
    expect(selector.matches({ in: 'notin', notin: 'in' })).toBe(true);
    expect(selector.toString()).toBe('in=notin,notin in (in)');
  });

  it('accepts the full range of label value characters', () => {
    expect(parseLabelSelector('v=A-b_c.9').matches({ v: 'A-b_c.9' })).toBe(true);
    expect(parseLabelSelector(`v=${'a'.repeat(63)}`).matches({ v: 'a'.repeat(63) })).toBe(true);
  });

  it('normalizes: == becomes =, set values are sorted and deduplicated, order of requirements kept', () => {
    expect(parseLabelSelector('z==1,a notin (c,b,c),m').toString()).toBe('z=1,a notin (b,c),m');
  });
});

describe('malformed selectors', () => {
  it.each([
    // [selector, message]
    ['site in (home', "unable to parse requirement: found end of string, expected: ',' or ')' at position 14"],
    ['site in (home office)', "unable to parse requirement: found 'office', expected: ',' or ')' at position 15"],
    ['site in home', "unable to parse requirement: found 'home', expected: '(' at position 9"],
    ['site in', "unable to parse requirement: found end of string, expected: '(' at position 8"],
    ['site in ()', "unable to parse requirement: found ')', expected: value at position 10"],
    ['site in (a,)', "unable to parse requirement: found ')', expected: value at position 12"],
    ['site in (,a)', "unable to parse requirement: found ',', expected: value at position 10"],
    ['site notin (a))', "unable to parse requirement: found ')', expected: ',' or end of string at position 15"],
    ['site=home)', "unable to parse requirement: found ')', expected: ',' or end of string at position 10"],
    ['site=home,', "unable to parse requirement: found end of string, expected: label key or '!' at position 11"],
    ['site=home,,tier', "unable to parse requirement: found ',', expected: label key or '!' at position 11"],
    [',site', "unable to parse requirement: found ',', expected: label key or '!' at position 1"],
    ['=home', "unable to parse requirement: found '=', expected: label key or '!' at position 1"],
    ['!', 'unable to parse requirement: found end of string, expected: label key at position 2'],
    ['!!site', "unable to parse requirement: found '!', expected: label key at position 2"],
    ['!site=home', "unable to parse requirement: found '=', expected: ',' or end of string at position 6"],
    ['site home', "unable to parse requirement: found 'home', expected: operator (=, ==, !=, in, notin), ',' or end of string at position 6"],
    ['replicas>1', "unable to parse requirement: found '>', expected: operator (=, ==, !=, in, notin), ',' or end of string at position 9"],
    ['site!home', "unable to parse requirement: found '!', expected: operator (=, ==, !=, in, notin), ',' or end of string at position 5"],
    ['site=a=b', "unable to parse requirement: found '=', expected: ',' or end of string at position 7"],
    ['site===home', "unable to parse requirement: found '=', expected: value, ',' or end of string at position 7"],
    ['site=(home)', "unable to parse requirement: found '(', expected: value, ',' or end of string at position 6"],
    ['site=home tier=gold', "unable to parse requirement: found 'tier', expected: ',' or end of string at position 11"],
  ])('%j', (selector, message) => {
    expect(parseError(selector)).toBe(message);
  });

  it.each([
    ['si te=home', "unable to parse requirement: found 'te', expected: operator (=, ==, !=, in, notin), ',' or end of string at position 4"],
    ['si;te=home', "invalid label key 'si;te' at position 1: name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"],
    ['-site', "invalid label key '-site' at position 1: name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"],
    [`${'k'.repeat(64)}=v`, `invalid label key '${'k'.repeat(64)}' at position 1: name must be 63 characters or less`],
    ['Camlet.dev/site', "invalid label key 'Camlet.dev/site' at position 1: prefix must be a lowercase DNS subdomain (e.g. 'camlet.dev')"],
    ['/site', "invalid label key '/site' at position 1: prefix before '/' must not be empty"],
    ['camlet.dev/', "invalid label key 'camlet.dev/' at position 1: name after '/' must not be empty"],
    ['a/b/c', "invalid label key 'a/b/c' at position 1: a key may contain at most one '/' (between prefix and name)"],
    [`${'p'.repeat(254)}/site`, `invalid label key '${'p'.repeat(254)}/site' at position 1: prefix must be 253 characters or less`],
    ['site="home"', `invalid label value '"home"' at position 6: value must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`],
    ['site in (home,of*fice)', "invalid label value 'of*fice' at position 15: value must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"],
    [`site!=${'v'.repeat(64)}`, `invalid label value '${'v'.repeat(64)}' at position 7: value must be 63 characters or less`],
  ])('rejects bad characters and lengths: %j', (selector, message) => {
    expect(parseError(selector)).toBe(message);
  });

  it('rejects selectors that are too long or have too many requirements', () => {
    const long = `site in (${Array.from({ length: 1000 }, (_, i) => `v${i}`).join(',')})`;
    expect(long.length).toBeGreaterThan(4096);
    expect(parseError(long)).toBe(`selector is too long: ${long.length} characters, at most 4096 are allowed`);

    const hundred = Array.from({ length: 100 }, (_, i) => `k${i}`).join(',');
    expect(parseLabelSelector(hundred).matches(Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, ''])))).toBe(true);
    expect(parseError(`${hundred},extra`)).toBe(`too many requirements: at most 100 are allowed (position ${hundred.length + 2})`);
  });

  it('accepts a selector of exactly 4096 characters', () => {
    const selector = `k=${'a'.repeat(61)},`.repeat(64).slice(0, -1) + ' ';
    expect(selector.length).toBe(4096);
    expect(parseLabelSelector(selector).matches({ k: 'a'.repeat(61) })).toBe(true);
  });
});
